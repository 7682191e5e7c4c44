"""The options that would raise a freelancer's score, in words for the freelancer.

Each is phrased as a condition ("If you could start on …", "With a TJM of …"), never as advice to
claim something: the freelancer weighs whether it is true or could become true. Dates and money are in
the reader's format; the gain is in whole points (the API gives it to two decimals).
"""

from __future__ import annotations

from datetime import date

from service.explanations.labels import Labels, taxonomy_labels
from service.i18n import _, format_date, format_money, ngettext


def gain_words(gain: float) -> str:
    """ "+8 points", "+1 point"; a gain under half a point reads "+less than 1 point"."""
    points = round(gain)
    if points < 1:
        return _("+less than 1 point")
    return ngettext("+%(num)s point", "+%(num)s points", points)


def option_text(
    kind: str,
    value: date | int | str,
    gain: float,
    *,
    level: int = 3,
    current_level: int | None = None,
    labels: Labels | None = None,
) -> str:
    """One option with its gain, e.g. "If you could start on 05/01/2027: +8 points"."""
    points = gain_words(gain)
    if kind == "availability" and isinstance(value, date):
        return _("If you could start on %(date)s: %(gain)s", date=format_date(value), gain=points)
    if kind == "tjm" and isinstance(value, int):
        return _(
            "With a TJM of %(tjm)s (the budget's maximum): %(gain)s", tjm=format_money(value), gain=points
        )
    if kind == "mobility":
        return _(
            "If you can come on site in %(city)s (to add to your mobility): %(gain)s", city=value, gain=points
        )
    if kind == "competence":
        name = (labels or taxonomy_labels())(str(value))
        if current_level is None:
            return _(
                "If you master %(competence)s (level %(level)s), which your profile lacks: %(gain)s",
                competence=name,
                level=level,
                gain=points,
            )
        return _(
            "If you master %(competence)s at level %(level)s (level %(current)s on your profile): %(gain)s",
            competence=name,
            level=level,
            current=current_level,
            gain=points,
        )
    if kind == "days_per_week" and isinstance(value, int):
        return ngettext(
            "If you could work %(num)s day a week, as the mission asks: %(gain)s",
            "If you could work %(num)s days a week, as the mission asks: %(gain)s",
            value,
            gain=points,
        )
    raise ValueError(f"no wording for the option {kind!r} = {value!r}")

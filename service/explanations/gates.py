"""The wording of the deal-breaker gates (a rate far over the budget, a presence the freelancer cannot
give, fewer days than asked) and of the mobility that lets a freelancer be on site elsewhere.

The operator reads the multiplier each gate puts on the total; the company and the freelancer read the
fact and that it weighs on the ranking, never the figures of the formula.
"""

from __future__ import annotations

from service.explanations import formats as fmt
from service.explanations.audience import Audience
from service.explanations.labels import Labels, mission_remote, preference
from service.explanations.registry import Params, renders
from service.i18n import _


def _times(p: Params) -> str:
    return fmt.decimal(p["multiplier"])


@renders("gate_rate_small", "gate_rate_demoted", "gate_rate_hard")
def _rate_gate(code: str, p: Params, who: Audience, labels: Labels) -> str | None:
    values = {
        "over": fmt.percent(p["over_percent"]),
        "small": fmt.percent(p["small_percent"]),
        "hard": fmt.percent(p["hard_percent"]),
        "max": fmt.money(p["budget_max"]),
    }
    if who == "operator":
        if code == "gate_rate_small":
            return _(
                "rate gate: TJM %(over)s over the budget maximum (up to %(small)s, a small cost): total × "
                "%(times)s",
                times=_times(p),
                **values,
            )
        if code == "gate_rate_demoted":
            return _(
                "rate gate: TJM %(over)s over the budget maximum (%(small)s to %(hard)s, demoted): total × "
                "%(times)s",
                times=_times(p),
                **values,
            )
        return _(
            "rate gate: TJM %(over)s over the budget maximum (more than %(hard)s, deal-breaker): total × "
            "%(times)s",
            times=_times(p),
            **values,
        )
    if code == "gate_rate_small":
        return None  # the rate sentence already says it is a little over the budget
    if who == "company":
        if code == "gate_rate_demoted":
            return _("ranked lower: the rate is well above your maximum of %(max)s", **values)
        return _("ranked much lower: the rate is far above your maximum of %(max)s", **values)
    if code == "gate_rate_demoted":
        return _("this mission ranks you lower: your rate is well above its maximum of %(max)s", **values)
    return _("this mission ranks you much lower: your rate is far above its maximum of %(max)s", **values)


@renders("gate_work_mode")
def _work_mode_gate(code: str, p: Params, who: Audience, labels: Labels) -> str:
    values = {"mission": mission_remote(p["policy"]), "preference": preference(p["preference"])}
    if who == "operator":
        return _(
            "presence gate: prefers %(preference)s for a %(mission)s, deal-breaker: total × %(times)s",
            times=_times(p),
            **values,
        )
    if who == "company":
        return _("ranked lower: prefers %(preference)s, which your %(mission)s does not allow", **values)
    return _("this mission ranks you lower: it is a %(mission)s and you prefer %(preference)s", **values)


@renders("gate_other_city")
def _other_city_gate(code: str, p: Params, who: Audience, labels: Labels) -> str:
    city, own = p["city"], p.get("profile_city") or ""
    mobility = ", ".join(p.get("mobility") or ())
    if who == "operator":
        if mobility:
            return _(
                "presence gate: %(city)s is neither the freelancer's city nor in their mobility "
                "(%(mobility)s): total × %(times)s",
                city=city,
                mobility=mobility,
                times=_times(p),
            )
        return _(
            "presence gate: %(city)s is not the freelancer's city and no mobility is given: total × "
            "%(times)s",
            city=city,
            times=_times(p),
        )
    if who == "company":
        if own:
            return _(
                "ranked lower: based in %(profile_city)s and not listed as able to work on site in %(city)s",
                city=city,
                profile_city=own,
            )
        return _("ranked lower: not listed as able to work on site in %(city)s", city=city)
    return _(
        "this mission ranks you lower: it is in %(city)s, which is neither your city nor in your mobility",
        city=city,
    )


@renders("gate_days_short", "gate_days_hard")
def _days_gate(code: str, p: Params, who: Audience, labels: Labels) -> str:
    values = {"days": p["days_per_week"], "asked": p["days_asked"]}
    if who == "operator":
        if code == "gate_days_short":
            return _(
                "days gate: one day short (%(days)s of %(asked)s days/week): total × %(times)s",
                times=_times(p),
                **values,
            )
        return _(
            "days gate: %(days)s of %(asked)s days/week, deal-breaker: total × %(times)s",
            times=_times(p),
            **values,
        )
    if who == "company":
        return _("ranked lower: %(days)s of the %(asked)s days a week you ask", **values)
    return _("this mission ranks you lower: you offer %(days)s of the %(asked)s days a week asked", **values)


@renders("mobility_city", "mobility_anywhere")
def _mobility(code: str, p: Params, who: Audience, labels: Labels) -> str:
    city, place = p["city"], p.get("place") or ""
    anywhere = code == "mobility_anywhere"
    if who == "operator":
        if anywhere:
            return _("can work on site anywhere in France (mission in %(city)s)", city=city)
        return _("can work on site in %(city)s (mobility: %(place)s)", city=city, place=place)
    if who == "company":
        if anywhere:
            return _("can work on site anywhere in France, %(city)s included", city=city)
        return _("can work on site in %(city)s", city=city)
    if anywhere:
        return _("the mission is in %(city)s: you can work on site anywhere in France", city=city)
    return _("the mission is in %(city)s, which your mobility covers (%(place)s)", city=city, place=place)

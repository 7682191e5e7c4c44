"""The budget warning of a mission and its way out, in words: "budget 450–500 € is below the market range
650–685 € for 11–15 years; to fix it: raise the maximum to 650 € or ask for 5–10 years (market range
450–488 €)". The figures come from the engine (`matching.budget_warning`, `matching.budget_advice`),
which takes them from the grid only."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from matching import BudgetOption, BudgetWarning
from service.explanations import formats as fmt
from service.explanations.audience import Audience
from service.i18n import _

Params = Mapping[str, Any]


def option_sentence(option: Params) -> str:
    """One way out: raise the maximum, or ask for a seniority the budget reaches."""
    if option["action"] == "raise_max":
        return _("raise the maximum to %(tjm)s", tjm=fmt.money(option["tjm_max"]))
    return _(
        "ask for %(band)s (market range %(range)s)",
        band=fmt.band_years(option["band_min_years"], option["band_max_years"]),
        range=fmt.money_range(option["tjm_low"], option["tjm_high"]),
    )


def budget_sentence(warning: Params, options: Iterable[Params], audience: Audience = "operator") -> str:
    """The warning, then its ways out (the freelancer reads the warning alone: the budget is not theirs)."""
    values = {
        "budget": fmt.money_range(warning["budget_min"], warning["budget_max"]),
        "range": fmt.money_range(warning["tjm_low"], warning["tjm_high"]),
        "band": fmt.band_years(warning["band_min_years"], warning["band_max_years"]),
    }
    if audience == "freelancer":
        return _("the mission's budget %(budget)s is below the market range %(range)s for %(band)s", **values)
    if audience == "company":
        text = _("your budget %(budget)s is below the market range %(range)s for %(band)s", **values)
    else:
        text = _("budget %(budget)s is below the market range %(range)s for %(band)s", **values)
    ways = [option_sentence(o) for o in options]
    return _("%(warning)s; to fix it: %(options)s", warning=text, options=fmt.or_list(ways)) if ways else text


def render_budget_warning(
    warning: BudgetWarning | None, advice: Sequence[BudgetOption] = (), audience: Audience = "operator"
) -> str | None:
    """A mission's budget warning with its ways out, in the current locale (None: no warning)."""
    if warning is None:
        return None
    return budget_sentence(warning.as_params(), [o.as_params() for o in advice], audience)


def render_budget_option(option: BudgetOption) -> str:
    return option_sentence(option.as_params())

"""The wording of the terms of a mission against the candidate's: the daily rate and the market, the
dates and days a week, remote work and the city, the budget."""

from __future__ import annotations

from service.explanations import formats as fmt
from service.explanations.audience import Audience
from service.explanations.budget import budget_sentence
from service.explanations.labels import Labels, mission_remote, preference
from service.explanations.registry import Params, band_of, budget_range, renders, then
from service.i18n import _, ngettext


# --- daily rate ------------------------------------------------------------------------------------------
@renders("tjm_within_budget", "tjm_above_budget", "tjm_below_budget")
def _tjm(code: str, p: Params, who: Audience, labels: Labels) -> str:
    values = {"tjm": fmt.money(p["tjm"]), "budget": budget_range(p)}
    if who == "operator":
        if code == "tjm_above_budget":
            return _(
                "TJM %(tjm)s is %(over)s above budget %(budget)s",
                over=fmt.percent(p["over_percent"]),
                **values,
            )
        if code == "tjm_below_budget":
            return _("TJM %(tjm)s below budget %(budget)s (cheaper than planned)", **values)
        return _("TJM %(tjm)s within budget %(budget)s", **values)
    gap = fmt.money(p["tjm"] - p["budget_max"])
    if who == "company":
        if code == "tjm_above_budget":
            return _("rate %(tjm)s a day, %(over)s above your budget %(budget)s", over=gap, **values)
        if code == "tjm_below_budget":
            return _("rate %(tjm)s a day, below your budget %(budget)s", **values)
        return _("rate %(tjm)s a day, within your budget %(budget)s", **values)
    if code == "tjm_above_budget":
        return _("your rate %(tjm)s is %(over)s above the mission's budget %(budget)s", over=gap, **values)
    if code == "tjm_below_budget":
        return _("your rate %(tjm)s is below the mission's budget %(budget)s", **values)
    return _("your rate %(tjm)s is within the mission's budget %(budget)s", **values)


@renders("market_within", "market_below", "market_above", "market_within_ceiling", "market_above_ceiling")
def _market(code: str, p: Params, who: Audience, labels: Labels) -> str:
    values = {"band": band_of(p), "range": fmt.money_range(p["tjm_low"], p["tjm_high"])}
    ceiling = fmt.money(p["tjm_ceiling"]) if p.get("tjm_ceiling") is not None else ""
    if who == "operator":
        if code == "market_within":
            return _("market range for %(band)s is %(range)s", **values)
        if code == "market_below":
            return _("market range for %(band)s is %(range)s (rate below it)", **values)
        if code == "market_above":
            return _("market range for %(band)s is %(range)s (rate above it)", **values)
        if code == "market_within_ceiling":
            return _(
                "market range for %(band)s is %(range)s (rate above it, within the documented ceiling "
                "%(ceiling)s)",
                ceiling=ceiling,
                **values,
            )
        return _(
            "market range for %(band)s is %(range)s (rate above it and above the documented ceiling "
            "%(ceiling)s)",
            ceiling=ceiling,
            **values,
        )
    if who == "company":
        if code == "market_within":
            return _("a rate within the market range for %(band)s (%(range)s)", **values)
        if code == "market_below":
            return _("a rate below the market range for %(band)s (%(range)s)", **values)
        if code == "market_above":
            return _("a rate above the market range for %(band)s (%(range)s)", **values)
        if code == "market_within_ceiling":
            return _(
                "a rate above the usual market range for %(band)s (%(range)s), within the documented "
                "ceiling %(ceiling)s",
                ceiling=ceiling,
                **values,
            )
        return _("a rate above the documented ceiling %(ceiling)s for %(band)s", ceiling=ceiling, **values)
    if code == "market_within":
        return _("your rate is within the market range for your experience (%(band)s: %(range)s)", **values)
    if code == "market_below":
        return _("your rate is below the market range for your experience (%(band)s: %(range)s)", **values)
    if code == "market_above":
        return _("your rate is above the market range for your experience (%(band)s: %(range)s)", **values)
    if code == "market_within_ceiling":
        return _(
            "your rate is above the usual market range for your experience (%(band)s: %(range)s), within "
            "the documented ceiling %(ceiling)s",
            ceiling=ceiling,
            **values,
        )
    return _(
        "your rate is above the documented ceiling %(ceiling)s for your experience (%(band)s)",
        ceiling=ceiling,
        **values,
    )


# --- availability ----------------------------------------------------------------------------------------
def _timing(code: str, p: Params, who: Audience) -> str:
    values = {
        "date": fmt.day(p["available_from"]),
        "start": fmt.day(p["start_date"]),
        "end": fmt.day(p["end_date"]),
    }
    late: int = p["days_late"]
    if who == "operator":
        if code == "availability_by_start":
            return _("available %(date)s, by the mission start (%(start)s)", **values)
        if code == "availability_late_open_ended":
            return ngettext(
                "available %(date)s, %(num)s day after the start of an open-ended mission",
                "available %(date)s, %(num)s days after the start of an open-ended mission",
                late,
                **values,
            )
        if code == "availability_after_end":
            return _("available %(date)s, after the mission ends (%(end)s)", **values)
        return ngettext(
            "available %(date)s, after %(share)s of the mission (ends %(end)s), %(num)s day in",
            "available %(date)s, after %(share)s of the mission (ends %(end)s), %(num)s days in",
            late,
            share=fmt.share(p["mission_share"]),
            **values,
        )
    if who == "company":
        if code == "availability_by_start":
            return _("available from %(date)s, by the mission start", **values)
        if code == "availability_late_open_ended":
            return ngettext(
                "available from %(date)s, %(num)s day after the mission start",
                "available from %(date)s, %(num)s days after the mission start",
                late,
                **values,
            )
        if code == "availability_after_end":
            return _("available from %(date)s, after the mission ends (%(end)s)", **values)
        return ngettext(
            "available from %(date)s, %(num)s day after the mission start (it ends %(end)s)",
            "available from %(date)s, %(num)s days after the mission start (it ends %(end)s)",
            late,
            **values,
        )
    if code == "availability_by_start":
        return _("you are available by the mission start (%(start)s)", **values)
    if code == "availability_late_open_ended":
        return ngettext(
            "you are available %(num)s day after the mission start (%(start)s)",
            "you are available %(num)s days after the mission start (%(start)s)",
            late,
            **values,
        )
    if code == "availability_after_end":
        return _("you are available only after the mission ends (%(end)s)", **values)
    return ngettext(
        "you are available %(num)s day after the mission start (%(start)s, end %(end)s)",
        "you are available %(num)s days after the mission start (%(start)s, end %(end)s)",
        late,
        **values,
    )


def _days(p: Params, who: Audience) -> str:
    values = {"days": p["days_per_week"], "asked": p["days_asked"]}
    short = p["days_per_week"] < p["days_asked"]
    if who == "operator":
        if short:
            return _("can work %(days)s of the %(asked)s days/week asked", **values)
        return _("can work the %(asked)s days/week asked", **values)
    if who == "company":
        if short:
            return _("%(days)s of the %(asked)s days a week asked", **values)
        return _("the %(asked)s days a week asked", **values)
    if short:
        return _("you offer %(days)s of the %(asked)s days a week asked", **values)
    return _("you offer the %(asked)s days a week asked", **values)


@renders(
    "availability_by_start", "availability_late", "availability_late_open_ended", "availability_after_end"
)
def _availability(code: str, p: Params, who: Audience, labels: Labels) -> str:
    return then(_timing(code, p, who), _days(p, who))


@renders("availability_gate")
def _gate(code: str, p: Params, who: Audience, labels: Labels) -> str:
    if who == "company":
        return _("could cover only a small part of the mission's working time")
    if who == "freelancer":
        return _("you could cover only a small part of the mission's working time")
    covered = fmt.share(p["coverage"]) if p["coverage"] > 0 else fmt.percent(0)
    return _(
        "can cover %(covered)s of the mission's working time, under %(threshold)s: total scaled by "
        "%(multiplier)s",
        covered=covered,
        threshold=fmt.share(p["threshold"]),
        multiplier=fmt.decimal(p["multiplier"]),
    )


@renders("availability_gate_open_ended")
def _gate_open_ended(code: str, p: Params, who: Audience, labels: Labels) -> str | None:
    if who != "operator":
        return None  # the number is the factor's value: the availability sentence says the facts
    return _(
        "availability %(coverage)s (waiting time and days/week) is under %(threshold)s: total scaled by "
        "%(multiplier)s",
        coverage=fmt.decimal(p["coverage"]),
        threshold=fmt.decimal(p["threshold"]),
        multiplier=fmt.decimal(p["multiplier"]),
    )


# --- remote and location ---------------------------------------------------------------------------------
@renders("remote_match", "remote_mismatch")
def _remote(code: str, p: Params, who: Audience, labels: Labels) -> str:
    values = {"mission": mission_remote(p["policy"]), "preference": preference(p["preference"])}
    fits = code == "remote_match"
    if who == "operator":
        return _("%(mission)s; freelancer prefers %(preference)s", **values)
    if who == "company":
        if fits:
            return _("work mode fits: prefers %(preference)s, for your %(mission)s", **values)
        return _("work mode: prefers %(preference)s, for your %(mission)s", **values)
    if fits:
        return _("%(mission)s, which fits your preference (%(preference)s)", **values)
    return _("%(mission)s, while you prefer %(preference)s", **values)


@renders("same_city")
def _same_city(code: str, p: Params, who: Audience, labels: Labels) -> str:
    if who == "company":
        return _("based in %(city)s, like the mission", city=p["city"])
    if who == "freelancer":
        return _("the mission is in your city (%(city)s)", city=p["city"])
    return _("same city (%(city)s)", city=p["city"])


@renders("other_city")
def _other_city(code: str, p: Params, who: Audience, labels: Labels) -> str:
    city, own = p["city"], p.get("profile_city")
    if who == "company":
        if own:
            return _("based in %(profile_city)s; the mission is in %(city)s", city=city, profile_city=own)
        return _("no city in the profile; the mission is in %(city)s", city=city)
    if who == "freelancer":
        if own:
            return _(
                "the mission is in %(city)s; you are based in %(profile_city)s", city=city, profile_city=own
            )
        return _("the mission is in %(city)s; your profile gives no city", city=city)
    if own:
        return _("based in %(profile_city)s, mission in %(city)s", city=city, profile_city=own)
    return _("based in an unknown city, mission in %(city)s", city=city)


@renders("budget_below_market")
def _budget_warning(code: str, p: Params, who: Audience, labels: Labels) -> str:
    return budget_sentence(p, p.get("options", ()), who)

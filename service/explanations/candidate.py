"""The wording of what a candidate brings: exclusions, competences, CTO missions, experience, past roles
and sectors, orientation (DOMAIN.md §2–§4)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from service.explanations import formats as fmt
from service.explanations.audience import Audience
from service.explanations.labels import Labels, context_name, context_phrase, orientation
from service.explanations.registry import Params, band_of, detail, renders
from service.i18n import _, ngettext


# --- exclusions ------------------------------------------------------------------------------------------
def exclusion_reason(code: str, who: Audience) -> str:
    """Why a pair is not scored, without the "excluded" that the sentence (or the page) puts before it."""
    if code == "excluded_mission_closed":
        return _("the mission is closed")
    if code == "excluded_profile_inactive":
        return _("your profile is inactive") if who == "freelancer" else _("the profile is inactive")
    if who == "company":
        return _("the freelancer works full remote only and the mission is on site")
    if who == "freelancer":
        return _("you work full remote only and the mission is on site")
    return _("full-remote freelancer, on-site mission")


@renders("excluded_mission_closed", "excluded_profile_inactive", "excluded_remote_incompatible")
def _excluded(code: str, p: Params, who: Audience, labels: Labels) -> str:
    return _("excluded: %(reason)s", reason=exclusion_reason(code, who))


# --- competences -----------------------------------------------------------------------------------------
@renders("required_held")
def _required_held(code: str, p: Params, who: Audience, labels: Labels) -> str | None:
    held: Sequence[Mapping[str, Any]] = p["competences"]
    if who == "operator":
        items = [
            _("%(competence)s (level %(level)s)", competence=labels(c["id"]), level=c["level"]) for c in held
        ]
        text = ngettext(
            "has %(held)s of %(num)s required competence",
            "has %(held)s of %(num)s required competences",
            p["required"],
            held=p["held"],
        )
        return _("%(text)s: %(items)s", text=text, items=fmt.and_list(items)) if items else text
    mastered = [labels(c["id"]) for c in held if c["level"] >= 3]
    if not mastered:
        return None  # the missing and partial ones have their own reasons
    if who == "company":
        return ngettext(
            "a mastered required competence: %(competences)s",
            "%(num)s mastered required competences: %(competences)s",
            len(mastered),
            competences=fmt.and_list(mastered),
        )
    return ngettext(
        "you master a required competence: %(competences)s",
        "you master %(num)s of the required competences: %(competences)s",
        len(mastered),
        competences=fmt.and_list(mastered),
    )


@renders("missing_required")
def _missing_required(code: str, p: Params, who: Audience, labels: Labels) -> str:
    competence = labels(p["competence"])
    if who == "company":
        return _("a required competence not in the profile: %(competence)s", competence=competence)
    if who == "freelancer":
        return _("a required competence missing from your profile: %(competence)s", competence=competence)
    return _("missing required competence: %(competence)s", competence=competence)


@renders("partial_required")
def _partial_required(code: str, p: Params, who: Audience, labels: Labels) -> str:
    values = {"competence": labels(p["competence"]), "level": p["level"], "max": p["max_level"]}
    if who == "company":
        return _("a required competence held at level %(level)s of %(max)s only: %(competence)s", **values)
    if who == "freelancer":
        return _(
            "a required competence to strengthen: %(competence)s (your level: %(level)s of %(max)s)", **values
        )
    return _("required competence %(competence)s only at level %(level)s/%(max)s", **values)


@renders("shared_concepts")
def _shared_concepts(code: str, p: Params, who: Audience, labels: Labels) -> str:
    listed = fmt.and_list([labels(c) for c in p["concepts"]])
    if who == "operator":
        return _("the mission and profile texts both speak of: %(items)s", items=listed)
    if who == "company":
        return _("the profile speaks of what your description asks: %(items)s", items=listed)
    return _("your profile speaks of what the mission describes: %(items)s", items=listed)


@renders("nice_held")
def _nice_held(code: str, p: Params, who: Audience, labels: Labels) -> str:
    missing = [labels(c) for c in p["missing"]]
    listed = fmt.and_list(missing)
    if who == "operator":
        text = ngettext(
            "has %(held)s of %(num)s nice-to-have competence",
            "has %(held)s of %(num)s nice-to-have competences",
            p["total"],
            held=p["held"],
        )
        return _("%(text)s; missing: %(items)s", text=text, items=listed) if missing else text
    if who == "company":
        if missing:
            return ngettext(
                "a nice-to-have competence not in the profile: %(competences)s",
                "nice-to-have competences not in the profile: %(competences)s",
                len(missing),
                competences=listed,
            )
        return ngettext(
            "has the nice-to-have competence asked",
            "has all %(num)s nice-to-have competences asked",
            p["total"],
        )
    if missing:
        return ngettext(
            "a nice-to-have competence you could add: %(competences)s",
            "nice-to-have competences you could add: %(competences)s",
            len(missing),
            competences=listed,
        )
    return ngettext(
        "you have the nice-to-have competence asked",
        "you have all %(num)s nice-to-have competences asked",
        p["total"],
    )


@renders("text_similarity")
def _text_similarity(code: str, p: Params, who: Audience, labels: Labels) -> str | None:
    if who != "operator":
        return None  # an internal figure of the engine
    return _(
        "text similarity with the mission description: %(similarity)s",
        similarity=fmt.decimal(p["similarity"]),
    )


# --- CTO missions ------------------------------------------------------------------------------------------
@renders("cto_missions_done")
def _cto_missions(code: str, p: Params, who: Audience, labels: Labels) -> str:
    done = fmt.and_list([labels(x) for x in p["done"]])
    missing = fmt.and_list([labels(x) for x in p["missing"]])
    if who == "operator":
        text = ngettext(
            "already carried out %(done)s of %(num)s requested CTO mission",
            "already carried out %(done)s of %(num)s requested CTO missions",
            p["requested"],
            done=len(p["done"]),
        )
        if done:
            text = _("%(text)s: %(items)s", text=text, items=done)
    elif who == "company":
        if not done:
            return _("has not yet carried out the CTO missions asked: %(missions)s", missions=missing)
        text = ngettext(
            "has already carried out a CTO mission asked: %(missions)s",
            "has already carried out %(num)s of the CTO missions asked: %(missions)s",
            len(p["done"]),
            missions=done,
        )
    else:
        if not done:
            return _("CTO missions asked that you have not carried out yet: %(missions)s", missions=missing)
        text = ngettext(
            "you have already carried out a CTO mission asked: %(missions)s",
            "you have already carried out %(num)s of the CTO missions asked: %(missions)s",
            len(p["done"]),
            missions=done,
        )
    return _("%(text)s; not yet: %(items)s", text=text, items=missing) if missing else text


# --- experience ------------------------------------------------------------------------------------------
@renders("experience_as_asked", "experience_above", "experience_below")
def _experience(code: str, p: Params, who: Audience, labels: Labels) -> str:
    values = {"years": fmt.years_of_experience(p["years"]), "band": band_of(p), "asked": band_of(p, "asked")}
    gap: int = p["gap"]
    if who == "operator":
        if gap == 0:
            return _("%(years)s (%(band)s), the seniority asked", **values)
        if gap > 0:
            return ngettext(
                "%(years)s (%(band)s): %(num)s band above the %(asked)s asked",
                "%(years)s (%(band)s): %(num)s bands above the %(asked)s asked",
                gap,
                **values,
            )
        return ngettext(
            "%(years)s (%(band)s): %(num)s band below the %(asked)s asked",
            "%(years)s (%(band)s): %(num)s bands below the %(asked)s asked",
            -gap,
            **values,
        )
    if who == "company":
        if gap == 0:
            return _("%(years)s, the seniority you asked (%(asked)s)", **values)
        if gap > 0:
            return _("%(years)s, more than the %(asked)s you asked", **values)
        return _("%(years)s, less than the %(asked)s you asked", **values)
    if gap == 0:
        return _("your %(years)s match the seniority asked (%(asked)s)", **values)
    if gap > 0:
        return _("your %(years)s are more than the %(asked)s asked", **values)
    return _("the mission asks %(asked)s; you have %(years)s", **values)


# --- sector and context ----------------------------------------------------------------------------------
@renders("past_role_context")
def _past_role(code: str, p: Params, who: Audience, labels: Labels) -> str:
    roles: Sequence[Mapping[str, Any]] = p.get("roles") or [p]
    context = context_phrase(p["context"])
    spans = ", ".join(s for s in (fmt.span(r.get("start_year"), r.get("end_year")) for r in roles) if s)
    if len(roles) > 1:  # the company's reading: one sentence for the roles held in that context
        if len(roles) == 2:
            return detail(_("held a CTO role in %(context)s twice", context=context), spans)
        text = ngettext(
            "held a CTO role in %(context)s %(num)s time",
            "held a CTO role in %(context)s %(num)s times",
            len(roles),
            context=context,
        )
        return detail(text, spans)
    if who == "freelancer":
        return detail(
            _("you were already %(title)s in %(context)s", title=p["title"], context=context), spans
        )
    return detail(_("already %(title)s in %(context)s", title=p["title"], context=context), spans)


@renders("past_role_context_listed")
def _past_role_listed(code: str, p: Params, who: Audience, labels: Labels) -> str:
    context = context_phrase(p["context"])
    if who == "freelancer":
        return _("you already held a CTO role in %(context)s", context=context)
    return _("already held a CTO role in %(context)s", context=context)


@renders("similar_context")
def _similar(code: str, p: Params, who: Audience, labels: Labels) -> str:
    values = {
        "similar": detail(context_name(p["similar"]), fmt.span(p.get("start_year"), p.get("end_year"))),
        "context": context_phrase(p["context"]),
    }
    if who == "company":
        return _("a past CTO role in a related context (%(similar)s), none in %(context)s", **values)
    if who == "freelancer":
        return _(
            "your past CTO role in a related context (%(similar)s) counts in part; none in %(context)s",
            **values,
        )
    return _("past role in a similar context (%(similar)s), none in %(context)s", **values)


@renders("no_context_role")
def _no_context(code: str, p: Params, who: Audience, labels: Labels) -> str:
    context = context_phrase(p["context"])
    if who == "freelancer":
        return _("you have no past CTO role in %(context)s", context=context)
    return _("no past CTO role in %(context)s", context=context)


@renders("sector_match")
def _sector(code: str, p: Params, who: Audience, labels: Labels) -> str:
    if who == "freelancer":
        return _("you have worked in the %(sector)s sector", sector=labels(p["sector"]))
    return _("has worked in the %(sector)s sector", sector=labels(p["sector"]))


@renders("context_tag_match")
def _context_tag(code: str, p: Params, who: Audience, labels: Labels) -> str:
    ctx = p["context"]
    name = labels(ctx) if ctx in labels.items else context_name(ctx)
    if who == "freelancer":
        return _("your profile lists %(context)s, the mission's context", context=name)
    return _("the profile lists %(context)s, the mission's context", context=name)


@renders("no_sector")
def _no_sector(code: str, p: Params, who: Audience, labels: Labels) -> str:
    if who == "freelancer":
        return _("your profile lists no %(sector)s sector", sector=labels(p["sector"]))
    return _("no %(sector)s sector in the profile", sector=labels(p["sector"]))


# --- orientation and budget ------------------------------------------------------------------------------
@renders("orientation_match")
def _orientation_match(code: str, p: Params, who: Audience, labels: Labels) -> str:
    value = orientation(p["orientation"])
    if who == "company":
        return _("the orientation you asked: %(orientation)s", orientation=value)
    if who == "freelancer":
        return _("the mission asks your orientation: %(orientation)s", orientation=value)
    return _("orientation as asked: %(orientation)s", orientation=value)


@renders("orientation_mismatch")
def _orientation_mismatch(code: str, p: Params, who: Audience, labels: Labels) -> str:
    values = {"mission": orientation(p["mission"]), "freelancer": orientation(p["freelancer"])}
    if who == "company":
        return _("your mission asks %(mission)s; the freelancer is %(freelancer)s", **values)
    if who == "freelancer":
        return _("the mission asks %(mission)s; your profile is %(freelancer)s", **values)
    return _("mission asks %(mission)s; freelancer is %(freelancer)s", **values)

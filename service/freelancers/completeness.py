"""How complete a profile is for matching, and what to add first: a percentage and concrete hints.

Pure: it reads facts of a profile and the engine's factor weights (what a criterion is worth in the
score), nothing else. Every item's credit only grows with what the profile holds, so adding information
never lowers the percentage.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime

from matching import Weights
from service.freelancers.availability import DEFAULT_REMINDER_DAYS, is_confirmed
from service.freelancers.schemas import FreelancerPrivate
from service.i18n import _

#: Counts from which an item is complete (fewer earn a share of its points).
ENOUGH_COMPETENCES = 5
ENOUGH_CTO_MISSIONS = 3
ENOUGH_SUMMARY_CHARS = 300


@dataclass(frozen=True)
class ProfileFacts:
    """What completeness looks at; `facts_of` reads it from a profile."""

    competences: int = 0
    cto_missions: int = 0
    summary_chars: int = 0
    past_roles: int = 0
    references: int = 0
    sectors: int = 0
    certifications: int = 0
    stack: int = 0
    location: bool = False
    phone: bool = False
    linkedin: bool = False
    availability_confirmed: bool = False


@dataclass(frozen=True)
class Hint:
    """One missing piece: `item` is a stable id (for tests and the page's anchors), `text` for people."""

    item: str
    text: str


@dataclass(frozen=True)
class Completeness:
    percent: int
    hints: list[Hint]


def facts_of(
    profile: FreelancerPrivate, now: datetime, reminder_days: int = DEFAULT_REMINDER_DAYS
) -> ProfileFacts:
    return ProfileFacts(
        competences=len(profile.competences),
        cto_missions=len(profile.cto_missions),
        summary_chars=len(profile.summary.strip()),
        past_roles=len(profile.past_roles),
        references=len(profile.references),
        sectors=len(profile.sectors),
        certifications=len(profile.certifications),
        stack=len(profile.stack),
        location=bool(profile.location.strip()),
        phone=bool(profile.phone),
        linkedin=bool(profile.linkedin_url),
        availability_confirmed=is_confirmed(profile.availability_confirmed_at, now, reminder_days),
    )


def _share(count: int, enough: int) -> float:
    return min(count, enough) / enough


def _percent(weight: float) -> int:
    return round(weight * 100)


@dataclass(frozen=True)
class _Item:
    item: str
    points: float
    credit: Callable[[ProfileFacts], float]
    hint: Callable[[Mapping[str, float]], str]


def _items(weights: Mapping[str, float]) -> list[_Item]:
    """Each item is worth the weight of the criterion it feeds (plus a floor for what only people read)."""
    return [
        _Item(
            "competences",
            weights["competences"],
            lambda f: _share(f.competences, ENOUGH_COMPETENCES),
            lambda w: _(
                "Add at least %(count)s competences with their level: the competences criterion counts "
                "for %(weight)s%% of the score.",
                count=ENOUGH_COMPETENCES,
                weight=_percent(w["competences"]),
            ),
        ),
        _Item(
            "cto_missions",
            weights["cto_missions"],
            lambda f: _share(f.cto_missions, ENOUGH_CTO_MISSIONS),
            lambda w: _(
                "Tick at least %(count)s CTO missions you can cover: they count for %(weight)s%% of "
                "the score.",
                count=ENOUGH_CTO_MISSIONS,
                weight=_percent(w["cto_missions"]),
            ),
        ),
        _Item(
            "past_roles",
            weights["sector_context"],
            lambda f: _share(f.past_roles, 1),
            lambda w: _(
                "List your past CTO roles and their context: companies of the same context look for them "
                "(the context and sector criterion counts for %(weight)s%% of the score).",
                weight=_percent(w["sector_context"]),
            ),
        ),
        _Item(
            "sectors",
            weights["sector_context"] / 2,
            lambda f: _share(f.sectors, 1),
            lambda w: _("Tick the sectors you know: missions of those sectors rank you higher."),
        ),
        _Item(
            "availability",
            weights["availability"],
            lambda f: 1.0 if f.availability_confirmed else 0.0,
            lambda w: _(
                "Confirm your availability: missions are proposed to freelancers whose availability is "
                "up to date (availability counts for %(weight)s%% of the score).",
                weight=_percent(w["availability"]),
            ),
        ),
        _Item(
            "location",
            weights["remote_location"],
            lambda f: 1.0 if f.location else 0.0,
            lambda w: _(
                "Give your city: on-site and hybrid missions are matched on it (%(weight)s%% of the score).",
                weight=_percent(w["remote_location"]),
            ),
        ),
        _Item(
            "summary",
            0.08,
            lambda f: _share(f.summary_chars, ENOUGH_SUMMARY_CHARS),
            lambda w: _(
                "Write a summary of at least %(count)s characters: it is compared with the missions' "
                "descriptions and it is what companies read first.",
                count=ENOUGH_SUMMARY_CHARS,
            ),
        ),
        _Item(
            "references",
            0.08,
            lambda f: _share(f.references, 1),
            lambda w: _("Add a reference: companies check references before hiring a CTO."),
        ),
        _Item(
            "certifications",
            0.03,
            lambda f: _share(f.certifications, 1),
            lambda w: _("Tick your certifications (information security, information systems…)."),
        ),
        _Item(
            "stack",
            0.03,
            lambda f: _share(f.stack, 1),
            lambda w: _("List the technologies you work with (your stack)."),
        ),
        _Item(
            "contact",
            0.04,
            lambda f: (float(f.phone) + float(f.linkedin)) / 2,
            lambda w: _(
                "Give your phone number and LinkedIn profile: a company that accepts you uses them to "
                "reach you."
            ),
        ),
    ]


def completeness(facts: ProfileFacts, weights: Mapping[str, float] | None = None) -> Completeness:
    """The share of the items' points the profile earns, and a hint for each item not complete,
    the items worth most first."""
    chosen = {**Weights().as_dict(), **(weights or {})}
    items = _items(chosen)
    total = sum(i.points for i in items)
    earned = sum(i.points * i.credit(facts) for i in items)
    percent = 100 if earned >= total else int(100 * earned / total) if total else 100
    missing = sorted((i for i in items if i.credit(facts) < 1.0), key=lambda i: -i.points)
    return Completeness(percent=percent, hints=[Hint(i.item, i.hint(chosen)) for i in missing])

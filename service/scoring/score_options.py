"""What would raise a freelancer's score on a mission: the profile rescored with one change at a time.

Each option is a single change the freelancer could make true (start by the mission's start, ask the
budget's maximum, come on site in the mission's city, hold a required competence at level 3, give the
days per week asked). The profile and all its variants are encoded as one pool and scored in one
engine call, so the gains are exactly what the engine would give those profiles. Only the options that
gain more than `MIN_GAIN` points are kept, best first: they are options to weigh, never advice to
claim what the freelancer does not have (the wording is service.explanations.score_options).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date
from typing import Literal

import numpy as np
import numpy.typing as npt
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from matching import MissionInput, ProfileInput, encode_missions, encode_profiles, mobility_reach
from matching.engine import score_pairs
from matching.inputs import normalise_tag
from models import Match, Mission
from models.enums import MatchStatus, MissionStatus
from service.auth.actor import Actor
from service.engine_inputs.loaders import load_mission_inputs, load_profile_inputs
from service.engine_inputs.rows import ScoringContext, load_context
from service.errors import NotFound
from service.explanations.score_options import option_text
from service.i18n import _
from service.scoring.schemas import ScoreOptionOut, ScoreOptionsOut
from service.settings import Settings

F64 = npt.NDArray[np.float64]

OptionKind = Literal["availability", "tjm", "mobility", "competence", "days_per_week"]
#: The order of options of equal gain (and of the variants in the pool).
KIND_ORDER: tuple[OptionKind, ...] = ("availability", "tjm", "mobility", "competence", "days_per_week")
TARGET_LEVEL = 3
"""A required competence counts in full from level 3 (README, Matching): the level an option asks."""
MIN_GAIN = 0.5
"""Points: a smaller gain would read "+less than 1 point", not a reason to change anything (the demo
offered such options next to +40 ones)."""
MAX_OPTIONS = 3
MAX_COMPETENCE_OPTIONS = 2
_ON_SITE_POLICIES = frozenset({"hybrid", "onsite"})
#: Statuses of a match put in front of the freelancer (service.matches.transitions.PROPOSED_STATUSES,
#: a domain scoring does not import; a unit test keeps the two equal).
PROPOSED_STATUSES = frozenset(
    {
        MatchStatus.PROPOSED,
        MatchStatus.ACCEPTED,
        MatchStatus.DECLINED,
        MatchStatus.FREELANCER_INTERESTED,
        MatchStatus.FREELANCER_DECLINED,
    }
)

OptionValue = date | int | str
"""The changed value: a start date, a TJM in euros, a city, a competence id, days per week."""


@dataclass(frozen=True, slots=True)
class Variant:
    """The profile with one change."""

    kind: OptionKind
    value: OptionValue
    profile: ProfileInput
    current_level: int | None = None
    """Competence options: the level the profile holds (None: not on the profile)."""


@dataclass(frozen=True, slots=True)
class ScoreOption:
    kind: OptionKind
    value: OptionValue
    new_score: float
    gain: float
    current_level: int | None = None


@dataclass(frozen=True, slots=True)
class ScoreOptions:
    mission_id: int
    score: float
    """The profile's score as it is, from the same engine call as the options."""
    options: tuple[ScoreOption, ...]


def build_variants(mission: MissionInput, profile: ProfileInput) -> list[Variant]:
    """Every single change that applies to this pair, in `KIND_ORDER` (required competences in the
    mission's order)."""
    variants: list[Variant] = []
    if profile.available_from > mission.start_date:
        changed = replace(profile, available_from=mission.start_date)
        variants.append(Variant("availability", mission.start_date, changed))
    if profile.tjm > mission.tjm_max:
        variants.append(Variant("tjm", mission.tjm_max, replace(profile, tjm=mission.tjm_max)))
    if (
        mission.remote_policy in _ON_SITE_POLICIES
        and normalise_tag(mission.location)
        and mobility_reach(mission, profile) is None
    ):
        changed = replace(profile, mobility=(*profile.mobility, mission.location))
        variants.append(Variant("mobility", mission.location, changed))
    for competence in dict.fromkeys(mission.required_competences):
        level = profile.competences.get(competence)
        if level is None or level < TARGET_LEVEL:
            changed = replace(profile, competences={**profile.competences, competence: TARGET_LEVEL})
            variants.append(Variant("competence", competence, changed, current_level=level))
    if profile.days_per_week < mission.days_per_week:
        changed = replace(profile, days_per_week=mission.days_per_week)
        variants.append(Variant("days_per_week", mission.days_per_week, changed))
    return variants


def rank_options(
    base: float, variants: Sequence[Variant], scores: Sequence[float], limit: int = MAX_OPTIONS
) -> tuple[ScoreOption, ...]:
    """The `limit` variants that gain most (more than MIN_GAIN), best first; ties in KIND_ORDER, then
    in the variants' order. At most MAX_COMPETENCE_OPTIONS competences."""
    gains = [
        (round(float(score) - base, 2), KIND_ORDER.index(v.kind), i, v, round(float(score), 2))
        for i, (v, score) in enumerate(zip(variants, scores, strict=True))
    ]
    ranked = sorted((g for g in gains if g[0] > MIN_GAIN), key=lambda g: (-g[0], g[1], g[2]))
    kept: list[ScoreOption] = []
    competences = 0
    for gain, _kind, _i, variant, new_score in ranked:
        if variant.kind == "competence":
            if competences == MAX_COMPETENCE_OPTIONS:
                continue
            competences += 1
        kept.append(ScoreOption(variant.kind, variant.value, new_score, gain, variant.current_level))
    return tuple(kept[:limit])


def _totals(
    mission: MissionInput, profiles: Sequence[ProfileInput], ctx: ScoringContext, settings: Settings
) -> F64:
    """The one engine call: the mission against the profiles as one block, their rounded totals."""
    batch = encode_missions([mission], ctx.vocab, ctx.grid)
    pool = encode_profiles(profiles, ctx.vocab, ctx.grid)
    block = score_pairs(batch, pool, ctx.grid, settings.weights(), gates=settings.gates())
    return np.asarray(block.total[0], dtype=np.float64)


def score_options(
    mission: MissionInput, profile: ProfileInput, ctx: ScoringContext, settings: Settings
) -> ScoreOptions:
    """The profile's score on the mission and the options that would raise it most."""
    variants = build_variants(mission, profile)
    # Pool ids must be unique: the profile is row 0, each variant the row after it.
    profiles = [replace(profile, id=1), *(replace(v.profile, id=i + 2) for i, v in enumerate(variants))]
    totals = _totals(mission, profiles, ctx, settings)
    base = round(float(totals[0]), 2)
    return ScoreOptions(mission.id, base, rank_options(base, variants, totals[1:].tolist()))


async def visible_mission_ids(session: AsyncSession, profile_id: int, mission_ids: Sequence[int]) -> set[int]:
    """The missions a freelancer may see options for: open ones, and those proposed to them."""
    if not mission_ids:
        return set()
    is_open = select(Mission.id).where(Mission.id.in_(mission_ids), Mission.status == MissionStatus.OPEN)
    proposed = select(Match.mission_id).where(
        Match.mission_id.in_(mission_ids),
        Match.freelancer_id == profile_id,
        Match.status.in_(sorted(PROPOSED_STATUSES)),
    )
    return set((await session.scalars(is_open.union(proposed))).all())


async def options_for_missions(
    session: AsyncSession, settings: Settings, profile_id: int, mission_ids: Sequence[int]
) -> dict[int, ScoreOptions]:
    """The options of one profile on each of these missions (the caller checked they are visible)."""
    profiles = await load_profile_inputs(session, [profile_id])
    missions = await load_mission_inputs(session, sorted(set(mission_ids)))
    if not profiles or not missions:
        return {}
    ctx = await load_context(session, settings.gates())
    return {m.id: score_options(m, profiles[0], ctx, settings) for m in missions}


async def freelancer_score_options(
    session: AsyncSession, settings: Settings, actor: Actor, mission_id: int
) -> ScoreOptions:
    """The caller's options on a mission: open, or proposed to them; any other mission is a 404, as a
    missing one, so its existence does not leak."""
    if actor.freelancer_id is None:
        raise NotFound(_("no profile yet"))
    if mission_id not in await visible_mission_ids(session, actor.freelancer_id, [mission_id]):
        raise NotFound(_("no mission %(id)s", id=mission_id))
    found = await options_for_missions(session, settings, actor.freelancer_id, [mission_id])
    if mission_id not in found:
        raise NotFound(_("no mission %(id)s", id=mission_id))
    return found[mission_id]


def option_sentence(option: ScoreOption) -> str:
    """The option in the reader's language, with its gain."""
    return option_text(
        option.kind, option.value, option.gain, level=TARGET_LEVEL, current_level=option.current_level
    )


def options_out(result: ScoreOptions) -> ScoreOptionsOut:
    return ScoreOptionsOut(
        mission_id=result.mission_id,
        score=result.score,
        options=[
            ScoreOptionOut(
                kind=o.kind,
                value=o.value.isoformat() if isinstance(o.value, date) else o.value,
                level=TARGET_LEVEL if o.kind == "competence" else None,
                current_level=o.current_level,
                new_score=o.new_score,
                gain=o.gain,
                text=option_sentence(o),
            )
            for o in result.options
        ],
    )

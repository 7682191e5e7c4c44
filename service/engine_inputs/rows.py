"""Turn database rows into the pure engine's inputs (and nothing else: no rules live here)."""

from __future__ import annotations

import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from matching import (
    DEFAULT_GATES,
    Gates,
    MissionInput,
    PastRole,
    ProfileInput,
    RateBand,
    RateGrid,
    Vocabulary,
)
from models import FreelancerProfile, Mission, TaxonomyItem
from models import RateBand as RateBandRow
from models.enums import COMPETENCE_KINDS, MissionStatus, TaxonomyKind
from service.reference.grid_history import newest_revision_id
from service.reference.lexicon import concept_lexicon
from service.reference.places import region_of
from service.reference.services import list_rate_bands


def grid_from_rows(rows: Sequence[RateBandRow]) -> RateGrid:
    return RateGrid(
        bands=tuple(
            RateBand(
                id=row.id,
                label_en=row.label_en,
                min_years=row.min_years,
                max_years=row.max_years,
                tjm_low=row.tjm_low,
                tjm_high=row.tjm_high,
                tjm_ceiling=row.tjm_ceiling,
            )
            for row in sorted(rows, key=lambda r: r.position)
        )
    )


def past_roles_of(raw: Sequence[Mapping[str, Any]]) -> tuple[PastRole, ...]:
    """The JSON `past_roles` column as the engine's PastRole tuple."""
    return tuple(
        PastRole(
            title=sys.intern(str(r.get("title", ""))),
            context=sys.intern(str(r.get("context", ""))),
            company=sys.intern(str(r.get("company", ""))),
            start_year=r.get("start_year"),
            end_year=r.get("end_year"),
        )
        for r in raw
    )


def profile_input_of(
    row: Any,
    *,
    competences: dict[str, int],
    cto_missions: Sequence[str],
    sectors: Sequence[Any],
    stack: Sequence[Any],
    past_roles: tuple[PastRole, ...],
    mobility: Sequence[Any],
) -> ProfileInput:
    """The engine input of a profile, from any row with its columns (an ORM profile or a Core row of the
    bulk loaders) and its decoded JSON lists and child ids. Repeated strings are interned: a pool of a
    hundred thousand profiles holds one copy of each city, preference and sector."""
    return ProfileInput(
        id=row.id,
        years_experience=row.years_experience,
        tjm=row.tjm,
        available_from=row.available_from,
        days_per_week=row.days_per_week,
        remote_preference=sys.intern(str(row.remote_preference)),
        location=sys.intern(row.location),
        orientation=sys.intern(str(row.orientation)),
        competences=competences,
        cto_missions=tuple(cto_missions),
        sectors=tuple(sys.intern(str(v)) for v in sectors),
        past_role_contexts=tuple(r.context for r in past_roles),
        stack=tuple(sys.intern(str(v)) for v in stack),
        headline=row.headline,
        summary=row.summary,
        active=row.active,
        past_roles=past_roles,
        mobility=tuple(sys.intern(str(v)) for v in mobility),
        mobility_anywhere=bool(row.mobility_anywhere),
    )


def profile_input(profile: FreelancerProfile) -> ProfileInput:
    return profile_input_of(
        profile,
        competences={c.competence_id: c.level for c in profile.competences},
        cto_missions=[m.cto_mission_id for m in profile.cto_missions],
        sectors=profile.sectors,
        stack=profile.stack,
        past_roles=past_roles_of(profile.past_roles),
        mobility=profile.mobility,
    )


def mission_input_of(
    row: Any, *, cto_missions: Sequence[str], required: Sequence[str], nice: Sequence[str]
) -> MissionInput:
    """The engine input of a mission, from any row with its columns (an ORM mission or a Core row of the
    bulk loaders) and its child ids; its region is the region of its city (fixtures/places.json)."""
    return MissionInput(
        id=row.id,
        title=row.title,
        description=row.description,
        orientation=str(row.orientation),
        seniority=row.seniority,
        tjm_min=row.tjm_min,
        tjm_max=row.tjm_max,
        start_date=row.start_date,
        end_date=row.end_date,
        days_per_week=row.days_per_week,
        remote_policy=str(row.remote_policy),
        location=row.location,
        sector=row.sector,
        context=str(row.context),
        cto_missions=tuple(cto_missions),
        required_competences=tuple(required),
        nice_competences=tuple(nice),
        is_open=row.status == MissionStatus.OPEN,
        region=region_of(row.location),
    )


def mission_input(mission: Mission) -> MissionInput:
    return mission_input_of(
        mission,
        cto_missions=[c.cto_mission_id for c in mission.cto_missions],
        required=[c.competence_id for c in mission.competences if c.required],
        nice=[c.competence_id for c in mission.competences if not c.required],
    )


@dataclass(frozen=True)
class ScoringContext:
    """What every scoring call needs besides the pairs: the grid, the vocabulary, the labels."""

    grid: RateGrid
    vocab: Vocabulary
    labels: dict[str, str]
    grid_revision_id: int | None = None
    """The newest grid revision when the grid was read: what the matches scored with it record."""
    gates: Gates = DEFAULT_GATES
    """The deal-breaker gates of the settings (`Settings.gates`): scores and reasons both use them."""


async def load_context(session: AsyncSession, gates: Gates | None = None) -> ScoringContext:
    items = (await session.scalars(select(TaxonomyItem).order_by(TaxonomyItem.id))).all()
    vocab = Vocabulary(
        competence_ids=tuple(i.id for i in items if i.kind in COMPETENCE_KINDS),
        cto_mission_ids=tuple(i.id for i in items if i.kind is TaxonomyKind.CTO_MISSION),
        sector_ids=tuple(i.id for i in items if i.kind is TaxonomyKind.SECTOR),
        lexicon=concept_lexicon(),
    )
    labels = {i.id: i.label_en for i in items}
    # Read with the grid, once per scoring call (a chunk of a rescore), never per pair.
    revision = await newest_revision_id(session)
    grid = grid_from_rows(await list_rate_bands(session))
    return ScoringContext(grid, vocab, labels, revision, gates or DEFAULT_GATES)

"""Turn database rows into the pure engine's inputs (and nothing else: no rules live here)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from matching import MissionInput, PastRole, ProfileInput, RateBand, RateGrid, Vocabulary
from models import FreelancerProfile, Mission, TaxonomyItem
from models import RateBand as RateBandRow
from models.enums import COMPETENCE_KINDS, MissionStatus, TaxonomyKind
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


def profile_input(profile: FreelancerProfile) -> ProfileInput:
    past_roles = tuple(
        PastRole(
            title=str(r.get("title", "")),
            context=str(r.get("context", "")),
            company=str(r.get("company", "")),
            start_year=r.get("start_year"),
            end_year=r.get("end_year"),
        )
        for r in profile.past_roles
    )
    return ProfileInput(
        id=profile.id,
        years_experience=profile.years_experience,
        tjm=profile.tjm,
        available_from=profile.available_from,
        days_per_week=profile.days_per_week,
        remote_preference=str(profile.remote_preference),
        location=profile.location,
        orientation=str(profile.orientation),
        competences={c.competence_id: c.level for c in profile.competences},
        cto_missions=tuple(m.cto_mission_id for m in profile.cto_missions),
        sectors=tuple(profile.sectors),
        past_role_contexts=tuple(r.context for r in past_roles),
        stack=tuple(profile.stack),
        headline=profile.headline,
        summary=profile.summary,
        active=profile.active,
        past_roles=past_roles,
    )


def mission_input(mission: Mission) -> MissionInput:
    return MissionInput(
        id=mission.id,
        title=mission.title,
        description=mission.description,
        orientation=str(mission.orientation),
        seniority=mission.seniority,
        tjm_min=mission.tjm_min,
        tjm_max=mission.tjm_max,
        start_date=mission.start_date,
        end_date=mission.end_date,
        days_per_week=mission.days_per_week,
        remote_policy=str(mission.remote_policy),
        location=mission.location,
        sector=mission.sector,
        context=str(mission.context),
        cto_missions=tuple(c.cto_mission_id for c in mission.cto_missions),
        required_competences=tuple(c.competence_id for c in mission.competences if c.required),
        nice_competences=tuple(c.competence_id for c in mission.competences if not c.required),
        is_open=mission.status is MissionStatus.OPEN,
    )


@dataclass(frozen=True)
class ScoringContext:
    """What every scoring call needs besides the pairs: the grid, the vocabulary, the labels."""

    grid: RateGrid
    vocab: Vocabulary
    labels: dict[str, str]


async def load_context(session: AsyncSession) -> ScoringContext:
    items = (await session.scalars(select(TaxonomyItem).order_by(TaxonomyItem.id))).all()
    vocab = Vocabulary(
        competence_ids=tuple(i.id for i in items if i.kind in COMPETENCE_KINDS),
        cto_mission_ids=tuple(i.id for i in items if i.kind is TaxonomyKind.CTO_MISSION),
        sector_ids=tuple(i.id for i in items if i.kind is TaxonomyKind.SECTOR),
    )
    labels = {i.id: i.label_en for i in items}
    return ScoringContext(grid_from_rows(await list_rate_bands(session)), vocab, labels)

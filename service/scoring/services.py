"""Scoring business rules: which pairs to score and which to store.

Stored matches of a mission: its best `match_store_limit` non-excluded pairs scoring at least
`match_min_score`, plus every pair already stored (refreshed, even when it falls below or is now
excluded, so decisions keep an up-to-date score). Every task is idempotent: scoring twice upserts the
same rows.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

import numpy as np
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from matching import (
    ALGORITHM_VERSION,
    MissionInput,
    ProfileInput,
    encode_missions,
    encode_profiles,
    explain_pair,
    score_mission_against_pool,
)
from models import FreelancerProfile, Mission
from models.enums import MissionStatus
from service.scoring.adapters import ScoringContext, load_context, mission_input, profile_input
from service.scoring.pool_cache import active_pool
from service.scoring.store import ScoredPair, existing_pairs, upsert_matches
from service.settings import Settings


def _now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class ScoringOutcome:
    pairs_scored: int
    matches_written: int


def _explained(
    mission: MissionInput, profile: ProfileInput, score: float, factors: dict[str, float], ctx: ScoringContext
) -> ScoredPair:
    explanation = explain_pair(mission, profile, factors, ctx.grid, ctx.labels, vocab=ctx.vocab)
    gaps = explanation.skill_gaps
    return ScoredPair(
        mission_id=mission.id,
        freelancer_id=profile.id,
        score=score if explanation.exclusion is None else 0.0,
        factors={k: round(v, 4) for k, v in factors.items()},
        reasons=explanation.lines(),
        skill_gaps={
            "missing_required": list(gaps.missing_required),
            "missing_nice": list(gaps.missing_nice),
            "partial_required": list(gaps.partial_required),
        },
        excluded=explanation.exclusion is not None,
        exclusion_reason=explanation.exclusion,
    )


async def _load_profiles(session: AsyncSession, ids: Sequence[int] | None = None) -> list[FreelancerProfile]:
    query = select(FreelancerProfile).order_by(FreelancerProfile.id)
    query = (
        query.where(FreelancerProfile.id.in_(ids))
        if ids is not None
        else query.where(FreelancerProfile.active)
    )
    return list((await session.scalars(query)).all())


async def load_missions(session: AsyncSession, ids: Sequence[int] | None = None) -> list[Mission]:
    query = select(Mission).order_by(Mission.id)
    query = (
        query.where(Mission.id.in_(ids))
        if ids is not None
        else query.where(Mission.status == MissionStatus.OPEN)
    )
    return list((await session.scalars(query)).all())


async def _mark_scored(session: AsyncSession, rows: Sequence[FreelancerProfile | Mission]) -> None:
    """Record the revision that was scored (a write since then keeps the row stale); updated_at stays."""
    for row in rows:
        model = type(row)
        await session.execute(
            update(model)
            .where(model.id == row.id)
            .values(
                scored_revision=row.revision,
                scored_algorithm=ALGORITHM_VERSION,
                updated_at=model.updated_at,
            )
        )


async def score_missions(
    session: AsyncSession, settings: Settings, mission_ids: Sequence[int]
) -> ScoringOutcome:
    """Score these missions against every active profile (plus profiles already matched to them)."""
    outcome = await score_missions_uncommitted(session, settings, await load_missions(session, mission_ids))
    await session.commit()
    return outcome


async def score_missions_uncommitted(
    session: AsyncSession, settings: Settings, missions: Sequence[Mission]
) -> ScoringOutcome:
    if not missions:
        return ScoringOutcome(0, 0)
    ctx = await load_context(session)
    stored = await existing_pairs(session, mission_ids=[m.id for m in missions])
    active_profiles, active = await active_pool(session, ctx)
    pools = [(active_profiles, active)]
    # Pairs already stored with a now-inactive profile are refreshed too (they become excluded).
    extra_ids = sorted({f for _, f in stored} - {p.id for p in active_profiles})
    if extra_ids:
        extra = [profile_input(p) for p in await _load_profiles(session, extra_ids)]
        pools.append((extra, encode_profiles(extra, ctx.vocab, ctx.grid)))
    weights = settings.weights()
    pairs: list[ScoredPair] = []
    scored = 0
    for mission in missions:
        m_input = mission_input(mission)
        batch = encode_missions([m_input], ctx.vocab, ctx.grid)
        for profiles, pool in pools:
            result = score_mission_against_pool(batch, pool, ctx.grid, weights)
            scored += len(profiles)
            eligible = np.flatnonzero(~result.excluded & (result.total >= settings.match_min_score))
            order = np.lexsort((result.profile_ids[eligible], -result.total[eligible]))
            best = eligible[order][: settings.match_store_limit]
            keep = set(best.tolist()) | {
                i for i, pid in enumerate(result.profile_ids) if (mission.id, int(pid)) in stored
            }
            for i in sorted(keep):
                pairs.append(
                    _explained(m_input, profiles[i], float(result.total[i]), result.factor_scores(i), ctx)
                )
    written = await upsert_matches(session, pairs, ALGORITHM_VERSION, _now(), settings.review_score_drift)
    await _mark_scored(session, missions)
    return ScoringOutcome(scored, written)


async def score_profile(session: AsyncSession, settings: Settings, profile_id: int) -> ScoringOutcome:
    """Score one profile against every open mission (plus missions it is already matched to)."""
    rows = await _load_profiles(session, [profile_id])
    if not rows:
        return ScoringOutcome(0, 0)
    profile = rows[0]
    ctx = await load_context(session)
    stored = await existing_pairs(session, freelancer_ids=[profile.id])
    missions = await load_missions(session)
    extra_ids = sorted({m for m, _ in stored} - {m.id for m in missions})
    missions += await load_missions(session, extra_ids) if extra_ids else []
    p_input = profile_input(profile)
    pool = encode_profiles([p_input], ctx.vocab, ctx.grid)
    weights = settings.weights()
    pairs = []
    for mission in missions:
        m_input = mission_input(mission)
        result = score_mission_against_pool(
            encode_missions([m_input], ctx.vocab, ctx.grid), pool, ctx.grid, weights
        )
        keep = (not result.excluded[0] and result.total[0] >= settings.match_min_score) or (
            (mission.id, profile.id) in stored
        )
        if keep:
            pairs.append(_explained(m_input, p_input, float(result.total[0]), result.factor_scores(0), ctx))
    written = await upsert_matches(session, pairs, ALGORITHM_VERSION, _now(), settings.review_score_drift)
    await _mark_scored(session, [profile])
    await session.commit()
    return ScoringOutcome(len(missions), written)

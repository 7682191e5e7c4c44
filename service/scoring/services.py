"""Scoring business rules: which pairs to score and which to store.

Stored matches of a mission: its best `match_store_limit` non-excluded pairs scoring at least
`match_min_score`, plus every pair already stored (refreshed, even when it falls below or is now
excluded, so decisions keep an up-to-date score). Every task is idempotent: scoring twice upserts the
same rows.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

import numpy as np
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from matching import ALGORITHM_VERSION, encode_missions, encode_profiles, top_matches
from matching.engine import score_pairs
from models import FreelancerProfile, Mission
from models.enums import MissionStatus
from service.engine_inputs.loaders import load_profile_inputs
from service.engine_inputs.rows import load_context, mission_input, profile_input
from service.scoring.explained import KeptPairs, pool_rows
from service.scoring.pool_cache import active_pool
from service.scoring.store import existing_pairs, prune_beyond_limit, store_floors, upsert_matches
from service.settings import Settings

logger = logging.getLogger("ctomatch.scoring")


class Laps:
    """Wall time of each step of a scoring call, for the log line that says where the time went."""

    def __init__(self) -> None:
        self._last = time.perf_counter()
        self.steps: dict[str, float] = {}

    def __call__(self, step: str) -> None:
        now = time.perf_counter()
        self.steps[step] = self.steps.get(step, 0.0) + now - self._last
        self._last = now

    def summary(self) -> str:
        return ", ".join(f"{step} {seconds:.2f} s" for step, seconds in self.steps.items())


def _now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class ScoringOutcome:
    pairs_scored: int
    matches_written: int


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


async def _mark_scored(session: AsyncSession, rows: Sequence[FreelancerProfile | Mission]) -> set[int]:
    """Record the revision that was scored, only where it is still the row's revision; the ids marked.

    A row written since it was read (its revision moved) is not marked and its pairs must not be
    written: the write queued a newer task, which must not be overwritten by this older reading. On
    PostgreSQL the UPDATE also locks the row until the commit, so no write slips in between.
    `updated_at` stays as it is.
    """
    marked: set[int] = set()
    for row in rows:
        model = type(row)
        result = await session.execute(
            update(model)
            .where(model.id == row.id, model.revision == row.revision)
            .values(
                scored_revision=row.revision,
                scored_algorithm=ALGORITHM_VERSION,
                updated_at=model.updated_at,
            )
        )
        if getattr(result, "rowcount", 0):
            marked.add(row.id)
    return marked


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
    """Score the missions as one batch against the pool: the engine keeps each mission's best pairs,
    the pairs already stored are rescored on their own; only the pairs kept are explained and written."""
    if not missions:
        return ScoringOutcome(0, 0)
    lap = Laps()
    ctx = await load_context(session, settings.gates())
    inputs = [mission_input(m) for m in missions]
    stored = await existing_pairs(session, mission_ids=[m.id for m in missions])
    profiles, pool = await active_pool(session, ctx)
    lap("pool")
    batch = encode_missions(inputs, ctx.vocab, ctx.grid)
    weights = settings.weights()
    best = top_matches(
        batch,
        pool,
        ctx.grid,
        weights,
        k=settings.match_store_limit,
        min_score=settings.match_min_score,
        gates=ctx.gates,
    )
    kept = KeptPairs(batch, inputs)
    for j, ranked in enumerate(best):
        rows = pool_rows(pool, ranked.profile_ids)
        kept.add(j, pool, profiles, rows, ranked.scores, np.asarray(ranked.factors.T))
    pairs_scored = len(missions) * len(pool)
    # Pairs already stored that the top did not keep are refreshed (inactive profiles: now excluded).
    by_mission: dict[int, list[int]] = {}
    for mission_id, freelancer_id in stored:
        by_mission.setdefault(mission_id, []).append(freelancer_id)
    extra_ids = sorted({f for _, f in stored} - set(pool.ids.tolist()))
    sources = [(pool, profiles)]
    if extra_ids:
        extra_profiles = await load_profile_inputs(session, extra_ids)
        sources.append((encode_profiles(extra_profiles, ctx.vocab, ctx.grid), extra_profiles))
        pairs_scored += len(missions) * len(extra_profiles)
    for j, mission in enumerate(inputs):
        if mission.id not in by_mission:
            continue
        wanted = np.asarray(sorted(set(by_mission[mission.id]) - kept.profile_ids(j)), np.int64)
        for source, source_profiles in sources:
            rows = pool_rows(source, wanted, missing_ok=True)
            if rows.size == 0:
                continue
            sub = source.select(rows)
            block = score_pairs(batch.select(np.asarray([j])), sub, ctx.grid, weights, gates=ctx.gates)
            kept.add(j, source, source_profiles, rows, block.total[0], block.factors[:, 0, :])
    lap("engine")
    pairs = kept.explained(ctx)
    lap("explanations")
    current = await _mark_scored(session, missions)
    pairs = [p for p in pairs if p.mission_id in current]
    written = await upsert_matches(
        session, pairs, ALGORITHM_VERSION, _now(), settings.review_score_drift, ctx.grid_revision_id
    )
    lap("writes")
    logger.info(
        "scored %s missions × %s profiles, %s matches written: %s",
        len(missions),
        len(pool),
        written,
        lap.summary(),
    )
    return ScoringOutcome(pairs_scored, written)


async def score_profile(session: AsyncSession, settings: Settings, profile_id: int) -> ScoringOutcome:
    """Score one profile against every open mission (plus missions it is already matched to).

    A new pair enters a mission's matches only if it ranks within the mission's `match_store_limit`
    best (as the per-mission path would keep it); the pending pair it pushes out is dropped.
    """
    rows = await _load_profiles(session, [profile_id])
    if not rows:
        return ScoringOutcome(0, 0)
    profile = rows[0]
    ctx = await load_context(session, settings.gates())
    stored = {m for m, _ in await existing_pairs(session, freelancer_ids=[profile.id])}
    missions = await load_missions(session)
    extra_ids = sorted(stored - {m.id for m in missions})
    missions += await load_missions(session, extra_ids) if extra_ids else []
    if not missions:
        await _mark_scored(session, [profile])
        await session.commit()
        return ScoringOutcome(0, 0)
    p_input = profile_input(profile)
    m_inputs = [mission_input(m) for m in missions]
    pool = encode_profiles([p_input], ctx.vocab, ctx.grid)
    batch = encode_missions(m_inputs, ctx.vocab, ctx.grid)
    block = score_pairs(batch, pool, ctx.grid, settings.weights(), gates=ctx.gates)
    totals = block.total[:, 0]
    eligible = (block.reason_codes[:, 0] == 0) & (totals >= settings.match_min_score)
    is_stored = np.fromiter((m.id in stored for m in m_inputs), dtype=bool, count=len(m_inputs))
    candidates = np.flatnonzero(eligible & ~is_stored)
    floors = await store_floors(session, [m_inputs[j].id for j in candidates], settings.match_store_limit)
    entering = [j for j in candidates.tolist() if _enters(floors.get(m_inputs[j].id), totals[j], profile.id)]
    kept = KeptPairs(batch, m_inputs)
    for j in sorted([*np.flatnonzero(is_stored).tolist(), *entering]):
        kept.add(j, pool, [p_input], np.zeros(1, np.int64), totals[j : j + 1], block.factors[:, j, :])
    pairs = kept.explained(ctx)
    if not await _mark_scored(session, [profile]):
        # Edited while it was scored: the newer task queued by that edit writes its matches.
        await session.rollback()
        return ScoringOutcome(len(missions), 0)
    written = await upsert_matches(
        session, pairs, ALGORITHM_VERSION, _now(), settings.review_score_drift, ctx.grid_revision_id
    )
    await prune_beyond_limit(session, [m_inputs[j].id for j in entering], settings.match_store_limit)
    await session.commit()
    return ScoringOutcome(len(missions), written)


def _enters(floor: tuple[float, int] | None, score: float, profile_id: int) -> bool:
    """A pair enters a full list if it ranks above its last pair (score desc, then lower id first)."""
    if floor is None:
        return True
    floor_score, floor_id = floor
    return bool(score > floor_score or (score == floor_score and profile_id < floor_id))

"""Scoring business rules: which pairs to score, which to store, staleness, rescoring jobs.

Stored matches of a mission: its best `match_store_limit` non-excluded pairs scoring at least
`match_min_score`, plus every pair already stored (refreshed, even when it falls below or is now
excluded, so decisions keep an up-to-date score). Every task is idempotent: scoring twice upserts the
same rows.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

import numpy as np
from sqlalchemy import ColumnElement, func, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
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
from models import FreelancerProfile, Mission, RateBand, ScoringJob, ScoringJobChunk
from models.enums import JobState, MissionStatus
from service.errors import NotFound
from service.reference.schemas import RateBandUpdate
from service.reference.services import update_rate_band
from service.scoring.adapters import ScoringContext, load_context, mission_input, profile_input
from service.scoring.pool_cache import active_pool
from service.scoring.queue import ScoringQueue
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


async def _load_missions(session: AsyncSession, ids: Sequence[int] | None = None) -> list[Mission]:
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
    outcome = await _score_missions_uncommitted(session, settings, await _load_missions(session, mission_ids))
    await session.commit()
    return outcome


async def _score_missions_uncommitted(
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
    missions = await _load_missions(session)
    extra_ids = sorted({m for m, _ in stored} - {m.id for m in missions})
    missions += await _load_missions(session, extra_ids) if extra_ids else []
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


def _is_stale(model: type[FreelancerProfile] | type[Mission]) -> ColumnElement[bool]:
    return or_(
        model.scored_revision.is_(None),
        model.scored_revision < model.revision,
        model.scored_algorithm.is_(None),
        model.scored_algorithm != ALGORITHM_VERSION,
    )


async def stale_ids(session: AsyncSession, limit: int = 500) -> tuple[list[int], list[int]]:
    """Missions and profiles whose matches predate their last change or the current algorithm."""
    missions = await session.scalars(
        select(Mission.id).where(_is_stale(Mission)).order_by(Mission.id).limit(limit)
    )
    profiles = await session.scalars(
        select(FreelancerProfile.id)
        .where(_is_stale(FreelancerProfile))
        .order_by(FreelancerProfile.id)
        .limit(limit)
    )
    return list(missions), list(profiles)


# --- rescoring jobs -------------------------------------------------------------------------------


async def create_job(session: AsyncSession, kind: str, requested_by: int | None) -> ScoringJob:
    job = ScoringJob(id=str(uuid.uuid4()), kind=kind, state=JobState.QUEUED, requested_by=requested_by)
    session.add(job)
    await session.commit()
    return job


async def queue_full_rescore(
    session: AsyncSession, queue: ScoringQueue, requested_by: int | None
) -> ScoringJob:
    """A committed job, then its enqueue: every mission against every profile, in chunks."""
    job = await create_job(session, "rescore_all", requested_by)
    await queue.rescore_all(job.id)
    return job


async def update_grid_band(
    session: AsyncSession, band_id: str, data: RateBandUpdate, queue: ScoringQueue, requested_by: int | None
) -> tuple[RateBand, ScoringJob | None]:
    """Every TJM fit depends on the grid, so a change of rates queues a full rescore (None: none moved)."""
    band, rates_moved = await update_rate_band(session, band_id, data)
    if not rates_moved:
        return band, None
    return band, await queue_full_rescore(session, queue, requested_by)


async def plan_rescore(session: AsyncSession, settings: Settings, job_id: str) -> list[list[int]]:
    """Split every mission into chunks; the job's total is fixed here, once (replays give the same plan)."""
    job = await get_job(session, job_id)
    ids = list(await session.scalars(select(Mission.id).order_by(Mission.id)))
    size = settings.rescore_chunk_missions
    chunks = [ids[i : i + size] for i in range(0, len(ids), size)]
    if job.state is JobState.QUEUED:
        job.total_chunks = len(chunks)
        job.state = JobState.RUNNING if chunks else JobState.DONE
        job.finished_at = None if chunks else _now()
        await session.commit()
    return chunks


async def score_job_chunk(
    session: AsyncSession, settings: Settings, job_id: str, chunk_index: int, mission_ids: Sequence[int]
) -> ScoringOutcome:
    """Score a chunk and record it done in the same transaction; a replayed chunk counts once."""
    if await session.get(ScoringJobChunk, (job_id, chunk_index)) is not None:
        return ScoringOutcome(0, 0)
    outcome = await _score_missions_uncommitted(session, settings, await _load_missions(session, mission_ids))
    dialect = session.bind.dialect.name if session.bind is not None else "sqlite"
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    await session.execute(
        insert(ScoringJobChunk)
        .values(job_id=job_id, chunk_index=chunk_index, pairs_scored=outcome.pairs_scored, finished_at=_now())
        .on_conflict_do_nothing(index_elements=["job_id", "chunk_index"])
    )
    await session.commit()
    await _finish_job_if_complete(session, job_id)
    return outcome


async def _finish_job_if_complete(session: AsyncSession, job_id: str) -> None:
    done = await session.scalar(select(func.count()).where(ScoringJobChunk.job_id == job_id))
    await session.execute(
        update(ScoringJob)
        .where(
            ScoringJob.id == job_id,
            ScoringJob.state == JobState.RUNNING,
            ScoringJob.total_chunks <= (done or 0),
        )
        .values(state=JobState.DONE, finished_at=_now())
    )
    await session.commit()


async def get_job(session: AsyncSession, job_id: str) -> ScoringJob:
    job = await session.get(ScoringJob, job_id)
    if job is None:
        raise NotFound(f"no job {job_id}")
    return job


async def job_progress(session: AsyncSession, job_id: str) -> tuple[ScoringJob, int, int]:
    """The job, its finished chunks and the pairs they scored."""
    job = await get_job(session, job_id)
    row = (
        await session.execute(
            select(func.count(), func.coalesce(func.sum(ScoringJobChunk.pairs_scored), 0)).where(
                ScoringJobChunk.job_id == job_id
            )
        )
    ).one()
    return job, int(row[0]), int(row[1])

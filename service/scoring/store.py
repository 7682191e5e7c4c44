"""Write scored pairs as matches: one row per (mission, freelancer), upserted, never duplicated.

A rescore refreshes score, breakdown and explanation but never touches a match's status or version,
so operators' decisions survive it (the optimistic-lock version moves only on decisions).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

from sqlalchemy import (
    Column,
    ColumnElement,
    MetaData,
    Subquery,
    Table,
    and_,
    case,
    delete,
    func,
    literal,
    select,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.schema import CreateTable

from models import Match
from models.enums import MatchStatus
from models.match import MATCH_RANK_ORDER

MATCHES = cast(Table, Match.__table__)
UPSERT_BATCH = 5_000
REFRESHED = (
    "score",
    "factors",
    "reasons",
    "skill_gaps",
    "excluded",
    "exclusion_reason",
    "algorithm_version",
    "grid_revision_id",
    "scored_at",
    "updated_at",
)
"""Columns a rescore refreshes; status, version and decision fields are never touched."""
STAGED = (
    "mission_id",
    "freelancer_id",
    "score",
    "factors",
    "reasons",
    "skill_gaps",
    "excluded",
    "exclusion_reason",
    "algorithm_version",
    "grid_revision_id",
    "scored_at",
)
JSON_COLUMNS = frozenset({"factors", "reasons", "skill_gaps"})


@dataclass(frozen=True)
class ScoredPair:
    mission_id: int
    freelancer_id: int
    score: float
    factors: dict[str, float]
    reasons: list[dict[str, Any]]
    """The engine's structured reasons (`Reason.as_dict`: code, factor, tone, params), worded when read."""
    skill_gaps: dict[str, Any]
    excluded: bool
    exclusion_reason: str | None


async def existing_pairs(
    session: AsyncSession, *, mission_ids: Sequence[int] = (), freelancer_ids: Sequence[int] = ()
) -> set[tuple[int, int]]:
    """Pairs already stored for these missions or freelancers (they are always refreshed)."""
    query = select(Match.mission_id, Match.freelancer_id)
    if mission_ids:
        query = query.where(Match.mission_id.in_(mission_ids))
    if freelancer_ids:
        query = query.where(Match.freelancer_id.in_(freelancer_ids))
    return {(row.mission_id, row.freelancer_id) for row in await session.execute(query)}


async def upsert_matches(
    session: AsyncSession,
    pairs: Sequence[ScoredPair],
    algorithm_version: str,
    scored_at: datetime,
    review_drift: float = 10.0,
    grid_revision_id: int | None = None,
) -> int:
    """Insert or refresh in one statement per batch; the caller commits. Every row records the grid
    revision it was scored with.

    A decided match whose new score is more than `review_drift` points from its score at decision time
    is flagged `needs_review`, so it comes back to the top of the review queue for a second look.
    """
    if not pairs:
        return 0
    dialect = session.bind.dialect.name if session.bind is not None else "sqlite"
    rows = [
        {
            "mission_id": p.mission_id,
            "freelancer_id": p.freelancer_id,
            "score": p.score,
            "factors": p.factors,
            "reasons": p.reasons,
            "skill_gaps": p.skill_gaps,
            "excluded": p.excluded,
            "exclusion_reason": p.exclusion_reason,
            "algorithm_version": algorithm_version,
            "grid_revision_id": grid_revision_id,
            "scored_at": scored_at,
            "created_at": scored_at,
            "updated_at": scored_at,
            "status": "pending",
            "version": 1,
            "needs_review": False,
        }
        for p in pairs
    ]
    if dialect == "postgresql" and session.get_bind().dialect.driver == "asyncpg":
        await _copy_then_upsert(session, rows, review_drift)
        return len(rows)
    # The table, not the mapped class: an ORM bulk insert would build every row through the mapper.
    # One prepared statement executed for many parameter sets (sqlite3 runs executemany in C).
    upsert = _on_conflict_refresh(sqlite.insert(MATCHES), review_drift)
    for start in range(0, len(rows), UPSERT_BATCH):
        await session.execute(upsert, rows[start : start + UPSERT_BATCH])
    return len(rows)


def _on_conflict_refresh(statement: Any, review_drift: float) -> Any:
    """ON CONFLICT (mission, freelancer) refresh the scoring columns, and flag drifted decisions."""
    refreshed: dict[str, ColumnElement[Any]] = {name: statement.excluded[name] for name in REFRESHED}
    table = MATCHES.c
    refreshed["needs_review"] = case(
        (
            and_(
                table.status != MatchStatus.PENDING.value,
                table.score_at_decision.is_not(None),
                func.abs(statement.excluded.score - table.score_at_decision) > review_drift,
            ),
            True,
        ),
        else_=table.needs_review,
    )
    return statement.on_conflict_do_update(index_elements=["mission_id", "freelancer_id"], set_=refreshed)


_STAGING = Table(
    "match_staging",
    MetaData(),
    *(Column(c.name, c.type) for c in MATCHES.columns if c.name in STAGED),
    prefixes=["TEMPORARY"],
    postgresql_on_commit="DELETE ROWS",
)
"""A per-connection temporary table the rows are copied into (emptied at each commit)."""


async def _copy_then_upsert(
    session: AsyncSession, rows: Sequence[dict[str, Any]], review_drift: float
) -> None:
    """PostgreSQL: COPY the rows into a temporary table, then one INSERT … SELECT … ON CONFLICT.
    Three times the throughput of a pipelined executemany (measured: 30,000 rows/s against 10,000),
    because COPY skips per-row protocol round trips and parameter binding."""
    connection = await session.connection()
    await connection.execute(CreateTable(_STAGING, if_not_exists=True))
    await connection.execute(_STAGING.delete())
    raw = (await connection.get_raw_connection()).driver_connection
    assert raw is not None
    dumps = json.dumps
    records = [tuple(dumps(r[name]) if name in JSON_COLUMNS else r[name] for name in STAGED) for r in rows]
    await raw.copy_records_to_table(_STAGING.name, records=records, columns=list(STAGED))
    constants = {"status": MatchStatus.PENDING.value, "version": 1, "needs_review": False}
    columns = [*STAGED, "created_at", "updated_at", *constants]
    source = select(
        *(_STAGING.c[name] for name in STAGED),
        _STAGING.c.scored_at,
        _STAGING.c.scored_at,
        *(literal(value, MATCHES.c[name].type) for name, value in constants.items()),
    )
    await connection.execute(
        _on_conflict_refresh(postgresql.insert(MATCHES).from_select(columns, source), review_drift)
    )


def _ranked(mission_ids: Sequence[int]) -> Subquery:
    """Stored, non-excluded pairs of these missions with their rank (MATCH_RANK_ORDER, per mission)."""
    return (
        select(
            Match.id,
            Match.mission_id,
            Match.freelancer_id,
            Match.score,
            Match.status,
            Match.needs_review,
            func.row_number().over(partition_by=Match.mission_id, order_by=MATCH_RANK_ORDER).label("rank"),
        )
        .where(Match.mission_id.in_(mission_ids), Match.excluded.is_(False))
        .subquery()
    )


async def store_floors(
    session: AsyncSession, mission_ids: Sequence[int], limit: int
) -> dict[int, tuple[float, int]]:
    """For each mission whose list is full (`limit` pairs or more): the score and freelancer of its
    `limit`-th pair, the bar a new pair must beat to enter."""
    if not mission_ids:
        return {}
    ranked = _ranked(mission_ids)
    rows = await session.execute(
        select(ranked.c.mission_id, ranked.c.score, ranked.c.freelancer_id).where(ranked.c.rank == limit)
    )
    return {int(r.mission_id): (float(r.score), int(r.freelancer_id)) for r in rows}


async def prune_beyond_limit(session: AsyncSession, mission_ids: Sequence[int], limit: int) -> int:
    """Drop the pending, undecided pairs ranked past `limit` (a better pair pushed them out);
    a pair someone decided on is never dropped."""
    if not mission_ids:
        return 0
    ranked = _ranked(mission_ids)
    doomed = select(ranked.c.id).where(
        ranked.c.rank > limit,
        ranked.c.status == MatchStatus.PENDING.value,
        ranked.c.needs_review.is_(False),
    )
    ids = list(await session.scalars(doomed))
    if ids:
        await session.execute(delete(Match).where(Match.id.in_(ids)))
    return len(ids)

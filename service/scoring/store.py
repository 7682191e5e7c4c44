"""Write scored pairs as matches: one row per (mission, freelancer), upserted, never duplicated.

A rescore refreshes score, breakdown and explanation but never touches a match's status or version,
so operators' decisions survive it (the optimistic-lock version moves only on decisions).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, case, func, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from models import Match
from models.enums import MatchStatus


@dataclass(frozen=True)
class ScoredPair:
    mission_id: int
    freelancer_id: int
    score: float
    factors: dict[str, float]
    reasons: list[str]
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
) -> int:
    """Insert or refresh in one statement per batch; the caller commits.

    A decided match whose new score is more than `review_drift` points from its score at decision time
    is flagged `needs_review`, so it comes back to the top of the review queue for a second look.
    """
    if not pairs:
        return 0
    dialect = session.bind.dialect.name if session.bind is not None else "sqlite"
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
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
            "scored_at": scored_at,
            "created_at": scored_at,
            "updated_at": scored_at,
            "status": "pending",
            "version": 1,
            "needs_review": False,
        }
        for p in pairs
    ]
    for start in range(0, len(rows), 500):
        statement = insert(Match).values(rows[start : start + 500])
        refreshed: dict[str, ColumnElement[Any]] = {
            name: statement.excluded[name]
            for name in (
                "score",
                "factors",
                "reasons",
                "skill_gaps",
                "excluded",
                "exclusion_reason",
                "algorithm_version",
                "scored_at",
                "updated_at",
            )
        }
        table = Match.__table__.c
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
        await session.execute(
            statement.on_conflict_do_update(index_elements=["mission_id", "freelancer_id"], set_=refreshed)
        )
    return len(rows)

"""What a change of a band would do, computed without writing: the budget warnings it would make appear
or disappear, and how far it would move the stored scores.

The rules are pure (a band before and after, budgets, two arrays of scores); the one read is the open
missions asking for the band. The new scores come from the engine through the scoring service
(service.scoring.grid_what_if), which rescored the stored pairs in memory.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from models import Mission, RateBand
from models.enums import MissionStatus
from service.reference.positions import MarketPosition, budget_position, budget_warned

#: A stored score that would move by more than this many points (0–100 scale) counts as moved.
MOVE_THRESHOLD = 5.0


@dataclass(frozen=True)
class MissionBudget:
    id: int
    title: str
    tjm_min: int
    tjm_max: int


@dataclass(frozen=True)
class BudgetChange:
    """A mission whose budget warning would appear or disappear, with its position before and after."""

    mission: MissionBudget
    before: MarketPosition
    after: MarketPosition


@dataclass(frozen=True)
class WarningChanges:
    appearing: list[BudgetChange]
    disappearing: list[BudgetChange]


def warning_changes(missions: Sequence[MissionBudget], before: RateBand, after: RateBand) -> WarningChanges:
    """The missions (of the band) whose budget warning the new figures would show, or would lift."""
    appearing: list[BudgetChange] = []
    disappearing: list[BudgetChange] = []
    for mission in missions:
        was = budget_warned(before, mission.tjm_min, mission.tjm_max)
        will = budget_warned(after, mission.tjm_min, mission.tjm_max)
        if was == will:
            continue
        change = BudgetChange(
            mission,
            budget_position(before, mission.tjm_min, mission.tjm_max),
            budget_position(after, mission.tjm_min, mission.tjm_max),
        )
        (appearing if will else disappearing).append(change)
    return WarningChanges(appearing, disappearing)


@dataclass(frozen=True)
class ScoreMoves:
    checked: int
    """Stored matches rescored."""
    moved: int
    """Of which would move by more than MOVE_THRESHOLD points."""
    largest: float
    """The largest move in points (absolute, 0 when none moves)."""


def score_moves(old: npt.ArrayLike, new: npt.ArrayLike) -> ScoreMoves:
    """How many scores would move by more than MOVE_THRESHOLD points, and the largest move."""
    before = np.asarray(old, dtype=np.float64)
    after = np.asarray(new, dtype=np.float64)
    if before.shape != after.shape:
        raise ValueError("the old and new scores must be aligned")
    moves = np.abs(after - before)
    largest = float(np.round(moves.max(), 2)) if moves.size else 0.0
    return ScoreMoves(int(moves.size), int(np.count_nonzero(moves > MOVE_THRESHOLD)), largest)


def band_with(band: RateBand, low: int, high: int, ceiling: int | None, note: str) -> RateBand:
    """A transient copy of the band with other figures (never added to a session)."""
    return RateBand(
        id=band.id,
        position=band.position,
        label_en=band.label_en,
        label_fr=band.label_fr,
        min_years=band.min_years,
        max_years=band.max_years,
        tjm_low=low,
        tjm_high=high,
        tjm_ceiling=ceiling,
        note=note,
        updated_at=band.updated_at,
    )


async def open_missions_of_band(session: AsyncSession, band_id: str) -> list[MissionBudget]:
    """The open missions asking for this band, with their budgets (oldest first)."""
    rows = await session.execute(
        select(Mission.id, Mission.title, Mission.tjm_min, Mission.tjm_max)
        .where(Mission.seniority == band_id, Mission.status == MissionStatus.OPEN)
        .order_by(Mission.id)
    )
    return [MissionBudget(r.id, r.title, r.tjm_min, r.tjm_max) for r in rows]

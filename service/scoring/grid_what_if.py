"""A change of the rate grid tried in memory: the stored pairs rescored with the new grid by the same
engine path as a rescore, and the preview of the change (service.reference.grid_preview) built from it.
Nothing is written."""

from __future__ import annotations

from dataclasses import dataclass
from itertools import groupby

import msgspec
import numpy as np
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from matching import RateGrid, encode_missions, encode_profiles
from matching.engine import score_pairs
from models import Match, RateBand
from service.engine_inputs.loaders import load_mission_inputs, load_profile_inputs
from service.engine_inputs.rows import grid_from_rows, load_context
from service.reference.grid_preview import (
    MOVE_THRESHOLD,
    BudgetChange,
    ScoreMoves,
    WarningChanges,
    band_with,
    open_missions_of_band,
    score_moves,
    warning_changes,
)
from service.reference.schemas import BandFiguresOut, BudgetChangeOut, GridPreviewOut, RateBandUpdate
from service.reference.services import figures_after, get_rate_band, list_rate_bands
from service.scoring.explained import pool_rows
from service.settings import Settings


@dataclass(frozen=True)
class GridPreview:
    band: RateBand
    """The band as stored."""
    proposed: RateBand
    """A transient copy with the new figures."""
    warnings: WarningChanges
    moves: ScoreMoves


async def preview_band_change(
    session: AsyncSession, settings: Settings, band_id: str, data: RateBandUpdate
) -> GridPreview:
    """What saving `data` on the band would do (refused in words as the save would be)."""
    band = await get_rate_band(session, band_id)
    low, high, ceiling = figures_after(band, data)
    note = band.note if data.note is msgspec.UNSET else data.note
    proposed = band_with(band, low, high, ceiling, note)
    bands = [proposed if b.id == band.id else b for b in await list_rate_bands(session)]
    warnings = warning_changes(await open_missions_of_band(session, band.id), band, proposed)
    moves = await rescored_moves(session, settings, grid_from_rows(bands))
    return GridPreview(band, proposed, warnings, moves)


async def rescored_moves(session: AsyncSession, settings: Settings, grid: RateGrid) -> ScoreMoves:
    """Every stored match rescored with `grid`, mission by mission as a rescore refreshes its stored
    pairs (`score_pairs` on the pairs' rows), against its stored score."""
    stored = (
        await session.execute(
            select(Match.mission_id, Match.freelancer_id, Match.score).order_by(
                Match.mission_id, Match.freelancer_id
            )
        )
    ).all()
    if not stored:
        return score_moves([], [])
    ctx = await load_context(session, settings.gates())
    missions = await load_mission_inputs(session, sorted({r.mission_id for r in stored}))
    profiles = sorted(
        await load_profile_inputs(session, sorted({r.freelancer_id for r in stored})), key=lambda p: p.id
    )
    batch = encode_missions(missions, ctx.vocab, grid)
    pool = encode_profiles(profiles, ctx.vocab, grid)
    row_of = {mission.id: j for j, mission in enumerate(missions)}
    weights = settings.weights()
    old: list[float] = []
    new: list[float] = []
    for mission_id, group in groupby(stored, key=lambda r: r.mission_id):
        pairs = list(group)
        rows = pool_rows(pool, np.asarray([r.freelancer_id for r in pairs], np.int64))
        block = score_pairs(
            batch.select(np.asarray([row_of[mission_id]])), pool.select(rows), grid, weights, gates=ctx.gates
        )
        new.extend(block.total[0].tolist())
        old.extend(float(r.score) for r in pairs)
    return score_moves(old, new)


def _figures(band: RateBand) -> BandFiguresOut:
    return BandFiguresOut(band.tjm_low, band.tjm_high, band.tjm_ceiling, band.note)


def _change_out(change: BudgetChange) -> BudgetChangeOut:
    mission = change.mission
    return BudgetChangeOut(
        mission_id=mission.id,
        title=mission.title,
        tjm_min=mission.tjm_min,
        tjm_max=mission.tjm_max,
        position_before=str(change.before),
        position_after=str(change.after),
    )


def preview_out(preview: GridPreview) -> GridPreviewOut:
    return GridPreviewOut(
        band_id=preview.band.id,
        before=_figures(preview.band),
        after=_figures(preview.proposed),
        warnings_appearing=[_change_out(c) for c in preview.warnings.appearing],
        warnings_disappearing=[_change_out(c) for c in preview.warnings.disappearing],
        matches_checked=preview.moves.checked,
        matches_moving=preview.moves.moved,
        largest_move=preview.moves.largest,
        move_threshold=MOVE_THRESHOLD,
    )

"""A scoring task that read a row before a write must not overwrite what the newer task wrote: its
pairs are dropped and the row stays stale (the write queued a newer task, the sweep backs it up)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from litestar.testing import AsyncTestClient
from sqlalchemy import func, select, update

from models import FreelancerProfile, Match, Mission
from service.db import Database
from service.engine_inputs.rows import ScoringContext
from service.scoring import services
from service.settings import Settings
from tests.conftest import Backend
from tests.factories import Caller, post_mission, register_freelancer


def _write_during_scoring(
    monkeypatch: pytest.MonkeyPatch,
    database: Database,
    model: type[FreelancerProfile] | type[Mission],
    row_id: int,
) -> None:
    """Commit a write of the row right after the scoring call has read it (as a concurrent PATCH)."""
    original: Callable[..., Awaitable[ScoringContext]] = services.load_context

    async def load_then_write(session: Any, *args: Any) -> ScoringContext:
        async with database.session() as other:
            await other.execute(update(model).where(model.id == row_id).values(revision=model.revision + 1))
            await other.commit()
        return await original(session, *args)

    monkeypatch.setattr(services, "load_context", load_then_write)


async def _state(
    database: Database, model: type[FreelancerProfile] | type[Mission], row_id: int
) -> tuple[int, int | None, int]:
    async with database.session() as session:
        row = (
            await session.execute(select(model.revision, model.scored_revision).where(model.id == row_id))
        ).one()
        column = Match.freelancer_id if model is FreelancerProfile else Match.mission_id
        count = await session.scalar(select(func.count()).select_from(Match).where(column == row_id))
    return int(row.revision), row.scored_revision, int(count or 0)


async def test_a_profile_edited_while_scored_keeps_no_pair_from_the_old_reading(
    client: AsyncTestClient[Any],
    database: Database,
    backend: Backend,
    company: Caller,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    await post_mission(client, company)
    freelancer = await register_freelancer(client)
    _write_during_scoring(monkeypatch, database, FreelancerProfile, freelancer.id)
    async with database.session() as session:
        outcome = await services.score_profile(session, backend.settings, freelancer.id)
    revision, scored, matches = await _state(database, FreelancerProfile, freelancer.id)
    assert outcome.matches_written == 0 and matches == 0
    assert scored is None and revision == 2


async def test_a_mission_edited_while_scored_keeps_no_pair_from_the_old_reading(
    client: AsyncTestClient[Any],
    database: Database,
    backend: Backend,
    company: Caller,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    await register_freelancer(client)
    mission = await post_mission(client, company)
    _write_during_scoring(monkeypatch, database, Mission, mission["id"])
    settings: Settings = backend.settings
    async with database.session() as session:
        outcome = await services.score_missions(session, settings, [mission["id"]])
    revision, scored, matches = await _state(database, Mission, mission["id"])
    assert outcome.matches_written == 0 and matches == 0
    assert scored is None and revision == 2

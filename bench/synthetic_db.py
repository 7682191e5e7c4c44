"""Load synthetic profiles and missions into a real database, fast, for the pipeline and API benchmarks.

The records come from bench/scoring.py's seeded generators (the same distributions as the engine
benchmark), written with Core bulk inserts, not ORM objects, so 100,000 profiles load in well under a
minute. `scratch_postgres` creates a throw-away database and drops it afterwards.
"""

from __future__ import annotations

import json
import sys
import uuid
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, cast

from sqlalchemy import FromClause, Table, func, insert, select, text
from sqlalchemy.ext.asyncio import AsyncSession, create_async_engine

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from scoring import make_missions, make_profiles  # noqa: E402

from matching import RateGrid, Vocabulary  # noqa: E402
from models import (  # noqa: E402
    Account,
    Company,
    FreelancerProfile,
    Mission,
    MissionCompetence,
    MissionCtoMission,
    ProfileCompetence,
    ProfileCtoMission,
)
from service.db import Database  # noqa: E402
from service.engine_inputs.rows import load_context  # noqa: E402
from service.fixtures_loader import load_reference_data  # noqa: E402

BATCH = 5_000
DEFAULT_POSTGRES = "postgresql://postgres@127.0.0.1:5432/test"


@dataclass(frozen=True)
class Seeded:
    profile_ids: list[int]
    mission_ids: list[int]
    company_id: int


def _async_url(url: str) -> str:
    if url.startswith("postgresql://"):
        return "postgresql+asyncpg://" + url.removeprefix("postgresql://")
    return url


@asynccontextmanager
async def scratch_postgres(admin_url: str = DEFAULT_POSTGRES) -> AsyncIterator[str]:
    """A new, empty database on the server of `admin_url`, dropped on exit; yields its URL."""
    name = f"ctomatch_bench_{uuid.uuid4().hex[:10]}"
    admin = create_async_engine(_async_url(admin_url), isolation_level="AUTOCOMMIT")
    async with admin.connect() as connection:
        await connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield admin_url.rsplit("/", 1)[0] + f"/{name}"
    finally:
        async with admin.connect() as connection:
            await connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        await admin.dispose()


async def _next_id(session: AsyncSession, table: FromClause) -> int:
    return int(await session.scalar(select(func.coalesce(func.max(table.c.id), 0))) or 0) + 1


async def _bulk(session: AsyncSession, table: FromClause, rows: Sequence[dict[str, Any]]) -> None:
    for start in range(0, len(rows), BATCH):
        await session.execute(insert(cast(Table, table)), list(rows[start : start + BATCH]))


async def _fix_sequences(session: AsyncSession, tables: Sequence[FromClause]) -> None:
    """Explicit ids leave PostgreSQL's sequences behind; move them past the rows written."""
    if session.get_bind().dialect.name != "postgresql":
        return
    for table in tables:
        name = getattr(table, "name", "")
        await session.execute(
            text(
                f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), "
                f"(SELECT COALESCE(MAX(id), 1) FROM {name}))"
            )
        )


async def seed(database: Database, n_profiles: int, n_missions: int, seed: int = 1) -> Seeded:
    """Reference data (if absent), one company, `n_missions` missions and `n_profiles` profiles."""
    async with database.session() as session:
        await load_reference_data(session)
        ctx = await load_context(session)
        ids = await _write(session, ctx.vocab, ctx.grid, n_profiles, n_missions, seed)
        await session.commit()
        if session.get_bind().dialect.name == "postgresql":
            # Fresh statistics, as autovacuum would gather them on a real database over time.
            await session.execute(text("ANALYZE"))
            await session.commit()
    return ids


async def _write(
    session: AsyncSession, vocab: Vocabulary, grid: RateGrid, n_profiles: int, n_missions: int, seed: int
) -> Seeded:
    now = datetime.now(UTC)
    stamp = {"created_at": now, "updated_at": now}
    accounts, profiles_t, companies = Account.__table__, FreelancerProfile.__table__, Company.__table__
    missions_t = Mission.__table__
    account_id = await _next_id(session, accounts)
    profile_id = await _next_id(session, profiles_t)
    mission_id = await _next_id(session, missions_t)
    company_id = await _next_id(session, companies)
    tag = uuid.uuid4().hex[:8]
    # One company owns every mission.
    await _bulk(
        session,
        accounts,
        [_account(account_id, f"bench-company-{tag}@example.test", "company", stamp)],
    )
    await _bulk(
        session,
        companies,
        [
            {
                "id": company_id,
                "account_id": account_id,
                "name": f"Bench {tag}",
                "context": "scaleup",
                "sector": "saas",
                "size": "51-200",
                "city": "Paris",
                "description": "",
                "active": True,
                **stamp,
            }
        ],
    )
    account_id += 1
    generated = make_profiles(n_profiles, vocab, grid, seed)
    account_rows: list[dict[str, Any]] = []
    profile_rows: list[dict[str, Any]] = []
    competence_rows: list[dict[str, Any]] = []
    cto_rows: list[dict[str, Any]] = []
    for offset, p in enumerate(generated):
        pid = profile_id + offset
        aid = account_id + offset
        account_rows.append(_account(aid, f"bench-{tag}-{offset}@example.test", "freelancer", stamp))
        profile_rows.append(
            {
                "id": pid,
                "account_id": aid,
                "full_name": f"Bench Freelance {offset}",
                "headline": p.headline,
                "summary": p.summary,
                "years_experience": p.years_experience,
                "tjm": min(max(p.tjm, 100), 5000),
                "available_from": p.available_from,
                "days_per_week": p.days_per_week,
                "remote_preference": p.remote_preference,
                "location": p.location,
                "orientation": p.orientation,
                "sectors": list(p.sectors),
                "certifications": [],
                "stack": list(p.stack),
                "past_roles": [
                    {
                        "title": r.title,
                        "context": r.context,
                        "company": r.company or "Bench SAS",
                        "start_year": r.start_year,
                        "end_year": r.end_year,
                    }
                    for r in p.past_roles
                ],
                "references": [],
                "active": p.active,
                "revision": 1,
                **stamp,
            }
        )
        competence_rows += [
            {"profile_id": pid, "competence_id": c, "level": lvl} for c, lvl in p.competences.items()
        ]
        cto_rows += [{"profile_id": pid, "cto_mission_id": c} for c in p.cto_missions]
    await _bulk(session, accounts, account_rows)
    await _bulk(session, profiles_t, profile_rows)
    await _bulk(session, ProfileCompetence.__table__, competence_rows)
    await _bulk(session, ProfileCtoMission.__table__, cto_rows)

    mission_rows: list[dict[str, Any]] = []
    mission_comp_rows: list[dict[str, Any]] = []
    mission_cto_rows: list[dict[str, Any]] = []
    for offset, m in enumerate(make_missions(n_missions, vocab, grid, seed + 1)):
        mid = mission_id + offset
        mission_rows.append(
            {
                "id": mid,
                "ref": f"BENCH-{tag}-{offset}",
                "company_id": company_id,
                "title": m.title[:200],
                "description": m.description,
                "orientation": m.orientation,
                "seniority": m.seniority,
                "tjm_min": min(m.tjm_min, m.tjm_max),
                "tjm_max": m.tjm_max,
                "start_date": m.start_date,
                "end_date": m.end_date,
                "days_per_week": m.days_per_week,
                "remote_policy": m.remote_policy,
                "location": m.location,
                "sector": m.sector,
                "context": m.context,
                "status": "open" if m.is_open else "closed",
                "revision": 1,
                **stamp,
            }
        )
        mission_comp_rows += [
            {"mission_id": mid, "competence_id": c, "required": True} for c in m.required_competences
        ]
        mission_comp_rows += [
            {"mission_id": mid, "competence_id": c, "required": False}
            for c in m.nice_competences
            if c not in m.required_competences
        ]
        mission_cto_rows += [{"mission_id": mid, "cto_mission_id": c} for c in m.cto_missions]
    await _bulk(session, missions_t, mission_rows)
    await _bulk(session, MissionCompetence.__table__, mission_comp_rows)
    await _bulk(session, MissionCtoMission.__table__, mission_cto_rows)
    await _fix_sequences(session, [accounts, companies, profiles_t, missions_t])
    return Seeded(
        profile_ids=[int(r["id"]) for r in profile_rows],
        mission_ids=[int(r["id"]) for r in mission_rows],
        company_id=company_id,
    )


def _account(account_id: int, email: str, role: str, stamp: dict[str, datetime]) -> dict[str, Any]:
    # No API key: nobody signs in as a benchmark account.
    return {
        "id": account_id,
        "email": email,
        "role": role,
        "display_name": email.split("@")[0],
        "active": True,
        **stamp,
    }


def describe(seeded: Seeded) -> str:
    return json.dumps(
        {"profiles": len(seeded.profile_ids), "missions": len(seeded.mission_ids)}, ensure_ascii=False
    )


@dataclass(frozen=True)
class Prepared:
    """A database ready to serve: who may read it, what was scored and how many matches it holds."""

    operator_key: str
    scored_mission_ids: list[int]
    profiles: int
    matches: int
    pending: int


#: Synthetic missions scored per round while filling the review queue up to `min_pending`.
SCORING_ROUND = 10


async def prepare_scored(
    database_url: str,
    secret_key: str,
    data_dir: Path,
    n_profiles: int,
    n_missions: int,
    *,
    n_scored: int = 0,
    min_pending: int = 0,
) -> Prepared:
    """Migrate, load the reference and demo data, seed a synthetic pool, create an operator (as
    `ctomatch create-operator` does) and score the demo's open missions plus `n_scored` synthetic ones,
    then more synthetic ones, a round at a time, until at least `min_pending` matches are pending."""
    from models import Match
    from models.enums import MatchStatus, MissionStatus, Role
    from service import migrations
    from service.accounts.services import create_account
    from service.fixtures_loader import load_demo_data
    from service.scoring.services import score_missions
    from service.settings import Settings

    settings = Settings(
        environment="production", data_dir=data_dir, database_url=database_url, secret_key=secret_key
    )
    database = Database(settings)
    try:
        await migrations.upgrade(database.engine)
        async with database.session() as session:
            await load_reference_data(session)
            await load_demo_data(session, secret_key)
        seeded = await seed(database, n_profiles, n_missions)
        async with database.session() as session:
            _, operator_key = await create_account(
                session,
                email=f"bench-operator-{uuid.uuid4().hex[:8]}@example.test",
                role=Role.OPERATOR,
                display_name="Bench operator",
                secret_key=secret_key,
            )
            await session.commit()
            open_missions = select(Mission.id).where(Mission.status == MissionStatus.OPEN)
            open_missions = open_missions.order_by(Mission.id)
            synthetic_ids = Mission.id.in_(seeded.mission_ids)
            demo_open = (await session.scalars(open_missions.where(~synthetic_ids))).all()
            synthetic = list((await session.scalars(open_missions.where(synthetic_ids))).all())
            scored = synthetic[:n_scored]
            await score_missions(session, settings, [*demo_open, *scored])
            pending_count = select(func.count()).select_from(Match).where(Match.status == MatchStatus.PENDING)
            pending = int(await session.scalar(pending_count) or 0)
            while pending < min_pending and len(scored) < len(synthetic):
                batch = synthetic[len(scored) : len(scored) + SCORING_ROUND]
                await score_missions(session, settings, batch)
                scored += batch
                pending = int(await session.scalar(pending_count) or 0)
            matches = int(await session.scalar(select(func.count()).select_from(Match)) or 0)
        async with database.engine.connect() as connection:  # what autovacuum would have done by now
            if connection.dialect.name == "postgresql":
                await connection.execution_options(isolation_level="AUTOCOMMIT")
                await connection.execute(text("VACUUM ANALYZE"))
            else:
                await connection.execute(text("ANALYZE"))
                await connection.commit()
        return Prepared(operator_key, scored, len(seeded.profile_ids), matches, pending)
    finally:
        await database.dispose()

"""The column loader builds exactly the engine inputs the ORM adapters build, on both databases."""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select, update

from matching import RateGrid, Vocabulary
from models import (
    Account,
    Company,
    FreelancerProfile,
    Mission,
    MissionCompetence,
    MissionCtoMission,
    ProfileCompetence,
    ProfileCtoMission,
)
from models.enums import (
    CompanySize,
    Context,
    MissionStatus,
    Orientation,
    RemotePolicy,
    RemotePreference,
    Role,
)
from service.db import Database
from service.engine_inputs import loaders as inputs_loader
from service.engine_inputs.loaders import load_mission_inputs, load_profile_inputs
from service.engine_inputs.rows import mission_input, profile_input
from service.fixtures_loader import load_demo_data
from tests.conftest import TEST_SECRET
from tests.factories import unique_email

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"
VOCAB = Vocabulary.from_taxonomy(json.loads((FIXTURES / "taxonomy.json").read_text("utf-8")))
BAND_IDS = RateGrid.from_mapping(json.loads((FIXTURES / "rate_grid.json").read_text("utf-8"))).band_ids


async def orm_profiles(database: Database, ids: list[int] | None = None) -> list[Any]:
    """What the adapters build from ORM rows (read in a fresh session, as a worker would)."""
    query = select(FreelancerProfile).order_by(FreelancerProfile.id)
    query = (
        query.where(FreelancerProfile.active) if ids is None else query.where(FreelancerProfile.id.in_(ids))
    )
    async with database.session() as session:
        return [profile_input(p) for p in await session.scalars(query)]


async def orm_missions(database: Database, ids: list[int] | None = None) -> list[Any]:
    query = select(Mission).order_by(Mission.id)
    query = (
        query.where(Mission.status == MissionStatus.OPEN) if ids is None else query.where(Mission.id.in_(ids))
    )
    async with database.session() as session:
        return [mission_input(m) for m in await session.scalars(query)]


def assert_identical(loaded: list[Any], built: list[Any]) -> None:
    """Equal, and equal in repr too: same value types (str, not a str enum), same order of child lists."""
    assert loaded == built
    assert [repr(x) for x in loaded] == [repr(x) for x in built]


async def loaded_profiles(database: Database, ids: list[int] | None = None) -> list[Any]:
    async with database.session() as session:
        return await load_profile_inputs(session, ids)


async def loaded_missions(database: Database, ids: list[int] | None = None) -> list[Any]:
    async with database.session() as session:
        return await load_mission_inputs(session, ids)


async def test_demo_data_loads_as_the_orm_adapters_build_it(
    database: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with database.session() as session:
        await load_demo_data(session, TEST_SECRET)
        all_ids = list((await session.scalars(select(FreelancerProfile.id))).all())
        mission_ids = list((await session.scalars(select(Mission.id))).all())
        await session.execute(
            update(FreelancerProfile).where(FreelancerProfile.id.in_(all_ids[::7])).values(active=False)
        )
        await session.commit()

    active = await loaded_profiles(database)
    assert_identical(active, await orm_profiles(database))
    assert len(active) == len(all_ids) - len(all_ids[::7])
    # "Every active" in keyset chunks: one row each, a size that leaves a partial last chunk, exactly all.
    for chunk_rows in (1, 7, len(active)):
        monkeypatch.setattr(inputs_loader, "CHUNK_ROWS", chunk_rows)
        assert_identical(await loaded_profiles(database), active)
        assert_identical(await loaded_missions(database), await orm_missions(database))
    assert all(p.competences and p.cto_missions and p.past_roles for p in active)
    # With ids: those rows, active or not, in id order; unknown ids are left out. Small batches too.
    monkeypatch.setattr(inputs_loader, "ID_BATCH", 7)
    asked = [*reversed(all_ids), 10**9]
    by_id = await loaded_profiles(database, asked)
    assert_identical(by_id, await orm_profiles(database, all_ids))
    assert [p.id for p in by_id] == sorted(all_ids)
    assert any(not p.active for p in by_id)

    open_missions = await loaded_missions(database)
    assert_identical(open_missions, await orm_missions(database))
    assert_identical(
        await loaded_missions(database, [*mission_ids, 10**9]), await orm_missions(database, mission_ids)
    )
    assert any(not m.is_open for m in await loaded_missions(database, mission_ids))
    assert await loaded_profiles(database, []) == [] == await loaded_missions(database, [])


# --- random rows -----------------------------------------------------------------------------------
_text = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=40
)
_years = st.none() | st.integers(1980, 2030)
_past_role = st.fixed_dictionaries(
    {"title": _text, "context": st.sampled_from([c.value for c in Context])},
    optional={"company": _text, "start_year": _years, "end_year": _years},
)
_dates = st.dates(min_value=date(2024, 1, 1), max_value=date(2030, 12, 31))


@st.composite
def profile_rows(draw: st.DrawFn) -> dict[str, Any]:
    return {
        "headline": draw(_text),
        "summary": draw(_text),
        "years_experience": draw(st.floats(0, 60, allow_nan=False) | st.sampled_from([0.0, 10.5, 60.0])),
        "tjm": draw(st.integers(100, 5000)),
        "available_from": draw(_dates),
        "days_per_week": draw(st.integers(1, 5)),
        "remote_preference": draw(st.sampled_from(list(RemotePreference))),
        "location": draw(_text),
        "orientation": draw(st.sampled_from(list(Orientation))),
        "sectors": draw(st.lists(_text | st.sampled_from(VOCAB.sector_ids), max_size=4)),
        "stack": draw(st.lists(_text, max_size=4)),
        "past_roles": draw(st.lists(_past_role, max_size=3)),
        "active": draw(st.booleans()),
        "competences": draw(
            st.dictionaries(st.sampled_from(VOCAB.competence_ids), st.integers(1, 5), max_size=8)
        ),
        "cto_missions": draw(st.lists(st.sampled_from(VOCAB.cto_mission_ids), unique=True, max_size=5)),
    }


@st.composite
def mission_rows(draw: st.DrawFn) -> dict[str, Any]:
    tjm_min = draw(st.integers(100, 4000))
    start = draw(_dates)
    competences = draw(st.dictionaries(st.sampled_from(VOCAB.competence_ids), st.booleans(), max_size=8))
    return {
        "title": draw(_text),
        "description": draw(_text),
        "orientation": draw(st.sampled_from(list(Orientation))),
        "seniority": draw(st.sampled_from(BAND_IDS)),
        "tjm_min": tjm_min,
        "tjm_max": draw(st.integers(tjm_min, 5000)),
        "start_date": start,
        "end_date": draw(st.none() | st.integers(0, 400).map(lambda d: start + timedelta(days=d))),
        "days_per_week": draw(st.integers(1, 5)),
        "remote_policy": draw(st.sampled_from(list(RemotePolicy))),
        "location": draw(_text),
        "sector": draw(_text | st.sampled_from(VOCAB.sector_ids)),
        "context": draw(st.sampled_from(list(Context))),
        "status": draw(st.sampled_from(list(MissionStatus))),
        "competences": competences,
        "cto_missions": draw(st.lists(st.sampled_from(VOCAB.cto_mission_ids), unique=True, max_size=4)),
    }


def _account(role: Role) -> Account:
    return Account(
        email=unique_email(role.value),
        role=role,
        display_name="Random",
    )


async def _insert(
    database: Database, profiles: list[dict[str, Any]], missions: list[dict[str, Any]]
) -> tuple[list[int], list[int]]:
    async with database.session() as session:
        company = Company(
            account=_account(Role.COMPANY), name="Random", context=Context.STARTUP, size=CompanySize.S
        )
        new_profiles = [
            FreelancerProfile(
                account=_account(Role.FREELANCER),
                full_name="Random Freelance",
                certifications=[],
                references=[],
                **{k: v for k, v in row.items() if k not in ("competences", "cto_missions")},
                competences=[
                    ProfileCompetence(competence_id=c, level=lvl) for c, lvl in row["competences"].items()
                ],
                cto_missions=[ProfileCtoMission(cto_mission_id=c) for c in row["cto_missions"]],
            )
            for row in profiles
        ]
        new_missions = [
            Mission(
                company=company,
                **{k: v for k, v in row.items() if k not in ("competences", "cto_missions")},
                competences=[
                    MissionCompetence(competence_id=c, required=req) for c, req in row["competences"].items()
                ],
                cto_missions=[MissionCtoMission(cto_mission_id=c) for c in row["cto_missions"]],
            )
            for row in missions
        ]
        session.add_all([company, *new_profiles, *new_missions])
        await session.commit()
        return [p.id for p in new_profiles], [m.id for m in new_missions]


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(profiles=st.lists(profile_rows(), max_size=5), missions=st.lists(mission_rows(), max_size=4))
async def test_random_rows_load_as_the_orm_adapters_build_them(
    database: Database, profiles: list[dict[str, Any]], missions: list[dict[str, Any]]
) -> None:
    profile_ids, mission_ids = await _insert(database, profiles, missions)
    assert_identical(await loaded_profiles(database, profile_ids), await orm_profiles(database, profile_ids))
    assert_identical(await loaded_missions(database, mission_ids), await orm_missions(database, mission_ids))
    # The rows of earlier examples stay in the database: "every active / open" covers them all.
    assert_identical(await loaded_profiles(database), await orm_profiles(database))
    assert_identical(await loaded_missions(database), await orm_missions(database))

"""Load the engine's inputs straight from columns, without building ORM objects.

Scoring needs a few columns of every active profile; loading them as `FreelancerProfile` objects
also loads the account (joined) and runs the select-in loaders of both child lists, which is most of
the time at 100,000 profiles. Here each chunk of rows is one Core query for the parent columns, one
for the competences and one for the CTO missions (selected on the child table's own key: the ids of
a batch, or the id range of a chunk of "every active"), grouped in Python. The result equals what
`service.engine_inputs.rows.profile_input` / `mission_input` build from ORM rows (tests hold them
together): child lists come in the same order, sorted by the database as the relationships are.

"Every active profile" is read in id-ordered chunks (keyset pagination), so the rows in flight stay
bounded whatever the number of profiles. JSON columns are read as text and decoded with msgspec
(several times faster than the driver's json.loads), and the strings that repeat across profiles
(taxonomy ids, tags, cities, contexts) are interned: the inputs of 100,000 profiles are kept by the
pool cache, and one copy of "python" is enough.
"""

from __future__ import annotations

import json
import sys
from collections import defaultdict
from collections.abc import Callable, Iterator, Sequence
from datetime import datetime
from typing import Any, NamedTuple, cast

import msgspec
from sqlalchemy import Column, ColumnElement, Table, Text, and_, select
from sqlalchemy import cast as sql_cast
from sqlalchemy.ext.asyncio import AsyncSession

from matching import MissionInput, ProfileInput
from models import (
    FreelancerProfile,
    Mission,
    MissionCompetence,
    MissionCtoMission,
    ProfileCompetence,
    ProfileCtoMission,
)
from models.enums import MissionStatus
from service.engine_inputs.rows import mission_input_of, past_roles_of, profile_input_of

ID_BATCH = 2_000
"""Ids per `IN (...)` list: far below the bound-parameter limits of SQLite (32,766) and asyncpg (32,767)."""
CHUNK_ROWS = 10_000
"""Parent rows per chunk when loading every active profile (or open mission)."""

_profiles = cast(Table, FreelancerProfile.__table__)
_profile_competences = cast(Table, ProfileCompetence.__table__)
_profile_cto_missions = cast(Table, ProfileCtoMission.__table__)
_missions = cast(Table, Mission.__table__)
_mission_competences = cast(Table, MissionCompetence.__table__)
_mission_cto_missions = cast(Table, MissionCtoMission.__table__)

_intern = sys.intern
ChildFilter = Callable[["Column[Any]"], ColumnElement[bool]]


class ProfileStamp(NamedTuple):
    """What moves on every write of a profile (service.revisions): a cached input is current while
    its stamp is (updated_at also tells apart rows rewritten from scratch at revision 1)."""

    revision: int
    updated_at: datetime


class StampedProfile(NamedTuple):
    input: ProfileInput
    stamp: ProfileStamp


def _batches(ids: Sequence[int]) -> Iterator[list[int]]:
    unique = sorted(set(ids))
    for start in range(0, len(unique), ID_BATCH):
        yield unique[start : start + ID_BATCH]


def _json(text: str) -> Any:
    """A JSON column read as text; msgspec refuses numbers out of float range, json.loads does not."""
    try:
        return msgspec.json.decode(text)
    except msgspec.DecodeError:
        return json.loads(text)


def _json_text(column: Column[Any]) -> ColumnElement[str]:
    """The JSON column as its text (skips the driver's decoding, see `_json`)."""
    return sql_cast(column, Text).label(column.name)


# --- profiles ---------------------------------------------------------------------------------------
async def load_profile_inputs(session: AsyncSession, ids: Sequence[int] | None = None) -> list[ProfileInput]:
    """Engine inputs of every active profile (`ids` None) or of these profiles whatever their active
    flag; ordered by id, unknown ids left out."""
    return [row.input for row in await load_stamped_profile_inputs(session, ids)]


async def load_stamped_profile_inputs(
    session: AsyncSession, ids: Sequence[int] | None = None
) -> list[StampedProfile]:
    """`load_profile_inputs` plus each row's stamp, read by the same statement as its columns."""
    found: list[StampedProfile] = []
    if ids is not None:
        for batch in _batches(ids):
            found += await _profile_chunk(session, _profiles.c.id.in_(batch), _in(batch))
        return found
    while True:
        after = found[-1].input.id if found else None
        where = _profiles.c.active if after is None else and_(_profiles.c.active, _profiles.c.id > after)
        chunk = await _profile_chunk(session, where, None, limit=CHUNK_ROWS)
        found += chunk
        if len(chunk) < CHUNK_ROWS:
            return found


def _in(batch: list[int]) -> ChildFilter:
    return lambda parent_id: parent_id.in_(batch)


async def _profile_chunk(
    session: AsyncSession,
    where: ColumnElement[bool],
    child_filter: ChildFilter | None,
    limit: int | None = None,
) -> list[StampedProfile]:
    """Profiles `where` selects (the first `limit`), with their child lists; `child_filter` None: the
    children of the chunk's id range (rows of profiles outside the chunk are ignored)."""
    p = _profiles
    query = (
        select(
            p.c.id,
            p.c.years_experience,
            p.c.tjm,
            p.c.available_from,
            p.c.days_per_week,
            p.c.remote_preference,
            p.c.location,
            _json_text(p.c.mobility),
            p.c.mobility_anywhere,
            p.c.orientation,
            _json_text(p.c.sectors),
            _json_text(p.c.stack),
            _json_text(p.c.past_roles),
            p.c.headline,
            p.c.summary,
            p.c.active,
            p.c.revision,
            p.c.updated_at,
        )
        .where(where)
        .order_by(p.c.id)
    )
    rows = (await session.execute(query if limit is None else query.limit(limit))).all()
    if not rows:
        return []
    children = child_filter or _id_range(rows)
    competences: defaultdict[int, dict[str, int]] = defaultdict(dict)
    pc = _profile_competences
    for profile_id, competence_id, level in await _children(
        session, (pc.c.profile_id, pc.c.competence_id, pc.c.level), children
    ):
        competences[profile_id][_intern(competence_id)] = level
    cto_missions: defaultdict[int, list[str]] = defaultdict(list)
    pcto = _profile_cto_missions
    for profile_id, cto_mission_id in await _children(
        session, (pcto.c.profile_id, pcto.c.cto_mission_id), children
    ):
        cto_missions[profile_id].append(_intern(cto_mission_id))
    return [_stamped_profile(row, competences.get(row.id, {}), cto_missions.get(row.id, ())) for row in rows]


def _stamped_profile(row: Any, competences: dict[str, int], cto_missions: Sequence[str]) -> StampedProfile:
    profile = profile_input_of(
        row,
        competences=competences,
        cto_missions=cto_missions,
        sectors=_json(row.sectors),
        stack=_json(row.stack),
        past_roles=past_roles_of(_json(row.past_roles)),
        mobility=_json(row.mobility),
    )
    return StampedProfile(profile, ProfileStamp(row.revision, row.updated_at))


def _id_range(rows: Sequence[Any]) -> ChildFilter:
    first, last = rows[0].id, rows[-1].id
    return lambda parent_id: parent_id.between(first, last)


async def _children(
    session: AsyncSession, columns: tuple[Column[Any], ...], parent_filter: ChildFilter
) -> Sequence[Any]:
    """Child rows (parent id first), selected on the child table's own key, in the relationships'
    order (by parent, then item id: the primary key)."""
    parent_id, item_id = columns[0], columns[1]
    query = select(*columns).where(parent_filter(parent_id)).order_by(parent_id, item_id)
    return (await session.execute(query)).all()


# --- missions ---------------------------------------------------------------------------------------
async def load_mission_inputs(session: AsyncSession, ids: Sequence[int] | None = None) -> list[MissionInput]:
    """Engine inputs of every open mission (`ids` None) or of these missions whatever their status;
    ordered by id, unknown ids left out."""
    found: list[MissionInput] = []
    if ids is not None:
        for batch in _batches(ids):
            found += await _mission_chunk(session, _missions.c.id.in_(batch), _in(batch))
        return found
    is_open = _missions.c.status == MissionStatus.OPEN
    while True:
        where = is_open if not found else and_(is_open, _missions.c.id > found[-1].id)
        chunk = await _mission_chunk(session, where, None, limit=CHUNK_ROWS)
        found += chunk
        if len(chunk) < CHUNK_ROWS:
            return found


async def _mission_chunk(
    session: AsyncSession,
    where: ColumnElement[bool],
    child_filter: ChildFilter | None,
    limit: int | None = None,
) -> list[MissionInput]:
    m = _missions
    query = (
        select(
            m.c.id,
            m.c.title,
            m.c.description,
            m.c.orientation,
            m.c.seniority,
            m.c.tjm_min,
            m.c.tjm_max,
            m.c.start_date,
            m.c.end_date,
            m.c.days_per_week,
            m.c.remote_policy,
            m.c.location,
            m.c.sector,
            m.c.context,
            m.c.status,
        )
        .where(where)
        .order_by(m.c.id)
    )
    rows = (await session.execute(query if limit is None else query.limit(limit))).all()
    if not rows:
        return []
    children = child_filter or _id_range(rows)
    required: defaultdict[int, list[str]] = defaultdict(list)
    nice: defaultdict[int, list[str]] = defaultdict(list)
    mc = _mission_competences
    for mission_id, competence_id, is_required in await _children(
        session, (mc.c.mission_id, mc.c.competence_id, mc.c.required), children
    ):
        (required if is_required else nice)[mission_id].append(competence_id)
    cto_missions: defaultdict[int, list[str]] = defaultdict(list)
    mcto = _mission_cto_missions
    for mission_id, cto_mission_id in await _children(
        session, (mcto.c.mission_id, mcto.c.cto_mission_id), children
    ):
        cto_missions[mission_id].append(cto_mission_id)
    return [
        mission_input_of(
            row,
            cto_missions=cto_missions.get(row.id, ()),
            required=required.get(row.id, ()),
            nice=nice.get(row.id, ()),
        )
        for row in rows
    ]

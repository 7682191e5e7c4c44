"""Business rules of missions: validation against the taxonomy and the grid, ownership, visibility."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import Select, exists, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from matching import budget_warning as engine_budget_warning
from models import Company, Mission, MissionCompetence, MissionCtoMission, RateBand
from models.enums import COMPETENCE_KINDS, MissionStatus, RemotePolicy, Role, TaxonomyKind
from service.auth.actor import Actor
from service.background.queue import WorkQueue
from service.companies.services import ensure_owner_or_operator, get_company
from service.engine_inputs.rows import grid_from_rows, mission_input
from service.errors import Conflict, FieldError, Forbidden, InvalidInput, NotFound
from service.missions.schemas import MissionCreate, MissionOut, MissionUpdate
from service.pagination import PageParams
from service.querying import apply_sort, check_range, fetch_page
from service.reference.services import check_taxonomy_ids, list_rate_bands
from service.revisions import lock_for_write
from service.shapes import apply_patch, body_values, read_shape

SORT_KEYS = {
    "start_date": Mission.start_date,
    "tjm_max": Mission.tjm_max,
    "tjm_min": Mission.tjm_min,
    "created_at": Mission.created_at,
    "updated_at": Mission.updated_at,
    "title": Mission.title,
}


#: Body fields stored as child rows (CTO missions, competences), not as columns.
CHILD_ROW_FIELDS = frozenset({"cto_missions", "required_competences", "nice_competences"})


@dataclass(frozen=True)
class MissionFilters:
    competences: Sequence[str] = ()
    seniority: str | None = None
    tjm_min: int | None = None
    tjm_max: int | None = None
    remote: RemotePolicy | None = None
    starts_by: date | None = None
    status: MissionStatus | None = MissionStatus.OPEN
    company_id: int | None = None
    sort: str = "start_date"


@dataclass(frozen=True)
class MissionShape:
    """The fields whose consistency is checked together, after a PATCH is applied."""

    seniority: str
    tjm_min: int
    tjm_max: int
    start_date: date
    end_date: date | None
    cto_missions: Sequence[str]
    required: Sequence[str]
    nice: Sequence[str]


async def _validate(session: AsyncSession, shape: MissionShape, bands: Sequence[RateBand]) -> None:
    errors: list[FieldError] = []
    if shape.seniority not in {b.id for b in bands}:
        choices = ", ".join(b.id for b in bands)
        errors.append(
            FieldError("body.seniority", f"unknown experience band '{shape.seniority}' (one of {choices})")
        )
    if shape.tjm_min > shape.tjm_max:
        errors.append(FieldError("body.tjm_min", f"tjm_min {shape.tjm_min} is above tjm_max {shape.tjm_max}"))
    if shape.end_date is not None and shape.end_date < shape.start_date:
        errors.append(
            FieldError("body.end_date", f"end_date {shape.end_date} is before start_date {shape.start_date}")
        )
    errors += await check_taxonomy_ids(
        session, shape.cto_missions, {TaxonomyKind.CTO_MISSION}, "body.cto_missions"
    )
    errors += await check_taxonomy_ids(session, shape.required, COMPETENCE_KINDS, "body.required_competences")
    errors += await check_taxonomy_ids(session, shape.nice, COMPETENCE_KINDS, "body.nice_competences")
    for index, competence_id in enumerate(shape.nice):
        if competence_id in shape.required:
            errors.append(
                FieldError(
                    f"body.nice_competences[{index}]", f"'{competence_id}' is already a required competence"
                )
            )
    if errors:
        raise InvalidInput(errors)


def _set_competences(mission: Mission, required: Sequence[str], nice: Sequence[str]) -> None:
    mission.competences = [MissionCompetence(competence_id=c, required=True) for c in required] + [
        MissionCompetence(competence_id=c, required=False) for c in nice
    ]


async def _commit_unique_ref(session: AsyncSession, ref: str | None) -> None:
    try:
        await session.commit()
    except IntegrityError as exc:
        await session.rollback()
        raise Conflict(f"a mission with ref '{ref}' already exists", extra={"field": "body.ref"}) from exc


async def create_mission(
    session: AsyncSession, actor: Actor, data: MissionCreate, *, queue: WorkQueue | None = None
) -> MissionOut:
    if actor.is_operator:
        if data.company_id is None:
            raise InvalidInput(
                [FieldError("body.company_id", "operators must say which company the mission is for")]
            )
        company_id = data.company_id
    else:
        if data.company_id is not None and data.company_id != actor.company_id:
            raise Forbidden("a company may post missions only for itself")
        assert actor.company_id is not None
        company_id = actor.company_id
    company = await get_company(session, company_id)
    if not company.active:
        raise Conflict(f"company {company.id} is closed and cannot post missions")
    bands = await list_rate_bands(session)
    await _validate(
        session,
        MissionShape(
            data.seniority,
            data.tjm_min,
            data.tjm_max,
            data.start_date,
            data.end_date,
            data.cto_missions,
            data.required_competences,
            data.nice_competences,
        ),
        bands,
    )
    if data.ref is not None and await session.scalar(select(exists().where(Mission.ref == data.ref))):
        raise Conflict(f"a mission with ref '{data.ref}' already exists", extra={"field": "body.ref"})
    mission = Mission(
        **body_values(data, handled=CHILD_ROW_FIELDS | {"company_id", "sector"}),
        company_id=company.id,
        company=company,
        sector=data.sector or "",
        cto_missions=[MissionCtoMission(cto_mission_id=c) for c in data.cto_missions],
    )
    _set_competences(mission, data.required_competences, data.nice_competences)
    session.add(mission)
    await _commit_unique_ref(session, data.ref)
    if queue is not None:
        await queue.mission_changed(mission.id)
    return to_out(mission, bands)


async def get_mission(session: AsyncSession, mission_id: int) -> Mission:
    mission = await session.get(Mission, mission_id)
    if mission is None:
        raise NotFound(f"no mission {mission_id}")
    return mission


def _ensure_can_read(actor: Actor, mission: Mission) -> None:
    if actor.is_operator or actor.company_id == mission.company_id:
        return
    if actor.role is Role.FREELANCER and mission.status is MissionStatus.OPEN:
        return
    if actor.role is Role.FREELANCER:
        raise Forbidden(f"mission {mission.id} is closed")
    # Another company's mission gets the answer of a missing one: its existence does not leak.
    raise NotFound(f"no mission {mission.id}")


async def read_mission_for(session: AsyncSession, actor: Actor, mission_id: int) -> MissionOut:
    mission = await get_mission(session, mission_id)
    _ensure_can_read(actor, mission)
    return to_out(mission, await list_rate_bands(session))


def _filtered_query(filters: MissionFilters) -> Select[Mission]:
    query = select(Mission)
    if filters.status is not None:
        query = query.where(Mission.status == filters.status)
    if filters.company_id is not None:
        query = query.where(Mission.company_id == filters.company_id)
    for competence_id in filters.competences:
        query = query.where(
            exists().where(
                MissionCompetence.mission_id == Mission.id, MissionCompetence.competence_id == competence_id
            )
        )
    if filters.seniority is not None:
        query = query.where(Mission.seniority == filters.seniority)
    check_range(filters.tjm_min, filters.tjm_max)
    # A rate range matches the missions whose budget overlaps it.
    if filters.tjm_min is not None:
        query = query.where(Mission.tjm_max >= filters.tjm_min)
    if filters.tjm_max is not None:
        query = query.where(Mission.tjm_min <= filters.tjm_max)
    if filters.remote is not None:
        query = query.where(Mission.remote_policy == filters.remote)
    if filters.starts_by is not None:
        query = query.where(Mission.start_date <= filters.starts_by)
    return apply_sort(query, filters.sort, SORT_KEYS, Mission.id)


async def list_missions_for(
    session: AsyncSession, actor: Actor, filters: MissionFilters, page: PageParams
) -> tuple[list[MissionOut], int]:
    """Companies see their own missions, freelancers the open ones, operators all."""
    if actor.role is Role.COMPANY:
        if filters.company_id is not None and filters.company_id != actor.company_id:
            raise Forbidden("a company may list only its own missions")
        filters = MissionFilters(**{**filters.__dict__, "company_id": actor.company_id})
    elif actor.role is Role.FREELANCER:
        if filters.status not in (MissionStatus.OPEN, None):
            raise Forbidden("freelancers see open missions only")
        filters = MissionFilters(**{**filters.__dict__, "status": MissionStatus.OPEN})
    if filters.competences:
        errors = await check_taxonomy_ids(session, filters.competences, COMPETENCE_KINDS, "query.competence")
        if errors:
            raise InvalidInput(errors)
    bands = await list_rate_bands(session)
    if filters.seniority is not None and filters.seniority not in {b.id for b in bands}:
        raise InvalidInput([FieldError("query.seniority", f"unknown experience band '{filters.seniority}'")])
    rows, total = await fetch_page(session, _filtered_query(filters), page)
    return [to_out(m, bands) for m in rows], total


async def _owned_mission_for_write(
    session: AsyncSession, actor: Actor, mission_id: int, expected_revision: int | None
) -> Mission:
    """Lock the mission first (service.revisions), then read it fresh and check who may change it."""
    mission = await lock_for_write(session, Mission, mission_id, expected=expected_revision, what="mission")
    if actor.role is Role.COMPANY and actor.company_id != mission.company_id:
        raise NotFound(f"no mission {mission_id}")
    company: Company = await get_company(session, mission.company_id)
    ensure_owner_or_operator(actor, company)
    return mission


async def update_mission(
    session: AsyncSession,
    actor: Actor,
    mission_id: int,
    data: MissionUpdate,
    *,
    queue: WorkQueue | None = None,
    expected_revision: int | None = None,
) -> MissionOut:
    """All or nothing: the row is locked first, then the fields and child lists sent replace the old."""
    mission = await _owned_mission_for_write(session, actor, mission_id, expected_revision)
    if mission.status is MissionStatus.CLOSED:
        raise Conflict(f"mission {mission.id} is closed and can no longer change")
    changes = body_values(data)
    current_required = [c.competence_id for c in mission.competences if c.required]
    current_nice = [c.competence_id for c in mission.competences if not c.required]
    shape = MissionShape(
        seniority=changes.get("seniority", mission.seniority),
        tjm_min=changes.get("tjm_min", mission.tjm_min),
        tjm_max=changes.get("tjm_max", mission.tjm_max),
        start_date=changes.get("start_date", mission.start_date),
        end_date=changes.get("end_date", mission.end_date),
        cto_missions=changes.get("cto_missions", [c.cto_mission_id for c in mission.cto_missions]),
        required=changes.get("required_competences", current_required),
        nice=changes.get("nice_competences", current_nice),
    )
    bands = await list_rate_bands(session)
    await _validate(session, shape, bands)
    apply_patch(mission, data, handled=CHILD_ROW_FIELDS)
    if "cto_missions" in changes:
        mission.cto_missions = [MissionCtoMission(cto_mission_id=c) for c in shape.cto_missions]
    if "required_competences" in changes or "nice_competences" in changes:
        _set_competences(mission, shape.required, shape.nice)
    return await _commit_and_answer(session, mission, bands, queue)


async def _commit_and_answer(
    session: AsyncSession, mission: Mission, bands: Sequence[RateBand], queue: WorkQueue | None
) -> MissionOut:
    """The answer is what this write stored: built before the commit releases the row's lock."""
    await session.flush()
    written = to_out(mission, bands)
    await session.commit()
    if queue is not None:
        await queue.mission_changed(mission.id)
    return written


async def close_mission(
    session: AsyncSession,
    actor: Actor,
    mission_id: int,
    *,
    queue: WorkQueue | None = None,
    expected_revision: int | None = None,
) -> MissionOut:
    mission = await _owned_mission_for_write(session, actor, mission_id, expected_revision)
    if mission.status is MissionStatus.CLOSED:
        raise Conflict(f"mission {mission.id} is already closed")
    mission.status = MissionStatus.CLOSED
    return await _commit_and_answer(session, mission, await list_rate_bands(session), queue)


def budget_warning(mission: Mission, bands: Sequence[RateBand]) -> str | None:
    """The engine's warning when the budget cannot afford the seniority asked (one rule, one text)."""
    return engine_budget_warning(mission_input(mission), grid_from_rows(bands))


def to_out(mission: Mission, bands: Sequence[RateBand]) -> MissionOut:
    """Every stored field read from the mission; its company's name, child lists and warning computed."""
    return read_shape(
        mission,
        MissionOut,
        company_name=mission.company.name,
        cto_missions=sorted(c.cto_mission_id for c in mission.cto_missions),
        required_competences=sorted(c.competence_id for c in mission.competences if c.required),
        nice_competences=sorted(c.competence_id for c in mission.competences if not c.required),
        budget_warning=budget_warning(mission, bands),
    )

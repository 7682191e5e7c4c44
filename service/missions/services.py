"""Business rules of missions: validation against the taxonomy and the grid, ownership, visibility."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Select, exists, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from matching import budget_advice as engine_budget_advice
from matching import budget_warning as engine_budget_warning
from models import Company, Mission, MissionCompetence, MissionCtoMission, RateBand
from models.enums import (
    COMPETENCE_KINDS,
    Context,
    MissionStatus,
    Orientation,
    RemotePolicy,
    Role,
    TaxonomyKind,
)
from service.auth.actor import Actor
from service.background.queue import WorkQueue
from service.companies.services import ensure_owner_or_operator, get_company
from service.engine_inputs.rows import grid_from_rows, mission_input
from service.errors import Conflict, FieldError, Forbidden, InvalidInput, NotFound
from service.explanations import render_budget_option, render_budget_warning
from service.i18n import _, format_date
from service.missions.schemas import BudgetOptionOut, MissionCreate, MissionOut, MissionUpdate
from service.pagination import PageParams
from service.querying import apply_sort, check_range, fetch_page
from service.reference.services import check_taxonomy_ids, list_rate_bands, unknown_band
from service.revisions import lock_for_write
from service.shapes import apply_patch, body_values, read_shape
from service.validation_hooks import checks_references
from service.validation_texts import Code

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
PARIS = ZoneInfo("Europe/Paris")


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
    """The fields whose consistency is checked together, after a PATCH is applied.

    A field left None was refused before (a web form checks a draft whole): its rules are skipped.
    `check_start` is false when the start date does not change, or for an operator recording a mission
    that already started (imports, the demo data): only a company posting or moving its start is held
    to "not in the past".
    """

    seniority: str | None
    tjm_min: int | None
    tjm_max: int | None
    start_date: date | None
    end_date: date | None
    cto_missions: Sequence[str]
    required: Sequence[str]
    nice: Sequence[str]
    check_start: bool = True


def today_in_france() -> date:
    """The calendar day of the market served (Paris), which "a start in the past" is judged against."""
    return datetime.now(PARIS).date()


def schedule_errors(
    start_date: date | None, end_date: date | None, *, check_start: bool = True, today: date | None = None
) -> list[FieldError]:
    """A mission starts today at the earliest, and does not end before it starts."""
    errors: list[FieldError] = []
    today = today or today_in_france()
    if check_start and start_date is not None and start_date < today:
        errors.append(
            FieldError(
                "body.start_date",
                _(
                    "the start date %(start)s is in the past: choose today (%(today)s) or a later day",
                    start=format_date(start_date),
                    today=format_date(today),
                ),
                code=Code.TOO_SMALL,
            )
        )
    if start_date is not None and end_date is not None and end_date < start_date:
        errors.append(
            FieldError(
                "body.end_date",
                _(
                    "the end date %(end)s is before the start date %(start)s",
                    end=format_date(end_date),
                    start=format_date(start_date),
                ),
                code=Code.INCONSISTENT,
            )
        )
    return errors


async def _validate(session: AsyncSession, shape: MissionShape, bands: Sequence[RateBand]) -> None:
    errors = await mission_errors(session, shape, bands)
    if errors:
        raise InvalidInput(errors)


async def mission_errors(
    session: AsyncSession, shape: MissionShape, bands: Sequence[RateBand]
) -> list[FieldError]:
    """Every rule a mission's fields break together, at once (the API's 422, the web form's errors)."""
    errors: list[FieldError] = []
    if shape.seniority is not None and shape.seniority not in {b.id for b in bands}:
        errors.append(unknown_band("body.seniority", shape.seniority, bands))
    if shape.tjm_min is not None and shape.tjm_max is not None and shape.tjm_min > shape.tjm_max:
        reason = _("tjm_min %(low)s is above tjm_max %(high)s", low=shape.tjm_min, high=shape.tjm_max)
        errors.append(FieldError("body.tjm_min", reason, Code.INCONSISTENT))
    errors += schedule_errors(shape.start_date, shape.end_date, check_start=shape.check_start)
    errors += await check_taxonomy_ids(
        session, shape.cto_missions, {TaxonomyKind.CTO_MISSION}, "body.cto_missions"
    )
    errors += await check_taxonomy_ids(session, shape.required, COMPETENCE_KINDS, "body.required_competences")
    errors += await check_taxonomy_ids(session, shape.nice, COMPETENCE_KINDS, "body.nice_competences")
    for index, competence_id in enumerate(shape.nice):
        if competence_id in shape.required:
            reason = _("'%(id)s' is already a required competence", id=competence_id)
            errors.append(FieldError(f"body.nice_competences[{index}]", reason, Code.DUPLICATE))
    return errors


@checks_references(MissionCreate, MissionUpdate)
async def _valid_field_errors(session: AsyncSession, fields: Mapping[str, Any]) -> list[FieldError]:
    """What the valid fields of a body refused for its shape break (service.validation_hooks): its band,
    taxonomy ids and the rules between them; "not in the past" waits for the caller, maybe an operator."""
    shape = MissionShape(
        seniority=fields.get("seniority"),
        tjm_min=fields.get("tjm_min"),
        tjm_max=fields.get("tjm_max"),
        start_date=fields.get("start_date"),
        end_date=fields.get("end_date"),
        cto_missions=fields.get("cto_missions", ()),
        required=fields.get("required_competences", ()),
        nice=fields.get("nice_competences", ()),
        check_start=False,
    )
    return await mission_errors(session, shape, await list_rate_bands(session))


def _set_competences(mission: Mission, required: Sequence[str], nice: Sequence[str]) -> None:
    mission.competences = [MissionCompetence(competence_id=c, required=True) for c in required] + [
        MissionCompetence(competence_id=c, required=False) for c in nice
    ]


async def _commit_unique_ref(session: AsyncSession, ref: str | None) -> None:
    try:
        await session.commit()
    except IntegrityError as exc:
        await session.rollback()
        raise _ref_taken(ref) from exc


def _ref_taken(ref: str | None) -> Conflict:
    return Conflict(_("a mission with ref '%(ref)s' already exists", ref=ref), extra={"field": "body.ref"})


async def create_mission(
    session: AsyncSession, actor: Actor, data: MissionCreate, *, queue: WorkQueue | None = None
) -> MissionOut:
    if actor.is_operator:
        if data.company_id is None:
            reason = _("operators must say which company the mission is for")
            raise InvalidInput([FieldError("body.company_id", reason, Code.MISSING)])
        company_id = data.company_id
    else:
        if data.company_id is not None and data.company_id != actor.company_id:
            raise Forbidden(_("a company may post missions only for itself"))
        assert actor.company_id is not None
        company_id = actor.company_id
    company = await get_company(session, company_id)
    if not company.active:
        raise Conflict(_("company %(id)s is closed and cannot post missions", id=company.id))
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
            check_start=not actor.is_operator,
        ),
        bands,
    )
    if data.ref is not None and await session.scalar(select(exists().where(Mission.ref == data.ref))):
        raise _ref_taken(data.ref)
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
        raise NotFound(_("no mission %(id)s", id=mission_id))
    return mission


def _ensure_can_read(actor: Actor, mission: Mission) -> None:
    if actor.is_operator or actor.company_id == mission.company_id:
        return
    if actor.role is Role.FREELANCER and mission.status is MissionStatus.OPEN:
        return
    if actor.role is Role.FREELANCER:
        raise Forbidden(_("mission %(id)s is closed", id=mission.id))
    # Another company's mission gets the answer of a missing one: its existence does not leak.
    raise NotFound(_("no mission %(id)s", id=mission.id))


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
            raise Forbidden(_("a company may list only its own missions"))
        filters = MissionFilters(**{**filters.__dict__, "company_id": actor.company_id})
    elif actor.role is Role.FREELANCER:
        if filters.status not in (MissionStatus.OPEN, None):
            raise Forbidden(_("freelancers see open missions only"))
        filters = MissionFilters(**{**filters.__dict__, "status": MissionStatus.OPEN})
    if filters.competences:
        errors = await check_taxonomy_ids(session, filters.competences, COMPETENCE_KINDS, "query.competence")
        if errors:
            raise InvalidInput(errors)
    bands = await list_rate_bands(session)
    if filters.seniority is not None and filters.seniority not in {b.id for b in bands}:
        raise InvalidInput([unknown_band("query.seniority", filters.seniority, bands)])
    rows, total = await fetch_page(session, _filtered_query(filters), page)
    return [to_out(m, bands) for m in rows], total


async def _owned_mission_for_write(
    session: AsyncSession, actor: Actor, mission_id: int, expected_revision: int | None
) -> Mission:
    """Lock the mission first (service.revisions), then read it fresh and check who may change it."""
    mission = await lock_for_write(session, Mission, mission_id, expected=expected_revision, what="mission")
    if actor.role is Role.COMPANY and actor.company_id != mission.company_id:
        raise NotFound(_("no mission %(id)s", id=mission_id))
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
        raise Conflict(_("mission %(id)s is closed and can no longer change", id=mission.id))
    changes = body_values(data)
    current_required = [c.competence_id for c in mission.competences if c.required]
    current_nice = [c.competence_id for c in mission.competences if not c.required]
    moves_start = changes.get("start_date", mission.start_date) != mission.start_date
    shape = MissionShape(
        seniority=changes.get("seniority", mission.seniority),
        tjm_min=changes.get("tjm_min", mission.tjm_min),
        tjm_max=changes.get("tjm_max", mission.tjm_max),
        start_date=changes.get("start_date", mission.start_date),
        end_date=changes.get("end_date", mission.end_date),
        cto_missions=changes.get("cto_missions", [c.cto_mission_id for c in mission.cto_missions]),
        required=changes.get("required_competences", current_required),
        nice=changes.get("nice_competences", current_nice),
        check_start=moves_start and not actor.is_operator,
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
        raise Conflict(_("mission %(id)s is already closed", id=mission.id))
    mission.status = MissionStatus.CLOSED
    return await _commit_and_answer(session, mission, await list_rate_bands(session), queue)


def budget_fields(mission: Mission, bands: Sequence[RateBand]) -> dict[str, Any]:
    """The engine's warning when the budget cannot afford the seniority asked (one rule), with its ways
    out from the grid: `budget_warning` (in the reader's language) and `budget_advice`, the fields of
    the bodies that show a mission's budget."""
    grid = grid_from_rows(bands)
    warning = engine_budget_warning(mission_input(mission), grid)
    if warning is None:
        return {"budget_warning": None, "budget_advice": []}
    options = engine_budget_advice(warning, grid)
    advice = [
        BudgetOptionOut(
            action=o.action,
            text=render_budget_option(o),
            tjm_max=o.tjm_max,
            band=o.band,
            tjm_low=o.tjm_low,
            tjm_high=o.tjm_high,
        )
        for o in options
    ]
    return {"budget_warning": render_budget_warning(warning, options), "budget_advice": advice}


def draft_budget_fields(
    seniority: str, tjm_min: int, tjm_max: int, bands: Sequence[RateBand]
) -> dict[str, Any]:
    """`budget_fields` of a mission not saved yet: the web form shows the warning and its ways out for
    what is typed, before and after it is sent. Only the band and the budget are read."""
    draft = Mission(
        id=0,
        title="",
        description="",
        orientation=Orientation.BOTH,
        seniority=seniority,
        tjm_min=tjm_min,
        tjm_max=tjm_max,
        start_date=today_in_france(),
        end_date=None,
        days_per_week=5,
        remote_policy=RemotePolicy.REMOTE,
        location="",
        sector="",
        context=Context.STARTUP,
        status=MissionStatus.OPEN,
        cto_missions=[],
        competences=[],
    )
    return budget_fields(draft, bands)


def to_out(mission: Mission, bands: Sequence[RateBand]) -> MissionOut:
    """Every stored field read from the mission; its company's name, child lists and warning computed."""
    return read_shape(
        mission,
        MissionOut,
        company_name=mission.company.name,
        cto_missions=sorted(c.cto_mission_id for c in mission.cto_missions),
        required_competences=sorted(c.competence_id for c in mission.competences if c.required),
        nice_competences=sorted(c.competence_id for c in mission.competences if not c.required),
        **budget_fields(mission, bands),
    )

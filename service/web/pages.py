"""The console's pages: dashboard, review queue, missions, a match, the rate grid, a background job.

Every page reads through the service layer with the signed-in operator's `Actor`, exactly as the JSON
API does, so access rules and business rules live in one place.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from typing import Annotated, Any

import msgspec
from litestar import Controller, Request, get
from litestar.datastructures import CacheControlHeader
from litestar.params import QueryParameter
from litestar.response import Template
from sqlalchemy.ext.asyncio import AsyncSession

from models import GridRevision, RateBand
from models.enums import JobState, MatchStatus, MissionStatus, Role
from service.auth.actor import ANONYMOUS, roles
from service.background.jobs import JobProgress, read_job, recent_jobs
from service.errors import NotFound
from service.explanations import render_exclusion
from service.handler_params import AppSettings, DbSession, PathId, PathKey
from service.i18n import _, format_datetime, format_number, localised, ngettext
from service.i18n.formatting import format_percent
from service.market.services import budget_position
from service.matches.bulk import BULK_ACTIONS
from service.matches.lists import MatchListFilters, matches_for_mission
from service.matches.schemas import MatchOut
from service.matches.services import history, read_match, review_queue
from service.matches.transitions import Action, actions_for
from service.missions.schemas import MissionOut
from service.missions.services import MissionFilters, list_missions_for, read_mission_for
from service.pagination import MAX_OFFSET, PageParams
from service.reference.grid_history import get_revision, list_revisions
from service.reference.services import list_rate_bands, list_taxonomy
from service.web import stats
from service.web.band_form import BandFormState
from service.web.labels import TJM_POSITIONS, status_labels
from service.web.session import ConsoleOperator, SignedInOperator
from service.web.views import (
    DEFAULT_PAGE_SIZE,
    PAGE_SIZES,
    Pager,
    QueueQuery,
    here,
    last_page_offset,
    render,
)

#: Console routes pass the app's API-key guard as public (`roles(ANONYMOUS)`), stay out of the API
#: schema, and check the operator's console session themselves (the `operator` dependency).
SIGNED_IN = "Roles: operator, signed in to the console (session cookie, not an API key)."


#: Dashboard cards, in the order of the match's life; flagged matches get their own card.
DASHBOARD_STATUSES = (
    MatchStatus.PENDING,
    MatchStatus.SHORTLISTED,
    MatchStatus.APPROVED,
    MatchStatus.PROPOSED,
    MatchStatus.ACCEPTED,
    MatchStatus.REJECTED,
)
MISSIONS_PAGE_SIZE = 25
HISTORY_PAGE_SIZE = 25
MAX_CANDIDATES = 200
#: How often the job page's script asks for the job's progress while it runs.
JOB_POLL_SECONDS = 2
#: Running and queued jobs the dashboard lists (a link each).
DASHBOARD_JOBS = 10


async def _grid_revision(session: AsyncSession, revision_id: int | None) -> GridRevision | None:
    return None if revision_id is None else await get_revision(session, revision_id)


async def rate_grid_page(
    request: Request[Any, Any, Any],
    session: AsyncSession,
    operator: ConsoleOperator,
    *,
    job: JobView | None = None,
    form: BandFormState | None = None,
    status_code: int = 200,
) -> Template:
    """The grid page; `form`: a band's form shown again open, with what was typed, its refusals in
    words and the preview of the change when one was asked."""
    context = {"bands": await list_rate_bands(session), "job": job, "form": form}
    return render(request, "rate_grid.html", context, signed_in_as=operator.name, status_code=status_code)


@dataclass(frozen=True)
class Candidate:
    """A match with what its decision forms need: the version to send and the allowed actions."""

    rank: int
    match: MatchOut
    version: int
    actions: list[Action]


def _duration(seconds: int) -> str:
    """A time left as a person says it: "45 s", "3 min 05 s", "1 h 20 min"."""
    if seconds < 60:
        return _("%(seconds)s s", seconds=seconds)
    if seconds < 3600:
        minutes, rest = divmod(seconds, 60)
        return _("%(minutes)s min %(seconds)s s", minutes=minutes, seconds=str(rest).zfill(2))
    hours, rest = divmod(seconds, 3600)
    return _("%(hours)s h %(minutes)s min", hours=hours, minutes=str(rest // 60).zfill(2))


def job_state_labels() -> dict[str, str]:
    return {
        JobState.QUEUED: _("Queued"),
        JobState.RUNNING: _("Running"),
        JobState.DONE: _("Done"),
        JobState.FAILED: _("Failed"),
    }


def job_kind_labels() -> dict[str, str]:
    return {"rescore_all": _("Full rescore")}


@dataclass(frozen=True)
class JobView:
    """A job as the console shows it: its figures, already worded in the reader's language.

    The page and its progress route share it, so what the script writes in place is exactly what a
    reload would draw.
    """

    id: str
    kind: str
    state: str
    state_label: str
    active: bool
    done_chunks: int
    total_chunks: int
    chunks_text: str
    pairs_text: str
    time_left_text: str
    percent_text: str
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
    error: str | None

    @classmethod
    def of(cls, progress: JobProgress) -> JobView:
        job, done, total = progress.job, progress.done_chunks, progress.job.total_chunks
        left = progress.seconds_left()
        if job.state is JobState.DONE:
            time_left = _("none: the job is done")
        elif job.state is JobState.FAILED:
            time_left = _("none: the job failed")
        elif left is None:
            time_left = _("not known until a chunk is done")
        else:
            time_left = _("about %(duration)s", duration=_duration(left))
        return cls(
            id=job.id,
            kind=job_kind_labels().get(job.kind, job.kind),
            state=str(job.state),
            state_label=job_state_labels().get(job.state, str(job.state)),
            active=progress.active,
            done_chunks=done,
            total_chunks=total,
            chunks_text=(
                ngettext(
                    "%(done)s of %(total)s chunk done",
                    "%(done)s of %(total)s chunks done",
                    total,
                    done=format_number(done),
                    total=format_number(total),
                )
                if total
                else _("not planned yet")
                if progress.active
                else _("nothing to score")
            ),
            pairs_text=format_number(progress.pairs_scored),
            time_left_text=time_left,
            percent_text=format_percent(progress.progress * 100),
            created_at=job.created_at,
            started_at=progress.started_at,
            finished_at=job.finished_at,
            error=job.error,
        )

    def progress_json(self) -> dict[str, Any]:
        """What the job page's script writes in place, field by field."""
        return {
            "state": self.state,
            "state_label": self.state_label,
            "active": self.active,
            "done_chunks": self.done_chunks,
            "total_chunks": self.total_chunks,
            "chunks_text": self.chunks_text,
            "pairs_text": self.pairs_text,
            "time_left_text": self.time_left_text,
            "percent_text": self.percent_text,
            "started_text": format_datetime(self.started_at),
            "finished_text": format_datetime(self.finished_at),
            "error": self.error,
        }


async def _taxonomy_labels(session: AsyncSession) -> dict[str, str]:
    """Taxonomy ids to their label in the reader's language (the taxonomy holds both)."""
    return {item.id: localised(item.label_fr, item.label_en) for item in await list_taxonomy(session)}


async def _bands(session: AsyncSession) -> dict[str, RateBand]:
    return {band.id: band for band in await list_rate_bands(session)}


async def _all_missions(session: AsyncSession, operator: ConsoleOperator) -> list[MissionOut]:
    filters = MissionFilters(status=None, sort="title")
    missions, _ = await list_missions_for(session, operator.actor, filters, PageParams(limit=200, offset=0))
    return missions


class ConsolePages(Controller):
    path = "/"

    @get(
        "/",
        opt=roles(ANONYMOUS),
        include_in_schema=False,
        description=f"{SIGNED_IN} Dashboard: matches per status and the score histogram.",
    )
    async def dashboard(
        self, request: Request[Any, Any, Any], db_session: DbSession, operator: SignedInOperator
    ) -> Template:
        counts = await stats.status_counts(db_session)
        open_missions, _ = await list_missions_for(
            db_session,
            operator.actor,
            MissionFilters(status=MissionStatus.OPEN, sort="start_date"),
            PageParams(limit=200, offset=0),
        )
        context = {
            "cards": [(status, counts[status]) for status in DASHBOARD_STATUSES],
            "other_counts": [(s, n) for s, n in counts.items() if s not in DASHBOARD_STATUSES and n],
            "flagged": await stats.flagged_count(db_session),
            "chart": stats.histogram(await stats.score_buckets(db_session)),
            "warnings": [m for m in open_missions if m.budget_warning],
            "open_missions": len(open_missions),
            "jobs": [
                JobView.of(progress)
                for progress in await recent_jobs(
                    db_session, DASHBOARD_JOBS, states=(JobState.RUNNING, JobState.QUEUED)
                )
            ],
        }
        return render(request, "dashboard.html", context, signed_in_as=operator.name)

    @get(
        "/queue",
        opt=roles(ANONYMOUS),
        include_in_schema=False,
        description=f"{SIGNED_IN} Review queue with filters, factor bars and one-click decisions.",
    )
    async def queue(
        self,
        request: Request[Any, Any, Any],
        db_session: DbSession,
        settings: AppSettings,
        operator: SignedInOperator,
    ) -> Template:
        query = QueueQuery.parse(request.query_params)
        weights = settings.weights()
        page = PageParams(query.limit, query.offset)
        items, total = await review_queue(db_session, query.filters(), page, weights)
        if not items and total:  # past the end, e.g. after deciding the last row of the last page
            query = replace(query, offset=last_page_offset(total, query.limit))
            page = PageParams(query.limit, query.offset)
            items, total = await review_queue(db_session, query.filters(), page, weights)
        context = {
            "query": query,
            "items": items,
            "labels": await _taxonomy_labels(db_session),
            "pager": Pager(query.offset, query.limit, total),
            "missions": await _all_missions(db_session, operator),
            "bands": await _bands(db_session),
            "statuses": list(status_labels().items()),
            "positions": TJM_POSITIONS,
            "page_sizes": PAGE_SIZES,
            "default_page_size": DEFAULT_PAGE_SIZE,
            "next": here(request),
            "bulk_actions": BULK_ACTIONS,
            "bulk_ids": {item.match.id for item in items if set(item.allowed_actions) & set(BULK_ACTIONS)},
        }
        return render(request, "queue.html", context, signed_in_as=operator.name)

    @get(
        "/missions",
        opt=roles(ANONYMOUS),
        include_in_schema=False,
        description=f"{SIGNED_IN} Missions, with their budget warnings.",
    )
    async def missions(
        self,
        request: Request[Any, Any, Any],
        db_session: DbSession,
        operator: SignedInOperator,
        status: Annotated[str, QueryParameter(pattern="^(open|closed|all)$")] = "open",
        offset: Annotated[int, QueryParameter(ge=0)] = 0,
    ) -> Template:
        filters = MissionFilters(status=None if status == "all" else MissionStatus(status), sort="start_date")
        page = PageParams(limit=MISSIONS_PAGE_SIZE, offset=offset)
        missions, total = await list_missions_for(db_session, operator.actor, filters, page)
        bands = await _bands(db_session)
        context = {
            "missions": missions,
            "status": status,
            "pager": Pager(offset, MISSIONS_PAGE_SIZE, total),
            "bands": bands,
            # Only an open mission's budget still matters: a closed one shows no position.
            "budget_positions": {
                m.id: str(budget_position(bands[m.seniority], m.tjm_min, m.tjm_max))
                for m in missions
                if m.status == MissionStatus.OPEN and m.seniority in bands
            },
        }
        return render(request, "missions.html", context, signed_in_as=operator.name)

    @get(
        "/missions/{mission_id:str}",
        opt=roles(ANONYMOUS),
        include_in_schema=False,
        description=f"{SIGNED_IN} A mission, its ranked candidates and skill gaps.",
    )
    async def mission(
        self,
        request: Request[Any, Any, Any],
        db_session: DbSession,
        operator: SignedInOperator,
        mission_id: PathId,
        limit: Annotated[int, QueryParameter(ge=1, le=MAX_CANDIDATES)] = 20,
    ) -> Template:
        mission = await read_mission_for(db_session, operator.actor, mission_id)
        matches = await matches_for_mission(db_session, operator.actor, mission_id, MatchListFilters(limit))
        candidates = [
            Candidate(rank, m, m.version, actions_for(Role.OPERATOR, m.status))
            for rank, m in enumerate(matches.items, start=1)
        ]
        context = {
            "mission": mission,
            "matches": matches,
            "candidates": candidates,
            "limit": limit,
            "max_candidates": MAX_CANDIDATES,
            "labels": await _taxonomy_labels(db_session),
            "bands": await _bands(db_session),
            "next": here(request),
        }
        return render(request, "mission.html", context, signed_in_as=operator.name)

    @get(
        "/matches/{match_id:str}",
        opt=roles(ANONYMOUS),
        include_in_schema=False,
        description=f"{SIGNED_IN} A match: factors, reasons, decisions and audit trail.",
    )
    async def match(
        self,
        request: Request[Any, Any, Any],
        db_session: DbSession,
        operator: SignedInOperator,
        match_id: PathId,
    ) -> Template:
        detail = await read_match(db_session, operator.actor, match_id)
        excluded = render_exclusion(detail.match.exclusion_reason)  # the template says "Excluded:"
        shown = msgspec.structs.replace(detail.match, exclusion_reason=excluded)
        context = {
            "detail": msgspec.structs.replace(detail, match=shown),
            "history": await history(db_session, match_id),
            "grid_revision": await _grid_revision(db_session, detail.match.grid_revision_id),
            "labels": await _taxonomy_labels(db_session),
            "next": here(request),
        }
        return render(request, "match.html", context, signed_in_as=operator.name)

    @get(
        "/rate-grid",
        opt=roles(ANONYMOUS),
        include_in_schema=False,
        description=f"{SIGNED_IN} The TJM market grid, with an edit form per band.",
    )
    async def rate_grid(
        self,
        request: Request[Any, Any, Any],
        db_session: DbSession,
        operator: SignedInOperator,
        job: Annotated[str | None, QueryParameter(max_length=64)] = None,
    ) -> Template:
        """`?job=` (set by a save that queued a rescore): the confirmation links to that job's page."""
        queued = None
        if job:
            try:
                queued = JobView.of(await read_job(db_session, job))
            except NotFound:
                queued = None
        return await rate_grid_page(request, db_session, operator, job=queued)

    @get(
        "/rate-grid/history",
        opt=roles(ANONYMOUS),
        include_in_schema=False,
        description=f"{SIGNED_IN} The rate grid's revisions, newest first: when, who, band, before → after.",
    )
    async def rate_grid_history(
        self,
        request: Request[Any, Any, Any],
        db_session: DbSession,
        operator: SignedInOperator,
        offset: Annotated[int, QueryParameter(ge=0, le=MAX_OFFSET)] = 0,
    ) -> Template:
        page = PageParams(limit=HISTORY_PAGE_SIZE, offset=offset)
        rows, total = await list_revisions(db_session, page)
        context = {"revisions": rows, "pager": Pager(offset, HISTORY_PAGE_SIZE, total)}
        return render(request, "rate_grid_history.html", context, signed_in_as=operator.name)

    @get(
        "/jobs/{job_id:str}",
        opt=roles(ANONYMOUS),
        include_in_schema=False,
        description=f"{SIGNED_IN} A background job: state, chunks, pairs scored, time left.",
    )
    async def job(
        self,
        request: Request[Any, Any, Any],
        db_session: DbSession,
        operator: SignedInOperator,
        job_id: PathKey,
    ) -> Template:
        """Complete without script; console.js refreshes the figures in place while the job runs."""
        context = {"job": JobView.of(await read_job(db_session, job_id)), "poll_seconds": JOB_POLL_SECONDS}
        return render(request, "job.html", context, signed_in_as=operator.name)

    @get(
        "/jobs/{job_id:str}/progress",
        opt=roles(ANONYMOUS),
        include_in_schema=False,
        cache_control=CacheControlHeader(no_store=True),
        description=f"{SIGNED_IN} A job's progress as JSON, for the job page's script.",
    )
    async def job_progress(
        self, db_session: DbSession, operator: SignedInOperator, job_id: PathKey
    ) -> dict[str, Any]:
        """Under the console session, so the browser never holds an API key."""
        return JobView.of(await read_job(db_session, job_id)).progress_json()

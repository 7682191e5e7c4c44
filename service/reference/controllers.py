"""HTTP routes of the taxonomy and the rate grid: read by anyone, the grid updated by operators."""

from __future__ import annotations

import json
from functools import lru_cache
from importlib.resources.abc import Traversable
from typing import Annotated, Any

import msgspec
from litestar import Controller, get, post, put
from litestar.params import Body, QueryParameter

from models.enums import Role, TaxonomyKind
from service import openapi_examples
from service.auth.actor import ANONYMOUS, roles
from service.background.jobs import read_job
from service.fixture_files import RATE_GRID
from service.handler_params import BackgroundQueue, CurrentActor, DbSession, PageQuery, PathKey
from service.pagination import Page
from service.reference import services
from service.reference.concept_suggestions import suggest_concepts
from service.reference.grid_history import list_revisions, revision_out
from service.reference.schemas import (
    GridRevisionOut,
    RateBandOut,
    RateBandSaved,
    RateBandUpdate,
    RateGridOut,
    SalariedReference,
    SuggestionRequest,
    TaxonomyItemOut,
    TaxonomySuggestionOut,
    TaxonomySuggestionsOut,
)
from service.reference.services import update_grid_band
from service.shapes import read_shape

RATE_GRID_FILE: Traversable = RATE_GRID
RateBandUpdateBody = Annotated[RateBandUpdate, Body(examples=openapi_examples.RATE_BAND_UPDATE)]
SuggestionBody = Annotated[SuggestionRequest, Body(examples=openapi_examples.TAXONOMY_SUGGESTIONS)]


@lru_cache(maxsize=1)
def _salaried_reference() -> SalariedReference:
    data: dict[str, Any] = json.loads(RATE_GRID_FILE.read_text(encoding="utf-8"))["salaried_reference"]
    return SalariedReference(**data)


class ReferenceController(Controller):
    path = "/api/v1"
    tags = ["reference data"]  # noqa: RUF012

    @get("/taxonomy", opt=roles(ANONYMOUS), summary="Competence taxonomy", description="Roles: anyone.")
    async def list_taxonomy(
        self, db_session: DbSession, kind: Annotated[TaxonomyKind | None, QueryParameter()] = None
    ) -> list[TaxonomyItemOut]:
        items = await services.list_taxonomy(db_session, kind)
        return [TaxonomyItemOut(i.id, i.kind, i.label_en, i.label_fr, i.description) for i in items]

    @post(
        "/taxonomy/suggestions",
        opt=roles(Role.FREELANCER, Role.COMPANY, Role.OPERATOR),
        status_code=200,
        summary="Competences and CTO missions a text names",
        description=(
            "Roles: any signed-in account (freelancer, company, operator). Reads a profile's summary or "
            "a mission's description, in French or English, and lists the competences and CTO missions "
            "of the taxonomy it names, in the taxonomy's order, each with the words of the text that "
            'name it ("recette", "cahier des charges") and its label in the reader\'s language '
            "(`Accept-Language`, French by default). Nothing is stored."
        ),
    )
    async def suggest_taxonomy(self, data: SuggestionBody) -> TaxonomySuggestionsOut:
        return TaxonomySuggestionsOut(
            [
                TaxonomySuggestionOut(
                    s.item.id, s.item.kind, s.label, s.item.label_fr, s.item.label_en, list(s.words)
                )
                for s in suggest_concepts(data.text)
            ]
        )

    @get("/rate-grid", opt=roles(ANONYMOUS), summary="TJM market grid", description="Roles: anyone.")
    async def get_rate_grid(self, db_session: DbSession) -> RateGridOut:
        bands = await services.list_rate_bands(db_session)
        return RateGridOut("EUR", "day", [read_shape(b, RateBandOut) for b in bands], _salaried_reference())

    @get(
        "/rate-grid/revisions",
        opt=roles(Role.OPERATOR),
        summary="History of the TJM grid, newest first",
        description=(
            "Roles: operator. One revision per change of a band (who, when, the figures before and "
            "after, the reason given), newest first; the first revision of each band is its initial "
            "load (`before` and `actor_account_id` null). Revisions are never changed. A match names "
            "the revision it was scored with in `grid_revision_id`."
        ),
    )
    async def list_grid_revisions(self, db_session: DbSession, page: PageQuery) -> Page[GridRevisionOut]:
        rows, total = await list_revisions(db_session, page)
        return Page([revision_out(r) for r in rows], total, page.limit, page.offset)

    @put(
        "/rate-grid/{band_id:str}",
        opt=roles(Role.OPERATOR),
        summary="Update a band of the TJM grid",
        description=(
            "Roles: operator. Only the figures change; the year boundaries stay those of the source. "
            "Every TJM fit depends on the grid, so a change of rates queues a full rescore job: the "
            "answer is the band with that job in `job` (poll it at GET /api/v1/jobs/{id}), or `job: "
            "null` when no rate moved. Each change appends a revision to the grid's history (GET "
            "/api/v1/rate-grid/revisions); POST /api/v1/rate-grid/{band_id}/preview shows its effect "
            "first."
        ),
    )
    async def update_rate_band(
        self,
        db_session: DbSession,
        actor: CurrentActor,
        work_queue: BackgroundQueue,
        band_id: PathKey,
        data: RateBandUpdateBody,
    ) -> RateBandSaved:
        band, job = await update_grid_band(db_session, band_id, data, work_queue, actor.account_id)
        saved = msgspec.structs.asdict(read_shape(band, RateBandOut))
        return RateBandSaved(**saved, job=(await read_job(db_session, job.id)).out() if job else None)

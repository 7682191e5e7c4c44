"""HTTP routes of the taxonomy and the rate grid: read by anyone, the grid updated by operators."""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Any

from litestar import Controller, get, put
from litestar.params import Parameter
from sqlalchemy.ext.asyncio import AsyncSession

from models import RateBand
from models.enums import Role, TaxonomyKind
from service.auth.actor import ANONYMOUS, Actor, roles
from service.reference import services
from service.reference.schemas import (
    RateBandOut,
    RateBandUpdate,
    RateGridOut,
    SalariedReference,
    TaxonomyItemOut,
)
from service.scoring.jobs import update_grid_band
from service.scoring.queue import ScoringQueue

RATE_GRID_FILE = Path(__file__).resolve().parents[2] / "fixtures" / "rate_grid.json"


@lru_cache(maxsize=1)
def _salaried_reference() -> SalariedReference:
    data: dict[str, Any] = json.loads(RATE_GRID_FILE.read_text(encoding="utf-8"))["salaried_reference"]
    return SalariedReference(**data)


def band_out(band: RateBand) -> RateBandOut:
    return RateBandOut(
        id=band.id,
        label_en=band.label_en,
        label_fr=band.label_fr,
        min_years=band.min_years,
        max_years=band.max_years,
        tjm_low=band.tjm_low,
        tjm_high=band.tjm_high,
        tjm_ceiling=band.tjm_ceiling,
        note=band.note,
    )


class ReferenceController(Controller):
    path = "/api/v1"
    tags = ["reference data"]  # noqa: RUF012

    @get("/taxonomy", opt=roles(ANONYMOUS), summary="Competence taxonomy", description="Roles: anyone.")
    async def list_taxonomy(
        self, db_session: AsyncSession, kind: Annotated[TaxonomyKind | None, Parameter()] = None
    ) -> list[TaxonomyItemOut]:
        items = await services.list_taxonomy(db_session, kind)
        return [TaxonomyItemOut(i.id, i.kind, i.label_en, i.label_fr, i.description) for i in items]

    @get("/rate-grid", opt=roles(ANONYMOUS), summary="TJM market grid", description="Roles: anyone.")
    async def get_rate_grid(self, db_session: AsyncSession) -> RateGridOut:
        bands = await services.list_rate_bands(db_session)
        return RateGridOut("EUR", "day", [band_out(b) for b in bands], _salaried_reference())

    @put(
        "/rate-grid/{band_id:str}",
        opt=roles(Role.OPERATOR),
        summary="Update a band of the TJM grid",
        description=(
            "Roles: operator. Only the figures change; the year boundaries stay those of the source. "
            "Every TJM fit depends on the grid, so a full rescore job is queued."
        ),
    )
    async def update_rate_band(
        self,
        db_session: AsyncSession,
        actor: Actor,
        scoring_queue: ScoringQueue,
        band_id: str,
        data: RateBandUpdate,
    ) -> RateBandOut:
        band, _ = await update_grid_band(db_session, band_id, data, scoring_queue, actor.account_id)
        return band_out(band)

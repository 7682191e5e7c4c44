"""The history of the rate grid: one row per change of a band, so a score can name the grid it used.

Rows are append-only: a change of a band inserts its revision in the transaction of the change, and no
code updates or deletes one (there is no update path; the table is the audit trail of the grid). A
match keeps the id of the newest revision in effect when it was scored (`matches.grid_revision_id`).
The first revision of each band is its initial load (`before` null, no actor).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, DateTimeUTC, JSONType, utcnow

#: The figures of a band a revision records, in `before` and `after`.
BAND_FIGURES = ("tjm_low", "tjm_high", "tjm_ceiling", "note")


class GridRevision(Base):
    __tablename__ = "grid_revisions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    band_id: Mapped[str] = mapped_column(ForeignKey("rate_bands.id"), nullable=False, index=True)
    actor_account_id: Mapped[int | None] = mapped_column(ForeignKey("accounts.id"), nullable=True)
    """Who changed the band; null for the initial load of the grid."""
    created_at: Mapped[datetime] = mapped_column(DateTimeUTC(), default=utcnow, nullable=False)
    before: Mapped[dict[str, Any] | None] = mapped_column(JSONType, nullable=True)
    """The band's figures (BAND_FIGURES) before the change; null for the initial load."""
    after: Mapped[dict[str, Any]] = mapped_column(JSONType, nullable=False)
    reason: Mapped[str | None] = mapped_column(String(500), nullable=True)


def band_figures(band: Any) -> dict[str, Any]:
    """A band's figures as a revision stores them."""
    return {name: getattr(band, name) for name in BAND_FIGURES}

"""Read-only figures for the dashboard: matches per status, flagged ones, the score histogram.

Only candidate matches count (`excluded` pairs are stored with score 0 and never reach the queue).
The histogram's geometry is computed here so the page draws a plain SVG, with no chart library.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import case, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from models import Match
from models.enums import MatchStatus
from service.i18n import _, format_number, ngettext

BUCKET_WIDTH = 10
BUCKETS = 100 // BUCKET_WIDTH


async def status_counts(session: AsyncSession) -> dict[MatchStatus, int]:
    rows = await session.execute(
        select(Match.status, func.count()).where(Match.excluded.is_(False)).group_by(Match.status)
    )
    counts = dict.fromkeys(MatchStatus, 0)
    for status, count in rows:
        counts[MatchStatus(status)] = int(count)
    return counts


async def flagged_count(session: AsyncSession) -> int:
    count = await session.scalar(
        select(func.count()).select_from(Match).where(Match.excluded.is_(False), Match.needs_review.is_(True))
    )
    return int(count or 0)


async def score_buckets(session: AsyncSession) -> list[int]:
    """Matches per 10-point score bucket: [0, 10), [10, 20), …, [90, 100] (100 is in the last one).

    A CASE rather than FLOOR/CAST: SQLite lacks FLOOR and PostgreSQL's CAST rounds instead of truncating.
    """
    bucket = case(
        *((Match.score < (i + 1) * BUCKET_WIDTH, i) for i in range(BUCKETS - 1)), else_=BUCKETS - 1
    ).label("bucket")
    rows = await session.execute(
        select(bucket, func.count()).where(Match.excluded.is_(False)).group_by(bucket)
    )
    counts = [0] * BUCKETS
    for index, count in rows:
        counts[int(index)] = int(count)
    return counts


@dataclass(frozen=True)
class Bar:
    label: str
    count: int
    x: float
    y: float
    width: float
    height: float

    @property
    def center(self) -> float:
        return self.x + self.width / 2


@dataclass(frozen=True)
class Tick:
    value: int
    y: float


@dataclass(frozen=True)
class Histogram:
    """An SVG-ready bar chart in a `width` × `height` viewBox."""

    width: int
    height: int
    left: int
    bottom: float
    bars: list[Bar]
    ticks: list[Tick]
    total: int

    @property
    def summary(self) -> str:
        """The chart as one sentence, for screen readers (the page also has the data table)."""
        parts = ", ".join(_("%(bucket)s: %(count)s", bucket=b.label, count=b.count) for b in self.bars)
        intro = ngettext(
            "Histogram of %(total)s match score in 10-point buckets.",
            "Histogram of %(total)s match scores in 10-point buckets.",
            self.total,
            total=format_number(self.total),
        )
        return f"{intro} {parts}."


def axis_scale(max_count: int) -> tuple[int, int]:
    """(top, step) of the count axis: about four gridlines at 1, 2 or 5 × 10^k, top just above the max."""
    if max_count <= 0:
        return 1, 1
    raw = max_count / 4
    magnitude = 10 ** math.floor(math.log10(raw)) if raw >= 1 else 1
    step = next(int(m * magnitude) for m in (1, 2, 5, 10) if m * magnitude >= raw)
    return math.ceil(max_count / step) * step, step


def histogram(counts: Sequence[int], *, width: int = 640, height: int = 260) -> Histogram:
    left, right, top, bottom_margin = 44, 8, 14, 34
    plot_width, plot_height = width - left - right, height - top - bottom_margin
    top_value, step = axis_scale(max(counts, default=0))
    slot = plot_width / max(len(counts), 1)
    bottom = top + plot_height
    bars = []
    for i, count in enumerate(counts):
        bar_height = plot_height * count / top_value
        low = i * BUCKET_WIDTH
        high = low + BUCKET_WIDTH
        bars.append(
            Bar(
                label=f"{low}–{high}",
                count=count,
                x=round(left + i * slot + slot * 0.12, 2),
                y=round(bottom - bar_height, 2),
                width=round(slot * 0.76, 2),
                height=round(bar_height, 2),
            )
        )
    ticks = [
        Tick(value=value, y=round(bottom - plot_height * value / top_value, 2))
        for value in range(0, top_value + 1, step)
    ]
    return Histogram(width, height, left, bottom, bars, ticks, sum(counts))

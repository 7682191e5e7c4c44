"""Sorting and counting for list endpoints, so every list pages and sorts the same way."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, TypeVar

from sqlalchemy import Row, ScalarSelect, Select, func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import InstrumentedAttribute

from service.errors import FieldError, InvalidInput
from service.i18n import _
from service.pagination import PageParams
from service.suggestions import closest_ids
from service.validation_texts import Code

RowT = TypeVar("RowT")


def apply_sort(
    query: Select[RowT],
    sort: str,
    allowed: Mapping[str, InstrumentedAttribute[Any]],
    tiebreak: InstrumentedAttribute[Any],
) -> Select[RowT]:
    """`sort=-tjm` sorts descending; unknown keys are a 422 naming the allowed ones."""
    descending = sort.startswith("-")
    key = sort.lstrip("-+")
    column = allowed.get(key)
    if column is None:
        choices = sorted(allowed)
        suggestion = next(iter(closest_ids(key, choices, limit=1)), None)
        reason = _(
            "unknown sort key '%(key)s' (allowed: %(choices)s, '-' prefix for descending)",
            key=key,
            choices=", ".join(choices),
        )
        if suggestion is not None:
            reason = _("%(reason)s; did you mean '%(suggestion)s'?", reason=reason, suggestion=suggestion)
        error = FieldError("query.sort", reason, Code.NOT_ALLOWED, tuple(choices), suggestion)
        raise InvalidInput([error])
    ordered = column.desc() if descending else column.asc()
    return query.order_by(ordered, tiebreak.desc() if descending else tiebreak.asc())


def check_range(low: int | None, high: int | None, name: str = "tjm") -> None:
    """A `<name>_min`/`<name>_max` query pair must not be inverted."""
    if low is not None and high is not None and low > high:
        reason = _("%(name)s_min %(low)s is above %(name)s_max %(high)s", name=name, low=low, high=high)
        raise InvalidInput([FieldError(f"query.{name}_min", reason, Code.INCONSISTENT)])


async def fetch_page(
    session: AsyncSession, query: Select[RowT], page: PageParams
) -> tuple[Sequence[RowT], int]:
    """The page's rows and the total number of rows matching the filters."""
    total = await session.scalar(select(func.count()).select_from(query.order_by(None).subquery()))
    rows = (await session.scalars(query.limit(page.limit).offset(page.offset))).unique().all()
    return rows, int(total or 0)


def count_of(query: Select[Any]) -> ScalarSelect[int]:
    """The number of rows of `query`, to select beside a page of it: one round trip for both.

    Never correlated with the enclosing query, even when both read the same tables.
    """
    return _counting(query).correlate(None).scalar_subquery()


def _counting(query: Select[Any]) -> Select[int]:
    return select(func.count()).select_from(query.order_by(None).subquery())


async def page_total(session: AsyncSession, rows: Sequence[Row[Any]], query: Select[Any]) -> int:
    """The `total` column of a page selected with `count_of(query)`; counted apart past the last page."""
    if rows:
        return int(rows[0].total)
    return int(await session.scalar(_counting(query)) or 0)

"""Offset pagination shared by every list endpoint: the page plus the total, so a client can page on."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Generic, TypeVar

import msgspec
from litestar.params import QueryParameter

T = TypeVar("T")

MAX_LIMIT = 200
#: Bounded so the database never sees an OFFSET beyond its integer range (a 422, not an overflow).
MAX_OFFSET = 2_147_483_647


class Page(msgspec.Struct, Generic[T]):
    items: list[T]
    total: int
    limit: int
    offset: int


@dataclass(frozen=True)
class PageParams:
    limit: int
    offset: int


def provide_page_params(
    limit: Annotated[int, QueryParameter(ge=1, le=MAX_LIMIT, description="page size")] = 20,
    offset: Annotated[int, QueryParameter(ge=0, le=MAX_OFFSET, description="rows to skip")] = 0,
) -> PageParams:
    return PageParams(limit=limit, offset=offset)

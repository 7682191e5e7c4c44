"""Parameter types every controller shares: database ids, If-Match, and the ETag of a response.

Ids are bounded by the database's integer range (PostgreSQL INTEGER), so an out-of-range id is a 422
naming the parameter, never a driver overflow; ASCII digits only is enforced by the input guard.
"""

from __future__ import annotations

from typing import Annotated, Any, Protocol, TypeVar

from litestar import Response
from litestar.datastructures import ResponseHeader
from litestar.params import HeaderParameter, PathParameter, QueryParameter

from service.revisions import etag, parse_if_match

#: Largest id a PostgreSQL INTEGER (and SQLite) primary key holds here.
MAX_ID = 2_147_483_647

PathId = Annotated[int, PathParameter(ge=1, le=MAX_ID, description="id (1 to 2147483647)")]
QueryId = Annotated[int | None, QueryParameter(ge=1, le=MAX_ID, description="id (1 to 2147483647)")]
IfMatch = Annotated[
    str | None,
    HeaderParameter(
        name="If-Match",
        description='the ETag (revision) you read, e.g. "3": the change is refused with 409 if it moved',
        max_length=40,
    ),
]


#: Documents the `ETag` that `with_etag` answers with (the OpenAPI then lists it on the success response).
ETAG_HEADERS = [
    ResponseHeader(
        name="ETag",
        description='the revision of what was read or written, e.g. "3": send it back as If-Match',
        documentation_only=True,
    )
]


def provide_expected_revision(if_match: IfMatch = None) -> int | None:
    """The revision an If-Match header names (None without one); a malformed header is a 422."""
    return parse_if_match(if_match)


class _Revised(Protocol):
    @property
    def revision(self) -> int: ...


R = TypeVar("R", bound=_Revised)


def with_etag(body: R, **kwargs: Any) -> Response[R]:
    """The body with its revision as ETag, to send back as If-Match."""
    return Response(body, headers={"ETag": etag(body.revision)}, **kwargs)

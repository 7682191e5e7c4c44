"""The console's answer to an address it does not have, from inside its router.

Matched last (any fixed route wins over a path parameter), so the session middleware has run and
the error page draws the console's header and navigation for a signed-in operator, as every other
page does; a visitor gets the same page without them.
"""

from __future__ import annotations

from pathlib import PurePath
from typing import Annotated

from litestar import get
from litestar.exceptions import NotFoundException
from litestar.params import PathParameter

from service.auth.actor import ANONYMOUS, roles


@get(
    "/{rest:path}",
    opt=roles(ANONYMOUS),
    include_in_schema=False,
    sync_to_thread=False,
    description="Roles: anyone. Any console address no page has: the console's 404 page.",
)
def unknown_console_page(
    rest: Annotated[PurePath, PathParameter(description="the rest of the address")],
) -> None:
    raise NotFoundException  # drawn by the console's error handlers, in the reader's language

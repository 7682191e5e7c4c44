"""The parameters a route handler (or a provider) may declare, each kind declared here once.

Litestar 3 drops inferred parameters: a dependency must carry the `NamedDependency` marker and a path or
query parameter must say where it comes from. A handler writes `db_session: DbSession`; the parameter's
name is the DI key, provided by `create_app`: `db_session`, `settings`, `actor`, `work_queue`, `page`,
`expected_revision`. The console adds `operator` (service.web.session); list handlers add `filters`,
declared next to them, since each list has its own query parameters.
"""

from __future__ import annotations

from typing import TypeAlias

from litestar.di import NamedDependency
from litestar.params import FromPath
from sqlalchemy.ext.asyncio import AsyncSession

from service.auth.actor import Actor
from service.background.queue import WorkQueue
from service.pagination import PageParams
from service.params import PathId, QueryId
from service.settings import Settings

__all__ = [
    "AppSettings",
    "BackgroundQueue",
    "CurrentActor",
    "DbSession",
    "ExpectedRevision",
    "PageQuery",
    "PathId",
    "PathKey",
    "QueryId",
]

#: The request's session (service.dependencies.provide_db_session).
DbSession: TypeAlias = NamedDependency[AsyncSession]
AppSettings: TypeAlias = NamedDependency[Settings]
#: The caller the API-key guard resolved; routes open to anonymous callers do not ask for it.
CurrentActor: TypeAlias = NamedDependency[Actor]
#: Where services report changes for the workers (service.background.queue).
BackgroundQueue: TypeAlias = NamedDependency[WorkQueue]
#: `limit` and `offset` of a list (service.pagination.provide_page_params).
PageQuery: TypeAlias = NamedDependency[PageParams]
#: The revision the `If-Match` header names, None without one (service.params.provide_expected_revision).
ExpectedRevision: TypeAlias = NamedDependency[int | None]
#: A path segment naming a row by a string id (a rate band, a job).
PathKey: TypeAlias = FromPath[str]

"""Test wiring: every API test runs against SQLite and against a throw-away PostgreSQL database.

The schema is made by the Alembic migrations, as in production. Between tests every table is emptied
and the reference data reloaded, so tests never see each other's rows.
"""

from __future__ import annotations

import gc
import os
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

import models
from service import migrations
from service.app import create_app
from service.background.queue import WorkQueue
from service.db import Database
from service.fixtures_loader import load_reference_data
from service.settings import Settings
from tests.factories import Caller, create_operator, register_company, register_freelancer
from tests.work_queue import RecordingWorkQueue

IN_CI = os.environ.get("CI", "").lower() == "true"
POSTGRES_ADMIN_URL = os.environ.get("TEST_POSTGRES_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/test")
TEST_SECRET = "test-secret-key-0123456789"


def unavailable(what: str, error: BaseException) -> None:
    """Skip locally when a service is down; in CI (CI=true) that is a failure."""
    message = f"{what} unreachable ({type(error).__name__}: {error})"
    if IN_CI:
        pytest.fail(f"{message}; integration tests are mandatory when CI=true", pytrace=False)
    pytest.skip(f"{message}; start it to run these tests (mandatory in CI)")


@dataclass(frozen=True)
class Backend:
    name: str
    settings: Settings


def make_settings(database_url: str, data_dir: Path) -> Settings:
    return Settings(
        environment="test",
        data_dir=data_dir,
        database_url=database_url,
        celery_broker_url=f"sqla+sqlite:///{data_dir / 'broker.db'}",
        celery_result_backend=f"db+sqlite:///{data_dir / 'results.db'}",
        secret_key=TEST_SECRET,
        rate_limit_per_minute=100_000,
        max_body_bytes=64_000,
    )


async def _create_postgres_database() -> str:
    name = f"ctomatch_test_{uuid.uuid4().hex[:12]}"
    admin = create_async_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT")
    try:
        async with admin.connect() as connection:
            await connection.execute(text(f'CREATE DATABASE "{name}"'))
    finally:
        await admin.dispose()
    return POSTGRES_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"


async def _drop_postgres_database(url: str) -> None:
    name = url.rsplit("/", 1)[1]
    admin = create_async_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT")
    try:
        async with admin.connect() as connection:
            await connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    finally:
        await admin.dispose()


@pytest.fixture(scope="session")
def data_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("ctomatch")


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
async def backend(request: pytest.FixtureRequest, data_root: Path) -> AsyncIterator[Backend]:
    """A migrated, empty database of each kind, made once per test session."""
    data_dir = data_root / request.param
    data_dir.mkdir(exist_ok=True)
    if request.param == "sqlite":
        url = f"sqlite+aiosqlite:///{data_dir / 'ctomatch.db'}"
    else:
        try:
            url = await _create_postgres_database()
        except (OSError, Exception) as exc:
            unavailable(f"PostgreSQL at {POSTGRES_ADMIN_URL}", exc)
    settings = make_settings(url, data_dir)
    database = Database(settings)
    await migrations.upgrade(database.engine)
    await database.dispose()
    yield Backend(request.param, settings)
    if request.param == "postgresql":
        await _drop_postgres_database(url)


async def reset_database(database: Database) -> None:
    tables = list(reversed(models.Base.metadata.sorted_tables))
    async with database.engine.begin() as connection:
        if database.settings.is_sqlite:
            for table in tables:
                await connection.execute(table.delete())
        else:
            names = ", ".join(f'"{t.name}"' for t in tables)
            await connection.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
    async with database.session() as session:
        await load_reference_data(session)


@pytest.fixture
async def database(backend: Backend) -> AsyncIterator[Database]:
    """An emptied database holding only the reference data (taxonomy, rate grid)."""
    db = Database(backend.settings)
    await reset_database(db)
    yield db
    await db.dispose()


@pytest.fixture
def work_queue(backend: Backend) -> RecordingWorkQueue:
    """Records what the API enqueues; tests that want matches set `inline = True`."""
    return RecordingWorkQueue(backend.settings)


class CurrentTestQueue(WorkQueue):
    """The app's work queue in the tests: hands each call to the running test's recording queue, so
    one app per backend serves every test of a worker process (building one is most of a test's setup)."""

    def __init__(self) -> None:
        self.target: WorkQueue | None = None

    def _current(self) -> WorkQueue:
        assert self.target is not None, "a test's work queue is set before its requests"
        return self.target

    async def mission_changed(self, mission_id: int) -> None:
        await self._current().mission_changed(mission_id)

    async def profile_changed(self, profile_id: int) -> None:
        await self._current().profile_changed(profile_id)

    async def rescore_all(self, job_id: str) -> None:
        await self._current().rescore_all(job_id)

    async def notifications_pending(self) -> None:
        await self._current().notifications_pending()


#: Per backend, in each worker process: the app every `client` serves, and its work queue. Its lifespan
#: runs per test (each test's client opens and disposes the database pool on the test's event loop).
_APPS: dict[str, tuple[Litestar, CurrentTestQueue]] = {}


@pytest.fixture
async def client(
    backend: Backend, database: Database, work_queue: RecordingWorkQueue
) -> AsyncIterator[AsyncTestClient[object]]:
    """A real HTTP client (httpx) against the real app, on a fresh database."""
    if backend.name not in _APPS:
        queue = CurrentTestQueue()
        _APPS[backend.name] = (create_app(backend.settings, work_queue=queue), queue)
    app, queue = _APPS[backend.name]
    queue.target = work_queue
    try:
        async with AsyncTestClient(app=app) as test_client:
            yield test_client
    finally:
        queue.target = None


@pytest.fixture
async def operator(database: Database, backend: Backend) -> Caller:
    return await create_operator(database, backend.settings.secret_key)


@pytest.fixture
async def freelancer(client: AsyncTestClient[object]) -> Caller:
    return await register_freelancer(client)


@pytest.fixture
async def company(client: AsyncTestClient[object]) -> Caller:
    return await register_company(client)


def pytest_sessionstart(session: pytest.Session) -> None:
    """Fewer, cheaper garbage collections: every API test builds an app (a few hundred thousand
    objects), and a full collection scanning pytest's own long-lived objects each time doubled the
    cost of building it. What exists at start-up is frozen out of the collector."""
    gc.collect()
    gc.freeze()


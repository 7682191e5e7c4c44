"""The rate limit cannot be dodged with forged forwarded headers; a configured proxy's are honoured.

The app is driven the way `ctomatch serve` runs it: uvicorn's `Config` built with the same
`proxy_options(settings)`, whose loaded app (wrapped by uvicorn's proxy-headers middleware when
`FORWARDED_ALLOW_IPS` is set) is called over ASGI with a chosen peer address (SQLite and PostgreSQL).
"""

from __future__ import annotations

import dataclasses
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager

import httpx
import pytest
import uvicorn
from litestar.testing import AsyncTestClient

from service.app import create_app
from service.cli import proxy_options
from service.db import Database
from service.settings import Settings, SettingsError
from tests.conftest import Backend
from tests.work_queue import RecordingWorkQueue

LIMIT = 5
Get = Callable[..., Awaitable[httpx.Response]]


def _limited(backend: Backend, forwarded_allow_ips: list[str] | None = None) -> Settings:
    return dataclasses.replace(
        backend.settings, rate_limit_per_minute=LIMIT, forwarded_allow_ips=forwarded_allow_ips or []
    )


@asynccontextmanager
async def served(settings: Settings, peer: str) -> AsyncIterator[Get]:
    """The app as `ctomatch serve` loads it, reached from the address `peer` (the direct TCP peer)."""
    app = create_app(settings, work_queue=RecordingWorkQueue(settings))
    config = uvicorn.Config(app, log_config=None, lifespan="off", **proxy_options(settings))
    config.load()
    transport = httpx.ASGITransport(app=config.loaded_app, client=(peer, 40000))
    async with app.lifespan(), httpx.AsyncClient(transport=transport, base_url="http://api.test") as client:

        async def get(path: str = "/api/v1/taxonomy", **headers: str) -> httpx.Response:
            return await client.get(path, headers=headers)

        yield get


def _forged(n: int) -> dict[str, str]:
    """A different forged client address in every header a client could write."""
    address = f"198.51.100.{n}"
    return {"X-Forwarded-For": address, "X-Real-IP": address, "Forwarded": f"for={address}"}


async def test_forged_forwarded_headers_do_not_reset_the_budget(backend: Backend, database: Database) -> None:
    """Through the test client (no server in front): the limit keys on the connection's client."""
    settings = _limited(backend)
    app = create_app(settings, work_queue=RecordingWorkQueue(settings))
    async with AsyncTestClient(app=app) as client:
        statuses = [
            (await client.get("/api/v1/taxonomy", headers=_forged(n))).status_code for n in range(LIMIT + 2)
        ]
    assert statuses == [200] * LIMIT + [429, 429]


async def test_served_without_trusted_proxies_a_local_client_cannot_forge_its_address(
    backend: Backend, database: Database
) -> None:
    """The default (no FORWARDED_ALLOW_IPS): forwarded headers are ignored, even from 127.0.0.1."""
    async with served(_limited(backend), peer="127.0.0.1") as get:
        statuses = [(await get(**_forged(n))).status_code for n in range(LIMIT + 2)]
    assert statuses == [200] * LIMIT + [429, 429]


async def test_a_trusted_proxy_gives_each_forwarded_client_its_own_budget(
    backend: Backend, database: Database
) -> None:
    async with served(_limited(backend, ["10.0.0.0/8"]), peer="10.1.2.3") as get:
        # The client forges a first address, the proxy appends the one it saw: that one counts.
        first = [
            (await get(**{"X-Forwarded-For": f"198.51.100.{n}, 203.0.113.7"})).status_code
            for n in range(LIMIT + 1)
        ]
        second = await get(**{"X-Forwarded-For": "203.0.113.8"})
    assert first == [200] * LIMIT + [429]
    assert second.status_code == 200  # another client behind the same proxy: a budget of its own


async def test_an_untrusted_peer_forwarded_headers_are_ignored(backend: Backend, database: Database) -> None:
    async with served(_limited(backend, ["10.0.0.0/8"]), peer="192.0.2.50") as get:
        statuses = [(await get(**_forged(n))).status_code for n in range(LIMIT + 2)]
    assert statuses == [200] * LIMIT + [429, 429]


def test_forwarded_allow_ips_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("FORWARDED_ALLOW_IPS", raising=False)
    assert Settings.from_env().forwarded_allow_ips == []
    assert proxy_options(Settings()) == {"proxy_headers": False}
    monkeypatch.setenv("FORWARDED_ALLOW_IPS", "10.0.0.1, 172.16.0.0/12,::1")
    settings = Settings.from_env()
    assert settings.forwarded_allow_ips == ["10.0.0.1", "172.16.0.0/12", "::1"]
    assert proxy_options(settings) == {
        "proxy_headers": True,
        "forwarded_allow_ips": ["10.0.0.1", "172.16.0.0/12", "::1"],
    }
    monkeypatch.setenv("FORWARDED_ALLOW_IPS", "*")
    with pytest.raises(SettingsError, match="FORWARDED_ALLOW_IPS"):
        Settings.from_env()

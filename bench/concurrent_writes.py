"""Concurrent PATCHes of one profile over real HTTP: what each writer waits for, and that rows stay whole.

Serves the app with uvicorn on 127.0.0.1 (a throw-away SQLite file, or a throw-away database on the
PostgreSQL server given), registers one freelancer, then sends rounds of N PATCHes of that profile at
once, each with its own headline and competence list, first without and then with If-Match. Prints
the status counts, latency percentiles and whether the stored row equals exactly one request's body.
Nothing is left behind. Scoring is not part of it (the enqueue is a no-op): it measures the write path.

    .venv/bin/python bench/concurrent_writes.py [--writers 10] [--rounds 20]
    .venv/bin/python bench/concurrent_writes.py --postgres-url postgresql://postgres@127.0.0.1:5432/test
"""

from __future__ import annotations

import argparse
import asyncio
import secrets
import socket
import statistics
import tempfile
import threading
import time
import uuid
from collections import Counter
from pathlib import Path
from typing import Any

import httpx
import uvicorn
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from service import migrations
from service.app import create_app
from service.background.queue import WorkQueue
from service.db import Database
from service.fixtures_loader import load_reference_data
from service.settings import Settings

COMPETENCES = ["it_security", "leadership", "communication", "project_management", "strategic_vision"]


class _NoScoring(WorkQueue):
    """The write path only: nothing is enqueued."""

    async def mission_changed(self, mission_id: int) -> None: ...
    async def profile_changed(self, profile_id: int) -> None: ...
    async def rescore_all(self, job_id: str) -> None: ...
    async def notifications_pending(self) -> None: ...


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _body(round_no: int, writer: int) -> dict[str, Any]:
    chosen = [c for j, c in enumerate(COMPETENCES) if (writer + j + round_no) % 2 == 0] or COMPETENCES[:1]
    return {
        "headline": f"round {round_no} writer {writer}",
        "competences": [{"id": c, "level": 1 + (writer + k) % 5} for k, c in enumerate(chosen)],
    }


def _state(body: dict[str, Any]) -> tuple[str, tuple[tuple[str, int], ...]]:
    return body["headline"], tuple(sorted((c["id"], c["level"]) for c in body["competences"]))


async def _prepare(database_url: str, data_dir: Path) -> Settings:
    settings = Settings(
        environment="test",
        data_dir=data_dir,
        database_url=database_url,
        secret_key=secrets.token_hex(16),
        rate_limit_per_minute=1_000_000,
    )
    database = Database(settings)
    await migrations.upgrade(database.engine)
    async with database.session() as session:
        await load_reference_data(session)
    await database.dispose()
    return settings


async def _rounds(base_url: str, writers: int, rounds: int, if_match: bool) -> dict[str, Any]:
    latencies: list[float] = []
    codes: Counter[int] = Counter()
    whole = 0
    async with httpx.AsyncClient(base_url=base_url, timeout=60) as http:
        registered = await http.post(
            "/api/v1/freelancers",
            json={
                "email": f"bench-{uuid.uuid4().hex[:8]}@example.test",
                "full_name": "Bench Writer",
                "headline": "CTO",
                "years_experience": 12,
                "tjm": 700,
                "available_from": "2027-01-04",
                "days_per_week": 4,
                "remote_preference": "hybrid",
                "orientation": "cto",
            },
        )
        registered.raise_for_status()
        profile_id = registered.json()["profile"]["id"]
        headers = {"X-API-Key": registered.json()["api_key"]}
        path = f"/api/v1/freelancers/{profile_id}"

        async def patch(body: dict[str, Any], extra: dict[str, str]) -> httpx.Response:
            started = time.perf_counter()
            response = await http.patch(path, json=body, headers={**headers, **extra})
            latencies.append(time.perf_counter() - started)
            return response

        for round_no in range(rounds):
            extra = {"If-Match": (await http.get(path, headers=headers)).headers["etag"]} if if_match else {}
            bodies = [_body(round_no, w) for w in range(writers)]
            responses = await asyncio.gather(*(patch(b, extra) for b in bodies))
            codes.update(r.status_code for r in responses)
            stored = (await http.get(path, headers=headers)).json()
            whole += _state(stored) in {_state(b) for b in bodies}
    ordered = sorted(latencies)
    return {
        "codes": dict(sorted(codes.items())),
        "whole": whole,
        "p50": statistics.median(ordered) * 1000,
        "p95": ordered[int(0.95 * (len(ordered) - 1))] * 1000,
        "max": ordered[-1] * 1000,
    }


def _serve(settings: Settings, port: int) -> tuple[uvicorn.Server, threading.Thread]:
    app = create_app(settings, work_queue=_NoScoring())
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if time.monotonic() > deadline:
            raise SystemExit("the server did not start within 30 s")
        time.sleep(0.05)
    return server, thread


async def _postgres_database(admin_url: str) -> str:
    name = f"ctomatch_bench_{uuid.uuid4().hex[:10]}"
    admin = create_async_engine(admin_url, isolation_level="AUTOCOMMIT")
    async with admin.connect() as connection:
        await connection.execute(text(f'CREATE DATABASE "{name}"'))
    await admin.dispose()
    return admin_url.rsplit("/", 1)[0] + f"/{name}"


async def _drop_postgres(admin_url: str, url: str) -> None:
    admin = create_async_engine(admin_url, isolation_level="AUTOCOMMIT")
    async with admin.connect() as connection:
        await connection.execute(text(f'DROP DATABASE IF EXISTS "{url.rsplit("/", 1)[1]}" WITH (FORCE)'))
    await admin.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--writers", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--postgres-url", help="admin URL; a throw-away database is created and dropped")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="ctomatch-bench-") as tmp:
        data_dir = Path(tmp)
        if args.postgres_url:
            admin = args.postgres_url.replace("postgresql://", "postgresql+asyncpg://", 1)
            url = asyncio.run(_postgres_database(admin))
        else:
            url = f"sqlite+aiosqlite:///{data_dir / 'bench.db'}"
        try:
            settings = asyncio.run(_prepare(url, data_dir))
            server, thread = _serve(settings, _free_port())
            base = f"http://127.0.0.1:{server.config.port}"
            backend = "PostgreSQL" if args.postgres_url else "SQLite"
            print(f"{backend}: {args.rounds} rounds of {args.writers} concurrent PATCHes of one profile")
            for if_match in (False, True):
                figures = asyncio.run(_rounds(base, args.writers, args.rounds, if_match))
                label = "with If-Match   " if if_match else "last writer wins"
                print(
                    f"  {label}: status {figures['codes']}, stored row = one request's body in "
                    f"{figures['whole']}/{args.rounds} rounds, latency p50 {figures['p50']:.1f} ms, "
                    f"p95 {figures['p95']:.1f} ms, max {figures['max']:.1f} ms"
                )
            server.should_exit = True
            thread.join(timeout=10)
        finally:
            if args.postgres_url:
                asyncio.run(_drop_postgres(admin, url))


if __name__ == "__main__":
    main()

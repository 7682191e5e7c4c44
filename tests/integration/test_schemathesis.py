"""The OpenAPI schema matches the API: schemathesis generates requests from `/docs/openapi.json` and
sends them to the real app (uvicorn on 127.0.0.1, PostgreSQL holding the reference and demo data, every
mission scored, a few matches proposed and one accepted), once with each role's key.

Each role must get at least MIN_REQUESTS requests answered, and the run fails on any 5xx, status code
or content type the schema does not document for that operation, response body that does not match
its schema, or documented response header that is wrong. The seed is fixed and the hypothesis example
database is off, so a run generates the same inputs each time; `MAX_EXAMPLES` and one worker bound the
time (about a minute per role on two cores).

Issuing a new API key revokes the caller's, so the operator's run leaves that operation out and a last
short run tests it alone (companies and freelancers are refused it, so their runs keep it).
"""

from __future__ import annotations

import asyncio
import dataclasses
import json
import os
import socket
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn

from service.app import create_app
from service.background.queue import WorkQueue
from tests.conftest import (
    POSTGRES_ADMIN_URL,
    _create_postgres_database,
    _drop_postgres_database,
    make_settings,
    unavailable,
)
from tests.factories import load_scored_demo

pytestmark = pytest.mark.integration

ROLES = ("freelancer", "company", "operator")  # the operator last: it can revoke the others' keys
MIN_REQUESTS = 1000
MAX_EXAMPLES = 5
SEED = 20261201
RUN_TIMEOUT_SECONDS = 240
CHECKS = (
    "not_a_server_error",
    "status_code_conformance",
    "content_type_conformance",
    "response_schema_conformance",
    "response_headers_conformance",
)
#: Operations that can end the caller's own credentials (replace or revoke its key, erase its account):
#: fuzzed alone, after the rest, so they cannot turn the main run into a run of 401s.
KEY_ROTATION = r"/api-keys?(/|$)|/erase$"


class _DiscardingQueue(WorkQueue):
    """No worker in this test: what would be queued is only late (the stale sweep rescores it)."""

    async def mission_changed(self, mission_id: int) -> None:
        return None

    async def profile_changed(self, profile_id: int) -> None:
        return None

    async def rescore_all(self, job_id: str) -> None:
        return None

    async def notifications_pending(self) -> None:
        return None


@dataclass(frozen=True)
class Api:
    base_url: str
    keys: dict[str, str]


@dataclass(frozen=True)
class RunResult:
    role: str
    requests: int
    statuses: Counter[int]
    failures: dict[str, int]
    errors: int
    exit_code: int
    output: str

    @property
    def server_errors(self) -> int:
        return sum(n for status, n in self.statuses.items() if status >= 500)

    def line(self) -> str:
        failures = ", ".join(f"{code} {n}" for code, n in sorted(self.failures.items())) or "none"
        return (
            f"{self.role}: {self.requests} requests, {self.server_errors} × 5xx, failures: {failures}, "
            f"errors: {self.errors}, statuses {dict(sorted(self.statuses.items()))}"
        )


def _decide(client: httpx.Client, key: str, match: dict[str, Any], *actions: str) -> dict[str, Any]:
    version = match["version"]
    for action in actions:
        response = client.post(
            f"/api/v1/matches/{match['id']}/decisions",
            json={"action": action, "version": version},
            headers={"X-API-Key": key},
        )
        assert response.status_code == 200, response.text
        version = response.json()["version"]
    body: dict[str, Any] = response.json()["match"]
    return body


def _propose_matches(base_url: str, keys: dict[str, str]) -> None:
    """Through the API: two proposals to the demo company (one it accepts), one to the demo freelancer."""
    operator = {"X-API-Key": keys["operator"]}
    with httpx.Client(base_url=base_url, timeout=30) as client:
        me = {role: client.get("/api/v1/me", headers={"X-API-Key": keys[role]}).json() for role in keys}
        missions = client.get(
            "/api/v1/missions", params={"company_id": me["company"]["company_id"]}, headers=operator
        ).json()["items"]
        candidates = [
            match
            for mission in missions
            for match in client.get(
                f"/api/v1/missions/{mission['id']}/matches", params={"limit": 2}, headers=operator
            ).json()["items"]
        ]
        assert len(candidates) >= 2, "the demo company's missions should have matches"
        accepted = _decide(client, keys["operator"], candidates[0], "approve", "propose")
        _decide(client, keys["company"], accepted, "accept")
        _decide(client, keys["operator"], candidates[1], "approve", "propose")
        own = client.get(
            f"/api/v1/freelancers/{me['freelancer']['freelancer_id']}/matches",
            params={"limit": 5},
            headers=operator,
        ).json()["items"]
        pending = [m for m in own if m["status"] == "pending"]
        if pending:
            _decide(client, keys["operator"], pending[0], "approve", "propose")


@pytest.fixture(scope="module")
def api(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Api]:
    """The real app on a free port of 127.0.0.1, on a throw-away PostgreSQL database."""
    data_dir = tmp_path_factory.mktemp("schemathesis")
    with ThreadPoolExecutor(max_workers=1) as pool:
        try:
            url = pool.submit(asyncio.run, _create_postgres_database()).result()
        except Exception as exc:
            unavailable(f"PostgreSQL at {POSTGRES_ADMIN_URL}", exc)
        try:
            # WARNING: ten thousand access lines would only slow the server down; errors still show.
            settings = dataclasses.replace(make_settings(url, data_dir), log_level="WARNING")
            keys = pool.submit(asyncio.run, load_scored_demo(settings)).result()
            app = create_app(settings, work_queue=_DiscardingQueue())
            sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            sock.bind(("127.0.0.1", 0))
            port = sock.getsockname()[1]
            server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="on", access_log=False))
            thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
            thread.start()
            try:
                deadline = time.monotonic() + 30
                while not server.started:
                    if not thread.is_alive() or time.monotonic() > deadline:
                        pytest.fail("the API server did not start", pytrace=False)
                    time.sleep(0.05)
                base_url = f"http://127.0.0.1:{port}"
                _propose_matches(base_url, keys)
                yield Api(base_url, keys)
            finally:
                server.should_exit = True
                thread.join(timeout=15)
                sock.close()
        finally:
            pool.submit(asyncio.run, _drop_postgres_database(url)).result()


def _run_schemathesis(api: Api, role: str, reports: Path, *selection: str) -> RunResult:
    """`schemathesis run` with the role's key; the HAR report gives every request and its status."""
    reports.mkdir(parents=True, exist_ok=True)
    har, report = reports / "requests.har", reports / "report.json"
    command = [
        sys.executable,
        "-m",
        "schemathesis.cli",
        "run",
        f"{api.base_url}/docs/openapi.json",
        "--header",
        f"X-API-Key: {api.keys[role]}",
        "--checks",
        ",".join(CHECKS),
        "--max-examples",
        str(MAX_EXAMPLES),
        "--seed",
        str(SEED),
        "--generation-database",
        "none",
        "--workers",
        "1",
        "--request-timeout",
        "10",
        "--no-color",
        "--report",
        "har,json",
        "--report-har-path",
        str(har),
        "--report-json-path",
        str(report),
        *selection,
    ]
    # cwd outside the project: no schemathesis.toml is picked up; no proxy between it and 127.0.0.1.
    env = {k: v for k, v in os.environ.items() if not k.lower().endswith("_proxy")}
    done = subprocess.run(
        command, cwd=reports, env=env, capture_output=True, text=True, timeout=RUN_TIMEOUT_SECONDS
    )
    output = done.stdout + done.stderr
    assert har.exists() and report.exists(), f"schemathesis wrote no report:\n{output[-6000:]}"
    entries = json.loads(har.read_text(encoding="utf-8"))["log"]["entries"]
    summary = json.loads(report.read_text(encoding="utf-8"))
    return RunResult(
        role=role,
        requests=len(entries),
        statuses=Counter(int(entry["response"]["status"]) for entry in entries),
        failures={failure["code"]: int(failure["count"]) for failure in summary["failures"]},
        errors=len(summary["errors"]) + int(summary["test_cases"]["errored"]),
        exit_code=done.returncode,
        output=output,
    )


def _assert_clean(result: RunResult) -> None:
    print(result.line())
    problems = result.server_errors or result.failures or result.errors or result.exit_code
    assert not problems, f"{result.line()}\n\n{result.output[-12000:]}"


@pytest.mark.timeout(RUN_TIMEOUT_SECONDS * 2 + 60)
@pytest.mark.parametrize("role", ROLES)
def test_generated_requests_get_documented_answers(api: Api, role: str, tmp_path: Path) -> None:
    result = _run_schemathesis(api, role, tmp_path / role, "--exclude-path-regex", KEY_ROTATION)
    assert result.requests >= MIN_REQUESTS, result.line()
    _assert_clean(result)
    _assert_clean(_run_rotation(api, role, tmp_path))


def _run_rotation(api: Api, role: str, tmp_path: Path) -> RunResult:
    result = _run_schemathesis(api, role, tmp_path / "rotation", "--include-path-regex", KEY_ROTATION)
    return dataclasses.replace(result, role=f"{role} (own key and account operations alone)")

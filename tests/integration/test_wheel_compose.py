"""The docker-compose stack, run from a wheel: what the image installs is enough to serve and score.

No Docker engine here, so the image is reproduced step by step: the files the Dockerfile COPYs are
built into a wheel, the wheel is installed (with its dependencies, under constraints.txt) into a fresh
venv that cannot see this checkout, and the `command`s docker-compose.yml gives the api, worker and
beat services run from a directory of their own, with the compose environment. Only what points at
other machines or at this machine's shared folders is changed: the PostgreSQL and Redis URLs (a
scratch database, a private redis-server), the API host and port, and paths under /tmp/ (moved under
the test's own folder). The commands are read from the file, so a change there is tested as is.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shlex
import shutil
import signal
import subprocess
import sys
import time
import zipfile
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest
import yaml

from tests.conftest import TEST_SECRET, _create_postgres_database, _drop_postgres_database, unavailable
from tests.factories import company_payload, freelancer_payload, mission_payload
from tests.processes import RedisServer, free_port

pytestmark = pytest.mark.integration

REPO = Path(__file__).resolve().parents[2]
DATA_SUFFIXES = (".json", ".csv", ".toml")


def _run(command: list[str], what: str, **kwargs: Any) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(command, capture_output=True, text=True, check=False, timeout=240, **kwargs)
    assert result.returncode == 0, f"{what} failed ({result.returncode}):\n{result.stdout}\n{result.stderr}"
    return result


def copy_build_context(destination: Path) -> None:
    """Copy what the Dockerfile's COPY lines copy: the wheel is built from that and nothing more."""
    for line in (REPO / "Dockerfile").read_text().splitlines():
        words = [w for w in line.split() if not w.startswith("--")]
        if not words or words[0] != "COPY":
            continue
        *sources, target = words[1:]
        for source in sources:
            origin = REPO / source
            place = destination / target / origin.name if target.endswith("/") else destination / target
            if origin.is_dir():
                shutil.copytree(origin, place, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
            else:
                place.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(origin, place)


def build_wheel(context: Path, wheelhouse: Path) -> Path:
    _run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", str(wheelhouse), str(context)],
        "pip wheel",
    )
    (wheel,) = wheelhouse.glob("ctomatch-*.whl")
    return wheel


def install_in_fresh_venv(wheel: Path, constraints: Path, venv: Path) -> None:
    """A venv of the base interpreter (no site-packages of this one, no editable checkout), the wheel
    and its declared dependencies installed by pip as the Dockerfile does. Not byte-compiled: the
    processes compile what they import, which is faster than compiling every installed module."""
    _run([sys.executable, "-m", "venv", "--without-pip", str(venv)], "python -m venv")
    pip = [sys.executable, "-m", "pip", "--python", str(venv / "bin" / "python"), "install", "--quiet"]
    _run([*pip, "--no-compile", "-c", str(constraints), str(wheel)], "pip install of the wheel")


@pytest.fixture
async def scratch_database_url() -> AsyncIterator[str]:
    try:
        url = await _create_postgres_database()
    except Exception as exc:
        unavailable("PostgreSQL", exc)
    yield url
    await _drop_postgres_database(url)


@pytest.fixture
def private_redis(tmp_path: Path) -> Iterator[RedisServer]:
    """A redis-server of this test's own: the compose databases /0 and /1 keep their numbers."""
    server = RedisServer(tmp_path)
    server.start()
    yield server
    server.stop()


@pytest.fixture
def installed_venv(tmp_path: Path) -> Iterator[Path]:
    """The wheel of the checkout installed in a fresh venv (removed afterwards: it weighs ~400 MB)."""
    context, wheelhouse, venv = tmp_path / "context", tmp_path / "wheelhouse", tmp_path / "venv"
    copy_build_context(context)
    wheel = build_wheel(context, wheelhouse)
    with zipfile.ZipFile(wheel) as archive:
        shipped = set(archive.namelist())
    data = {
        p.relative_to(REPO).as_posix() for p in (REPO / "fixtures").rglob("*") if p.suffix in DATA_SUFFIXES
    }
    assert data and data <= shipped, f"data files missing from the wheel: {sorted(data - shipped)}"
    install_in_fresh_venv(wheel, context / "constraints.txt", venv)
    yield venv
    shutil.rmtree(venv, ignore_errors=True)


def _under_own_tmp(value: str, scratch: Path) -> str:
    """Paths under /tmp/ (a word of their own, or after `=`) moved under the test's folder."""
    return re.sub(r"(?<![^\s=])/tmp/", f"{scratch}/", value)


def _on_host(url: str, netloc: str) -> str:
    return urlsplit(url)._replace(netloc=netloc).geturl()


def _programs(command: list[str]) -> list[str]:
    """The executables a command runs: its first word, or each step of an `sh -c "a && b"`."""
    if command[:2] == ["sh", "-c"]:
        steps = [shlex.split(step) for step in re.split(r"&&|;|\|\|", command[2]) if step.strip()]
        return [words[1] if words[0] == "exec" else words[0] for words in steps]
    return [command[0]]


class ComposeService:
    """One service's `command`, in a process group of its own, logging to a file."""

    def __init__(self, name: str, command: list[str], env: dict[str, str], cwd: Path, logs: Path) -> None:
        self.name = name
        self.log_path = logs / f"{name}.log"
        self.log = self.log_path.open("w")
        self.process = subprocess.Popen(
            command, cwd=cwd, env=env, stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True
        )

    def tail(self) -> str:
        self.log.flush()
        return self.log_path.read_text()[-3000:]

    def check_alive(self) -> None:
        if self.process.poll() is not None:
            pytest.fail(f"{self.name} exited with {self.process.returncode}:\n{self.tail()}")

    def members(self) -> list[int]:
        """Live (non-zombie) processes of the group: the command and whatever it started."""
        pids = []
        for stat in Path("/proc").glob("[0-9]*/stat"):
            with contextlib.suppress(OSError, ValueError):
                state, _parent, group = stat.read_text().rsplit(")", 1)[1].split()[:3]
                if int(group) == self.process.pid and state != "Z":
                    pids.append(int(stat.parent.name))
        return pids

    def _wait_group(self, seconds: float) -> bool:
        deadline = time.monotonic() + seconds
        while self.members() and time.monotonic() < deadline:
            time.sleep(0.1)
        return not self.members()

    def stop(self) -> None:
        """SIGTERM to the command (a warm shutdown), then to what it left (the `sh -c` of the api does
        not pass signals on), SIGKILL as a last resort."""
        with contextlib.suppress(ProcessLookupError):
            self.process.terminate()
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.process.wait(timeout=20)
        for sig, seconds in ((signal.SIGTERM, 10.0), (signal.SIGKILL, 5.0)):
            if self._wait_group(0.5):
                break
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, sig)
            self._wait_group(seconds)
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.process.wait(timeout=5)
        self.log.close()


def _eventually(check: Callable[[], Any], within: float, what: str, alive: list[ComposeService]) -> Any:
    deadline = time.monotonic() + within
    while True:
        with contextlib.suppress(httpx.TransportError):
            value = check()
            if value:
                return value
        for service in alive:
            service.check_alive()
        if time.monotonic() > deadline:
            logs = "\n".join(f"--- {service.name}:\n{service.tail()}" for service in alive)
            pytest.fail(f"timed out after {within}s waiting for {what}\n{logs}")
        time.sleep(0.3)


class ComposeStack:
    """docker-compose.yml's app services, run from the installed venv in a directory of their own.

    The environment is the service's own; only the machines (PostgreSQL, Redis, the API's address)
    and the paths under /tmp/ are this test's.
    """

    def __init__(self, venv: Path, scratch: Path, database_url: str, redis_url: str) -> None:
        self.compose: dict[str, Any] = yaml.safe_load((REPO / "docker-compose.yml").read_text())
        self.venv, self.scratch = venv, scratch
        self.workdir = scratch / "run"
        self.workdir.mkdir()
        self.port = free_port()
        self.path = f"{venv / 'bin'}{os.pathsep}{os.defpath}"  # no other venv's executables
        self.base_env = {"PATH": self.path, "HOME": str(self.workdir), "LANG": "C.UTF-8"}
        self.base_env["PYTHONUNBUFFERED"] = "1"  # as in the image
        self.database_url, self.redis_host = database_url, urlsplit(redis_url).netloc
        self.services: list[ComposeService] = []

    def env(self, name: str) -> dict[str, str]:
        env = {key: str(value) for key, value in self.compose["services"][name]["environment"].items()}
        assert env["CTOMATCH_ENV"] == "production"
        env.update(
            DATABASE_URL=self.database_url,
            CELERY_BROKER_URL=_on_host(env["CELERY_BROKER_URL"], self.redis_host),
            CELERY_RESULT_BACKEND=_on_host(env["CELERY_RESULT_BACKEND"], self.redis_host),
            CTOMATCH_DATA_DIR=_under_own_tmp(env["CTOMATCH_DATA_DIR"], self.scratch),
            API_HOST="127.0.0.1",
            API_PORT=str(self.port),
            SECRET_KEY=TEST_SECRET,
        )
        return {**self.base_env, **env}

    def command(self, name: str) -> list[str]:
        """The service's `command`, with /tmp/ paths moved; its programs must come from the venv."""
        command = self.compose["services"][name]["command"]
        words = shlex.split(command) if isinstance(command, str) else [str(w) for w in command]
        words = [_under_own_tmp(word, self.scratch) for word in words]
        for program in _programs(words):
            if program != "sh":
                found = shutil.which(program, path=self.path)
                assert found and Path(found).parent == self.venv / "bin", (name, program, found)
        return words

    def start(self, name: str) -> ComposeService:
        service = ComposeService(name, self.command(name), self.env(name), self.workdir, self.scratch)
        self.services.append(service)
        return service

    def run(self, *command: str) -> subprocess.CompletedProcess[str]:
        """A one-off command in the api service's environment (`docker compose exec api ...`)."""
        return _run(list(command), " ".join(command), cwd=self.workdir, env=self.env("api"))

    def stop(self) -> dict[str, list[int]]:
        """Stop every service; what is still alive afterwards, by service."""
        for service in reversed(self.services):
            service.stop()
        return {s.name: s.members() for s in self.services if s.members()}


def _imported_from(stack: ComposeStack) -> tuple[list[str], list[str]]:
    """Where the venv's python, in the services' directory, finds `service` and `fixtures`; its path."""
    probe = (
        "import fixtures, json, service, sys;"
        " print(json.dumps([[service.__file__, fixtures.__file__], sys.path]))"
    )
    result = _run(["python", "-c", probe], "import probe", cwd=stack.workdir, env=stack.base_env)
    files, sys_path = json.loads(result.stdout)
    return files, sys_path


def test_compose_commands_serve_and_score_from_the_installed_wheel(
    scratch_database_url: str, private_redis: RedisServer, installed_venv: Path, tmp_path: Path
) -> None:
    stack = ComposeStack(installed_venv, tmp_path, scratch_database_url, private_redis.url)
    files, sys_path = _imported_from(stack)
    site_packages = installed_venv / "lib" / f"python{sys.version_info.major}.{sys.version_info.minor}"
    assert all(Path(f).is_relative_to(site_packages / "site-packages") for f in files), files
    assert not [p for p in sys_path if p and Path(p).resolve().is_relative_to(REPO)], sys_path
    try:
        with httpx.Client(base_url=f"http://127.0.0.1:{stack.port}", timeout=10) as http:
            api = stack.start("api")  # migrate && load-fixtures && serve
            _eventually(lambda: http.get("/health").status_code == 200, 120, "GET /health 200", [api])
            stack.start("worker")  # compose starts them once the api is healthy
            stack.start("beat")

            freelancer = http.post("/api/v1/freelancers", json=freelancer_payload())
            assert freelancer.status_code == 201, freelancer.text
            company = http.post("/api/v1/companies", json=company_payload())
            assert company.status_code == 201, company.text
            company_key = {"X-API-Key": company.json()["api_key"]}
            mission = http.post("/api/v1/missions", json=mission_payload(), headers=company_key)
            assert mission.status_code == 201, mission.text
            # A company sees only the candidates an operator proposed; an operator sees every match.
            created = stack.run("ctomatch", "create-operator", "--email", "ops@ctomatch.test")
            operator_key = {"X-API-Key": created.stdout.strip().rsplit(" ", 1)[-1]}

            def scored() -> list[dict[str, Any]]:
                response = http.get(f"/api/v1/missions/{mission.json()['id']}/matches", headers=operator_key)
                assert response.status_code == 200, response.text
                items: list[dict[str, Any]] = response.json()["items"]
                return items

            matches = _eventually(scored, 90, "the worker to score the mission", stack.services)
            assert matches[0]["freelancer_id"] == freelancer.json()["profile"]["id"], matches[0]

            grid = http.get("/api/v1/rate-grid")
            assert grid.status_code == 200, grid.text
            shipped = json.loads((REPO / "fixtures" / "rate_grid.json").read_text(encoding="utf-8"))
            assert grid.json()["salaried_reference"] == shipped["salaried_reference"]
            assert len(grid.json()["bands"]) == len(shipped["bands"])
            for service in stack.services:
                service.check_alive()
    finally:
        survivors = stack.stop()
    assert not survivors, f"processes left running: {survivors}"

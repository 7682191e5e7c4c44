"""`ctomatch demo` (what `make run` runs) leaves nothing running once it stops: its Celery worker, the
worker's pool processes and its embedded beat all go, whether the demo gets SIGTERM (a service manager,
`docker stop`), SIGINT (Ctrl+C) or its API server cannot start.

Runs on the embedded SQLite default, so it needs no service; each case starts a real demo process.
"""

from __future__ import annotations

import contextlib
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.processes import REPO, free_port

pytestmark = pytest.mark.integration

#: The demo boots (migrate, demo data, worker) within this; a slow CI machine gets the same bound.
BOOT_SECONDS = 90
#: SIGTERM or Ctrl+C to the demo: stopped, with its worker, within this.
STOP_SECONDS = 25
#: A process whose parent is gone is reaped by init: allow it this long to disappear.
GRACE_SECONDS = 3


def _stat(pid: int) -> tuple[str, int, int] | None:
    """(state, parent pid, process group) of a live process, None if it is gone."""
    try:
        raw = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = raw[raw.rindex(")") + 2 :].split()  # the command name may hold spaces and parentheses
    return fields[0], int(fields[1]), int(fields[2])


def _alive(pid: int) -> bool:
    stat = _stat(pid)
    return stat is not None and stat[0] not in {"Z", "X"}  # a zombie has already exited


def _all_processes() -> dict[int, tuple[str, int, int]]:
    table = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit() and (stat := _stat(int(entry.name))) is not None:
            table[int(entry.name)] = stat
    return table


def _descendants(root: int) -> set[int]:
    table = _all_processes()
    found: set[int] = set()
    frontier = {root}
    while frontier:
        frontier = {pid for pid, (_, ppid, _) in table.items() if ppid in frontier} - found
        found |= frontier
    return found


def _in_group(group: int) -> set[int]:
    return {pid for pid, (state, _, pgid) in _all_processes().items() if pgid == group and state != "Z"}


def _demo_env(tmp_path: Path, port: int) -> dict[str, str]:
    """The embedded default under a fresh data dir: no URL or mode from the caller's environment."""
    env = {**os.environ, "CTOMATCH_DATA_DIR": str(tmp_path / "data"), "API_PORT": str(port)}
    for name in ("DATABASE_URL", "CELERY_BROKER_URL", "CELERY_RESULT_BACKEND", "CTOMATCH_ENV"):
        env.pop(name, None)
    env["PYTHONPATH"] = str(REPO)
    return env


@contextlib.contextmanager
def running_demo(tmp_path: Path, port: int) -> Iterator[tuple[subprocess.Popen[bytes], Path]]:
    """`ctomatch demo`, logging to a file; whatever it leaves behind is SIGKILLed after the test."""
    log_path = tmp_path / "demo.log"
    seen: set[int] = set()
    with log_path.open("wb") as log:
        demo = subprocess.Popen(
            [sys.executable, "-m", "service.cli", "demo"],
            cwd=tmp_path,
            env=_demo_env(tmp_path, port),
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            yield demo, log_path
        finally:
            seen |= _descendants(demo.pid)
            with contextlib.suppress(ProcessLookupError):
                os.killpg(demo.pid, signal.SIGKILL)
            for pid in seen:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGKILL)
            demo.wait(timeout=10)


def _log_tail(log_path: Path) -> str:
    return log_path.read_text(errors="replace")[-3000:]


def _worker_pid(log_path: Path) -> int | None:
    """The pid the demo prints once it has started its worker."""
    found = re.search(r"a celery worker \(pid (\d+)\)", log_path.read_text(errors="replace"))
    return int(found.group(1)) if found else None


def _wait_until_serving(demo: subprocess.Popen[bytes], port: int, log_path: Path) -> None:
    deadline = time.monotonic() + BOOT_SECONDS
    while True:
        assert demo.poll() is None, f"the demo exited with {demo.returncode}:\n{_log_tail(log_path)}"
        with (
            contextlib.suppress(urllib.error.URLError, OSError),
            urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=2) as response,
        ):
            if response.status == 200:
                return
        assert time.monotonic() < deadline, f"no /health after {BOOT_SECONDS}s:\n{_log_tail(log_path)}"
        time.sleep(0.2)


def _wait_for_pool(demo: subprocess.Popen[bytes], log_path: Path) -> set[int]:
    """The demo's descendants once its worker has forked its pool (the worker's own children)."""
    deadline = time.monotonic() + BOOT_SECONDS
    while True:
        worker = _worker_pid(log_path)
        if worker is not None and _descendants(worker):
            return _descendants(demo.pid)
        assert demo.poll() is None, f"the demo exited with {demo.returncode}:\n{_log_tail(log_path)}"
        assert time.monotonic() < deadline, f"no worker pool after {BOOT_SECONDS}s:\n{_log_tail(log_path)}"
        time.sleep(0.2)


def _assert_all_gone(pids: set[int], log_path: Path) -> None:
    deadline = time.monotonic() + GRACE_SECONDS
    while (survivors := {pid for pid in pids if _alive(pid)}) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not survivors, f"still running after the demo stopped: {sorted(survivors)}\n{_log_tail(log_path)}"


@pytest.mark.parametrize("stop_signal", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_a_stopped_demo_leaves_no_process_behind(tmp_path: Path, stop_signal: signal.Signals) -> None:
    port = free_port()
    with running_demo(tmp_path, port) as (demo, log_path):
        _wait_until_serving(demo, port, log_path)
        family = _wait_for_pool(demo, log_path)
        worker = _worker_pid(log_path)
        assert worker in family and len(family) >= 2, family  # the worker and at least one pool process

        stopped_at = time.monotonic()
        demo.send_signal(stop_signal)
        try:
            demo.wait(timeout=STOP_SECONDS)
        except subprocess.TimeoutExpired:
            pytest.fail(f"still running {STOP_SECONDS}s after {stop_signal.name}:\n{_log_tail(log_path)}")
        took = time.monotonic() - stopped_at

        # It died of the signal it was sent (what a shell or a service manager expects), after cleaning up.
        assert demo.returncode == -stop_signal, _log_tail(log_path)
        _assert_all_gone(family | _in_group(worker or 0), log_path)
        assert took < STOP_SECONDS


def test_a_demo_whose_api_cannot_start_stops_its_worker(tmp_path: Path) -> None:
    """The API port is taken: the server exits at once, and the worker started before it goes too."""
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = int(taken.getsockname()[1])
        with running_demo(tmp_path, port) as (demo, log_path):
            try:
                demo.wait(timeout=BOOT_SECONDS)
            except subprocess.TimeoutExpired:
                pytest.fail(f"the demo still runs with its port taken:\n{_log_tail(log_path)}")
            worker = _worker_pid(log_path)
            assert worker is not None, _log_tail(log_path)
            assert demo.returncode != 0
            _assert_all_gone({worker} | _in_group(worker), log_path)

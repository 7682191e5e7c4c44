"""Processes the integration tests start for real: `ctomatch worker`, the `ctomatch` CLI, and a
private `redis-server`.

Each worker runs in a process group of its own, so stopping (or SIGKILLing) it takes its pool
processes and beat along; every test stops what it started.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import redis

from service.cli import worker_command
from service.settings import Settings
from tests.conftest import unavailable

REPO = Path(__file__).resolve().parents[1]


class WorkerProcess:
    """The Celery worker `ctomatch worker` runs (docker-compose's worker service too), as its own process
    (`service.cli.worker_command`: the same arguments, the app built from `env`), logging to a file."""

    def __init__(
        self,
        settings: Settings,
        env: dict[str, str],
        log_path: Path,
        *,
        beat: bool,
        concurrency: int = 2,
    ) -> None:
        self.log_path = log_path
        self.log = log_path.open("w")
        base = worker_command(settings, beat=beat, concurrency=concurrency)
        self.process = subprocess.Popen(
            [*base, "--without-gossip", "--without-mingle"],
            cwd=REPO,
            env=env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def check_alive(self) -> None:
        """Fail (in CI) or skip with the log's tail when the worker died on its own."""
        if self.process.poll() is not None:
            self.log.flush()
            tail = self.log_path.read_text()[-2000:]
            unavailable("celery worker", RuntimeError(f"exited with {self.process.returncode}:\n{tail}"))

    def kill(self) -> None:
        """SIGKILL the whole group (main process, pool processes, beat): a machine that died."""
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self) -> None:
        """A warm shutdown, as a service manager does it: SIGTERM to the main process, which stops its
        pool and beat (SIGTERM to the whole group at once hangs an embedded beat for 20 s)."""
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.kill()
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)  # whatever outlived the main process
        self.log.close()


def run_cli(
    data_dir: Path, *args: str, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """`ctomatch ARGS` on the embedded default under `data_dir` (no URL from the caller's environment)."""
    full_env = {**os.environ, "CTOMATCH_DATA_DIR": str(data_dir)}
    for name in ("DATABASE_URL", "CELERY_BROKER_URL", "CELERY_RESULT_BACKEND", "CTOMATCH_ENV"):
        full_env.pop(name, None)
    full_env.update(env or {})
    return subprocess.run(
        [sys.executable, "-m", "service.cli", *args],
        env=full_env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class RedisServer:
    """A redis-server of the test's own that keeps nothing on disk (`--save "" --appendonly no`):
    killed and started again on the same port, it comes back empty, every queued message gone."""

    def __init__(self, log_dir: Path) -> None:
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.dir = log_dir
        self.log_path = log_dir / f"redis-{self.port}.log"
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        binary = shutil.which("redis-server")
        if binary is None:
            unavailable("redis-server", FileNotFoundError("redis-server is not on PATH"))
        assert binary is not None
        command = [binary, "--port", str(self.port), "--bind", "127.0.0.1", "--dir", str(self.dir)]
        command += ["--save", "", "--appendonly", "no"]
        with self.log_path.open("ab") as log:
            self.process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 10
        while True:
            try:
                redis.Redis.from_url(self.url, socket_connect_timeout=0.5).ping()
                return
            except (redis.RedisError, OSError) as exc:
                if self.process.poll() is not None or time.monotonic() > deadline:
                    self.stop()
                    unavailable(f"redis-server on port {self.port} (see {self.log_path})", exc)
                time.sleep(0.05)

    def kill(self) -> None:
        """SIGKILL: no shutdown, nothing saved."""
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)
        self.process = None

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.kill()
        self.process = None

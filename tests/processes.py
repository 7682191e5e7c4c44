"""Processes the integration tests start for real: `ctomatch worker` and the `ctomatch` CLI.

Each worker runs in a process group of its own, so stopping (or SIGKILLing) it takes its pool
processes and beat along; every test stops what it started.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

from service.cli import worker_command
from service.settings import Settings
from tests.conftest import unavailable

REPO = Path(__file__).resolve().parents[1]


class WorkerProcess:
    """The command `ctomatch worker` runs (docker-compose's worker service too), logging to a file."""

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
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.kill()
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

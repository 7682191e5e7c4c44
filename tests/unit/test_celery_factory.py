"""The Celery app exists only where a process builds it from its settings: importing the worker code
reads no environment and creates no file, and an app made from explicit settings uses those settings,
for its broker and for the tasks it runs (eager mode included)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from service.background import task_names
from service.cli import beat_arguments, build_parser, worker_arguments, worker_command
from service.scoring import jobs, services
from service.settings import Settings
from tests.conftest import TEST_SECRET

REPO = Path(__file__).resolve().parents[2]
TASK_NAMES = {value for name, value in vars(task_names).items() if name.startswith("TASK_")}

IMPORT_PROBE = textwrap.dedent(
    """
    import json
    import service.settings

    reads = []
    from_env = service.settings.Settings.from_env.__func__

    def counting_from_env(cls):
        reads.append(1)
        return from_env(cls)

    service.settings.Settings.from_env = classmethod(counting_from_env)

    import workers.celery_app, workers.metrics, workers.runtime, workers.tasks
    from celery._state import _get_active_apps

    print(json.dumps({
        "settings_read": len(reads),
        "ctomatch_apps": [app.main for app in _get_active_apps() if app.main == "ctomatch"],
    }))
    """
)


def test_importing_the_worker_code_reads_no_setting_and_creates_nothing(tmp_path: Path) -> None:
    data_dir = tmp_path / "not-yet-created"
    cwd = tmp_path / "cwd"
    cwd.mkdir()
    env = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("CTOMATCH_", "CELERY_", "DATABASE_", "PROMETHEUS_"))
    }
    env.update(CTOMATCH_DATA_DIR=str(data_dir), PYTHONPATH=str(REPO))
    probe = subprocess.run(
        [sys.executable, "-c", IMPORT_PROBE],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert probe.returncode == 0, probe.stderr
    report = json.loads(probe.stdout.strip().splitlines()[-1])
    assert report == {"settings_read": 0, "ctomatch_apps": []}
    assert not data_dir.exists()
    assert list(cwd.iterdir()) == []  # no `.data`, no schedule file, no broker database


def test_an_app_from_explicit_settings_uses_them_and_registers_every_task(tmp_path: Path) -> None:
    from workers.celery_app import create_celery, settings_of

    settings = Settings(data_dir=tmp_path / "data", celery_broker_url="redis://broker.invalid:6390/3")
    app = create_celery(settings, worker=True)
    assert app.conf.broker_url == "redis://broker.invalid:6390/3"
    assert settings_of(app) is settings
    assert not (tmp_path / "data").exists()  # a Redis broker needs no local file

    app.loader.import_default_modules()  # what a worker does at boot (the `include` list)
    assert set(app.tasks) >= TASK_NAMES
    for name in TASK_NAMES:  # the bounded retries on transient errors, on every task
        task = app.tasks[name]
        assert (task.max_retries, task.retry_backoff, task.retry_jitter) == (5, 2, True), name
        assert task.autoretry_for, name


@dataclass
class _Outcome:
    pairs_scored: int
    matches_written: int


@dataclass
class _ChunkRun:
    status: str
    pairs_scored: int
    matches_written: int


@pytest.fixture
def fresh_worker_runtime() -> Iterator[None]:
    """The worker runtime keeps one loop and one Database per process: a test of its own each time."""
    from workers import runtime

    runtime._dispose()
    yield
    runtime._dispose()


def test_an_eager_app_runs_tasks_in_process_on_its_own_settings(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fresh_worker_runtime: None
) -> None:
    from workers import tasks
    from workers.celery_app import create_celery

    seen: list[Settings] = []
    claims: list[str | None] = []

    async def score_missions(session: AsyncSession, settings: Settings, ids: list[int]) -> _Outcome:
        seen.append(settings)
        return _Outcome(pairs_scored=len(ids), matches_written=0)

    async def score_job_chunk(
        session: AsyncSession, settings: Settings, *args: object, claim_token: str | None
    ) -> _ChunkRun:
        claims.append(claim_token)
        return _ChunkRun(status="counted", pairs_scored=2, matches_written=1)

    monkeypatch.setattr(services, "score_missions", score_missions)
    monkeypatch.setattr(jobs, "score_job_chunk", score_job_chunk)
    settings = Settings(
        data_dir=tmp_path,
        database_url=f"sqlite+aiosqlite:///{tmp_path / 'eager.db'}",
        celery_broker_url="memory://",
        celery_task_always_eager=True,
        secret_key=TEST_SECRET,
    )
    app = create_celery(settings, worker=True)
    app.loader.import_default_modules()
    mission: Any = tasks.score_mission.delay(7)
    assert mission.get(timeout=5) == {"pairs_scored": 1, "matches_written": 0}
    assert seen == [settings]
    # The chunk task's claim token is its own task id (a Celery retry claims the chunk again).
    chunk: Any = tasks.score_chunk.apply_async(args=("job-1", 0, [7]), task_id="delivery-1")
    assert chunk.get(timeout=5) == {"status": "counted", "pairs_scored": 2, "matches_written": 1}
    assert claims == ["delivery-1"]


def test_the_worker_and_beat_commands_run_on_the_settings_given(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path, celery_queue="q", log_level="DEBUG")
    assert worker_command(settings)[:4] == [sys.executable, "-m", "workers", "worker"]
    with_beat = worker_arguments(settings)
    assert with_beat[with_beat.index("--schedule") + 1] == str(tmp_path / "celerybeat-schedule")
    assert "--beat" in with_beat and "--beat" not in worker_arguments(settings, beat=False)
    assert beat_arguments(settings) == [
        "beat",
        "--loglevel",
        "DEBUG",
        "--schedule",
        str(tmp_path / "celerybeat-schedule"),
    ]
    schedule = build_parser().parse_args(["beat", "--schedule", "/srv/beat-state"]).schedule
    assert beat_arguments(settings, schedule)[-2:] == ["--schedule", "/srv/beat-state"]

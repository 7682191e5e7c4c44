"""`ctomatch rescore --wait` and `ctomatch jobs` as an operator runs them: a real process on a SQLite
database made in a temp dir. No worker runs: the test plays the worker by calling the job service
(plan, then each chunk), while the command polls and draws; on a pipe it prints plain lines.
"""

from __future__ import annotations

import asyncio
import dataclasses
import io
import os
import re
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest

from models.enums import JobState
from service import migrations
from service.background.jobs import JobOut
from service.cli import JobProgressPrinter, job_line
from service.db import Database
from service.fixtures_loader import load_demo_data, load_reference_data
from service.scoring import jobs
from service.settings import Settings
from tests.conftest import make_settings

ROOT = Path(__file__).resolve().parents[2]
LINE = re.compile(r"^\[[#-]{30}\] +(\d+)%  (\d+)/(\d+) chunks  ([\d,]+) pairs  (.+)$")


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    """A migrated SQLite database holding the demo data, chunks of two missions."""
    made = make_settings(f"sqlite+aiosqlite:///{tmp_path / 'cli.db'}", tmp_path)

    async def prepare() -> None:
        database = Database(made)
        try:
            await migrations.upgrade(database.engine)
            async with database.session() as session:
                await load_reference_data(session)
                await load_demo_data(session, made.secret_key)
        finally:
            await database.dispose()

    asyncio.run(prepare())
    return dataclasses.replace(made, rescore_chunk_missions=2)


def _ctomatch(settings: Settings, *args: str) -> subprocess.Popen[str]:
    env = {
        **os.environ,
        "CTOMATCH_DATA_DIR": str(settings.data_dir),
        "DATABASE_URL": settings.database_url,
        "CELERY_BROKER_URL": settings.celery_broker_url,
        "CELERY_RESULT_BACKEND": settings.celery_result_backend,
        "LOG_LEVEL": "WARNING",
    }
    return subprocess.Popen(
        [sys.executable, "-m", "service.cli", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=ROOT,
        env=env,
    )


def _job_id(process: subprocess.Popen[str]) -> str:
    assert process.stdout is not None
    first = process.stdout.readline().strip()
    assert re.fullmatch(r"[0-9a-f-]{36}", first), first
    return first


async def _play_worker(settings: Settings, job_id: str, pause: float) -> int:
    """Plan the job and score its chunks one by one, pausing so the poller sees each step."""
    database = Database(settings)
    try:
        async with database.session() as session:
            chunks = await jobs.plan_rescore(session, settings, job_id)
        for chunk in chunks:
            await asyncio.sleep(pause)
            async with database.session() as session:
                run = await jobs.score_job_chunk(
                    session, settings, job_id, chunk.chunk_index, chunk.mission_ids
                )
            assert run.status == "counted"
        return len(chunks)
    finally:
        await database.dispose()


def test_rescore_wait_follows_the_job_to_done_and_exits_0(settings: Settings) -> None:
    process = _ctomatch(settings, "rescore", "--wait", "--poll", "0.1")
    job_id = _job_id(process)
    total = asyncio.run(_play_worker(settings, job_id, pause=0.6))
    out, err = process.communicate(timeout=60)
    assert process.returncode == 0, err
    assert total >= 3
    assert "\r" not in out and "\x1b" not in out, "not a terminal: plain lines only"
    lines = out.strip().splitlines()
    progress = [m for m in map(LINE.match, lines) if m]
    done = [int(m.group(2)) for m in progress]
    assert done == sorted(done) and len(set(done)) >= 3, f"the chunks moved on, line by line: {out}"
    assert {int(m.group(3)) for m in progress} == {total}
    assert progress[-1].group(1) == "100" and progress[-1].group(5) == "done"
    assert any(m.group(5).startswith("about ") and m.group(5).endswith(" left") for m in progress), out
    assert lines[-1].startswith(f"job {job_id} done: {total} chunks, ")


def test_rescore_wait_exits_1_with_the_error_of_a_failed_job(settings: Settings) -> None:
    process = _ctomatch(settings, "rescore", "--wait", "--poll", "0.1")
    job_id = _job_id(process)
    reason = "chunk 2 of 5 (missions 3-4) failed 3 times: ValueError: no rate band"

    async def fail() -> None:
        database = Database(settings)
        try:
            async with database.session() as session:
                await jobs.plan_rescore(session, settings, job_id)
            await asyncio.sleep(0.3)
            async with database.session() as session:
                assert await jobs.fail_job(session, job_id, reason, datetime.now(UTC))
                await session.commit()
        finally:
            await database.dispose()

    asyncio.run(fail())
    out, err = process.communicate(timeout=60)
    assert process.returncode == 1, (out, err)
    assert f"error: job {job_id} failed: {reason}" in err
    assert out.strip().splitlines()[-1].endswith("failed")


def test_jobs_lists_the_recent_jobs_newest_first_as_a_table(settings: Settings) -> None:
    ids = []
    for _ in range(2):
        process = _ctomatch(settings, "rescore")
        out, err = process.communicate(timeout=60)
        assert process.returncode == 0, err
        ids.append(out.strip())
    asyncio.run(_play_worker(settings, ids[0], pause=0))

    process = _ctomatch(settings, "jobs")
    out, err = process.communicate(timeout=60)
    assert process.returncode == 0, err
    header, *rows = out.strip().splitlines()
    assert header.split() == ["ID", "KIND", "STATE", "PROGRESS", "CREATED", "(UTC)"]
    assert [row.split()[0] for row in rows] == ids[::-1]
    newest, oldest = (row.split() for row in rows)
    assert newest[1:4] == ["rescore_all", "queued", "0/0"]
    assert oldest[2] == "done" and re.fullmatch(r"(\d+)/\1", oldest[3]) and oldest[4] == "(100%)"
    assert re.fullmatch(r"\d{4}-\d\d-\d\d", oldest[5]) and re.fullmatch(r"\d\d:\d\d:\d\d", oldest[6])

    one = _ctomatch(settings, "jobs", "--limit", "1")
    assert len(one.communicate(timeout=60)[0].strip().splitlines()) == 2
    assert one.returncode == 0


def test_on_a_terminal_the_bar_is_redrawn_in_place() -> None:
    def job(done: int, seconds_left: int | None, state: JobState = JobState.RUNNING) -> JobOut:
        return JobOut(
            id="j",
            kind="rescore_all",
            state=state,
            total_chunks=4,
            done_chunks=done,
            progress=done / 4,
            pairs_scored=done * 1500,
            created_at=datetime.now(UTC),
            started_at=datetime.now(UTC),
            seconds_left=seconds_left,
            finished_at=None,
        )

    screen = io.StringIO()
    printer = JobProgressPrinter(screen, tty=True)
    printer.show(job(1, 135))
    printer.show(job(1, 135))  # nothing moved: nothing drawn
    printer.show(job(4, 0, JobState.DONE))
    printer.close()
    drawn = screen.getvalue()
    assert drawn.count("\r") == 2 and drawn.count("\x1b[K") == 2 and drawn.endswith("\n")
    assert "1/4 chunks  1,500 pairs  about 2 min 15 s left" in drawn
    assert job_line(job(4, 0, JobState.DONE)).startswith(
        "[" + "#" * 30 + "] 100%  4/4 chunks  6,000 pairs  done"
    )

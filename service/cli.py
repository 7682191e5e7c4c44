"""`ctomatch` command line: migrate, load fixtures, create operator keys, serve the API, run the workers,
beat and the demo, queue a rescore (and follow it) and list the recent jobs."""

from __future__ import annotations

import argparse
import asyncio
import os
import signal
import sys
import time
import uuid
from collections.abc import Sequence
from datetime import UTC
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from service.db import Database
from service.settings import Settings, get_settings

if TYPE_CHECKING:
    from service.background.jobs import JobOut

BEAT_SCHEDULE_FILE = "celerybeat-schedule"
#: `ctomatch rescore --wait` asks for the job's progress this often by default.
JOB_POLL_SECONDS = 1.0
#: Cells of the terminal progress bar.
BAR_WIDTH = 30
#: `ctomatch demo` waits this long for its worker's warm shutdown (running tasks end) before killing it.
DEMO_WORKER_STOP_SECONDS = 20


async def _migrate(settings: Settings, revision: str, down: bool = False) -> None:
    from service import migrations

    database = Database(settings)
    try:
        if down:
            await migrations.downgrade(database.engine, revision)
        else:
            await migrations.upgrade(database.engine, revision)
    finally:
        await database.dispose()


async def _load(settings: Settings, demo: bool) -> tuple[dict[str, str], dict[str, str]]:
    from service.fixtures_loader import load_demo_data, load_reference_data

    database = Database(settings)
    try:
        async with database.session() as session:
            report = await load_reference_data(session)
            print(f"reference data: created {report.created or 'nothing (already loaded)'}")
            if not demo:
                return {}, {}
            demo_report = await load_demo_data(session, settings.secret_key)
            print(f"demo data: created {demo_report.created or 'nothing (already loaded)'}")
            return demo_report.demo_keys, demo_report.demo_sign_ins
    finally:
        await database.dispose()


async def _create_operator(settings: Settings, email: str, name: str) -> str:
    from models.enums import Role
    from service.accounts.services import create_account

    database = Database(settings)
    try:
        async with database.session() as session:
            _, key = await create_account(
                session, email=email, role=Role.OPERATOR, display_name=name, secret_key=settings.secret_key
            )
            await session.commit()
            return key
    finally:
        await database.dispose()


async def _rotate_key(settings: Settings, email: str) -> str:
    """The operator route's service function: a new key for the account, the old one refused at once."""
    from service.accounts.services import get_account_by_email, replace_api_key

    database = Database(settings)
    try:
        async with database.session() as session:
            account = await get_account_by_email(session, email)
            return await replace_api_key(
                session, account, settings.secret_key, by="the command line (ctomatch rotate-key)"
            )
    finally:
        await database.dispose()


async def _queue_full_rescore(settings: Settings) -> str:
    from service.background.jobs import queue_full_rescore
    from service.background.queue import CeleryWorkQueue
    from workers.celery_app import create_celery

    database = Database(settings)
    try:
        async with database.session() as session:
            job = await queue_full_rescore(session, CeleryWorkQueue(create_celery(settings)), None)
        return job.id
    finally:
        await database.dispose()


def _duration(seconds: int) -> str:
    """`45 s`, `3 min 05 s`, `1 h 02 min`: a time left as a person reads it."""
    if seconds < 60:
        return f"{seconds} s"
    if seconds < 3600:
        return f"{seconds // 60} min {seconds % 60:02d} s"
    return f"{seconds // 3600} h {seconds % 3600 // 60:02d} min"


def job_line(job: JobOut, width: int = BAR_WIDTH) -> str:
    """One line of a job's progress: bar, chunks done of total, pairs scored, time left."""
    filled = round(job.progress * width)
    bar = "#" * filled + "-" * (width - filled)
    if job.state == "done":
        left = "done"
    elif job.state == "failed":
        left = "failed"
    elif job.seconds_left is None:
        left = "time left unknown until a chunk is done" if job.total_chunks else "waiting for a worker"
    else:
        left = f"about {_duration(job.seconds_left)} left"
    chunks = f"{job.done_chunks}/{job.total_chunks} chunks" if job.total_chunks else "not planned yet"
    return f"[{bar}] {job.progress:4.0%}  {chunks}  {job.pairs_scored:,} pairs  {left}"


class JobProgressPrinter:
    """Draws a job's progress: one bar redrawn in place on a terminal, a plain line per change otherwise
    (a log or a pipe keeps every step and no control characters)."""

    def __init__(self, out: TextIO, tty: bool | None = None) -> None:
        self.out = out
        self.tty = out.isatty() if tty is None else tty
        self._last = ""

    def show(self, job: JobOut) -> None:
        line = job_line(job)
        if line == self._last:
            return
        self._last = line
        if self.tty:
            self.out.write(f"\r{line}\x1b[K")
        else:
            self.out.write(f"{line}\n")
        self.out.flush()

    def close(self) -> None:
        if self.tty and self._last:
            self.out.write("\n")
            self.out.flush()


async def _wait_for_job(
    settings: Settings, job_id: str, poll_seconds: float, printer: JobProgressPrinter
) -> JobOut:
    """Polls the job (a fresh session each time, so every commit of a worker shows) until it has ended."""
    from service.background.jobs import read_job

    database = Database(settings)
    try:
        while True:
            async with database.session() as session:
                job = (await read_job(session, job_id)).out()
            printer.show(job)
            if job.state in ("done", "failed"):
                return job
            await asyncio.sleep(poll_seconds)
    finally:
        printer.close()
        await database.dispose()


def _rescore(settings: Settings, wait: bool, poll_seconds: float) -> int:
    """Queue a full rescore and print its id; with `wait`, follow it: 0 once done, 1 if it failed."""
    job_id = asyncio.run(_queue_full_rescore(settings))
    print(job_id, flush=True)
    if not wait:
        return 0
    started = time.monotonic()
    try:
        job = asyncio.run(_wait_for_job(settings, job_id, poll_seconds, JobProgressPrinter(sys.stdout)))
    except KeyboardInterrupt:
        print(f"stopped waiting; job {job_id} goes on (ctomatch jobs)", file=sys.stderr)
        return 130
    if job.state == "failed":
        print(f"error: job {job_id} failed: {job.error or 'no reason recorded'}", file=sys.stderr)
        return 1
    took = _duration(round(time.monotonic() - started))
    print(f"job {job_id} done: {job.done_chunks} chunks, {job.pairs_scored:,} pairs scored ({took})")
    return 0


async def _recent_jobs(settings: Settings, limit: int) -> list[JobOut]:
    from service.background.jobs import recent_jobs

    database = Database(settings)
    try:
        async with database.session() as session:
            return [progress.out() for progress in await recent_jobs(session, limit)]
    finally:
        await database.dispose()


def jobs_table(jobs: Sequence[JobOut]) -> str:
    """The recent jobs as an aligned text table, newest first."""
    if not jobs:
        return "no jobs yet\n"
    header = ("ID", "KIND", "STATE", "PROGRESS", "CREATED (UTC)")
    rows = [
        (
            job.id,
            job.kind,
            str(job.state),
            f"{job.done_chunks}/{job.total_chunks} ({job.progress:.0%})",
            job.created_at.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S"),
        )
        for job in jobs
    ]
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]
    lines = [
        "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip()
        for row in [header, *rows]
    ]
    return "\n".join(lines) + "\n"


def worker_arguments(settings: Settings, *, beat: bool = True, concurrency: int = 2) -> list[str]:
    """The `celery worker` arguments; the embedded mode runs beat inside the worker."""
    arguments = [
        "worker",
        "--loglevel",
        settings.log_level,
        "--concurrency",
        str(concurrency),
        "--queues",
        f"{settings.celery_queue},{settings.celery_control_queue}",
        "--hostname",
        f"ctomatch-{uuid.uuid4().hex[:8]}@%h",
    ]
    if beat:
        arguments += ["--beat", "--schedule", str(settings.data_dir / BEAT_SCHEDULE_FILE)]
    return arguments


def worker_command(settings: Settings, *, beat: bool = True, concurrency: int = 2) -> list[str]:
    """A worker process of its own (the demo's, the tests'): `ctomatch worker`'s Celery command, run by
    `python -m workers` on the settings of that process's environment; Celery options may follow."""
    return [sys.executable, "-m", "workers", *worker_arguments(settings, beat=beat, concurrency=concurrency)]


def beat_arguments(settings: Settings, schedule: Path | None = None) -> list[str]:
    """The `celery beat` arguments: the schedule file keeps the last run of each periodic task."""
    schedule_file = schedule or settings.data_dir / BEAT_SCHEDULE_FILE
    return ["beat", "--loglevel", settings.log_level, "--schedule", str(schedule_file)]


def proxy_options(settings: Settings) -> dict[str, Any]:
    """Forwarded headers rewrite the client address only when the direct peer is a trusted proxy.

    With no `FORWARDED_ALLOW_IPS`, proxy headers are off: uvicorn's own default would trust 127.0.0.1
    (and its `FORWARDED_ALLOW_IPS` variable), letting a local client forge its address.
    """
    if not settings.forwarded_allow_ips:
        return {"proxy_headers": False}
    return {"proxy_headers": True, "forwarded_allow_ips": list(settings.forwarded_allow_ips)}


def _serve(settings: Settings) -> None:
    import uvicorn

    uvicorn.run(
        "service.app:create_app",
        factory=True,
        host=settings.api_host,
        port=settings.api_port,
        log_config=None,
        **proxy_options(settings),
    )


def _banner(settings: Settings, keys: dict[str, str], sign_ins: dict[str, str] | None = None) -> str:
    base = f"http://{settings.api_host}:{settings.api_port}"
    lines = [
        "",
        f"ctomatch API     {base}/api/v1",
        f"API docs         {base}/docs   (Swagger UI: {base}/docs/swagger)",
        f"operator console {base}/console   (sign in with the operator key below)",
        f"OpenAPI schema   {base}/docs/openapi.json",
        f"database         {settings.database_url}",
    ]
    if keys:
        lines.append("demo API keys (send as the X-API-Key header):")
        lines += [f"  {role:<10} {key}" for role, key in sorted(keys.items())]
        lines.append(f'try: curl -H "X-API-Key: {keys.get("operator", "")}" {base}/api/v1/missions/1/matches')
    if sign_ins:
        from service.fixtures_loader import DEMO_PASSWORD

        lines.append(f"web app          {base}/   (sign in at {base}/sign-in; operators at {base}/console)")
        lines.append(f"demo sign-ins (password for all: {DEMO_PASSWORD}):")
        lines += [f"  {role:<10} {email}" for role, email in sorted(sign_ins.items())]
    return "\n".join(lines) + "\n"


def _clear_metrics_files(settings: Settings) -> None:
    """Prometheus multiprocess files of processes that no longer run would be merged forever."""
    directory = Path(os.environ.get("PROMETHEUS_MULTIPROC_DIR") or settings.data_dir / "prometheus")
    for stale in directory.glob("*.db"):
        stale.unlink(missing_ok=True)


def _demo(settings: Settings) -> None:
    """Everything `make run` needs in one process tree: the worker is a child, stopped with the API
    (SIGTERM, Ctrl+C, or a server that exits), its pool processes and beat along with it."""
    from service.process_group import ChildProcessGroup, stop_on_signals

    asyncio.run(_migrate(settings, "head"))
    keys, sign_ins = asyncio.run(_load(settings, demo=True))
    job_id = asyncio.run(_queue_full_rescore(settings))
    _clear_metrics_files(settings)
    with stop_on_signals(signal.SIGTERM, signal.SIGINT):
        worker = ChildProcessGroup(worker_command(settings))
        try:
            print(_banner(settings, keys, sign_ins), flush=True)
            print(
                f"scoring job {job_id} queued; a celery worker (pid {worker.pid}) is computing the matches",
                flush=True,
            )
            _serve(settings)
        finally:
            worker.stop(timeout=DEMO_WORKER_STOP_SECONDS)


def _score_files(args: argparse.Namespace) -> int:
    from service.batch_scoring import BatchInputError, render, score_files

    if args.top_k < 1 or not 0 <= args.min_score <= 100:
        print("error: --top-k must be at least 1 and --min-score within 0-100", file=sys.stderr)
        return 2
    try:
        settings = Settings.from_env()  # the weights and deal-breaker gates the service scores with
        result = score_files(
            args.profiles,
            args.missions,
            top_k=args.top_k,
            min_score=args.min_score,
            weights=settings.weights(),
            gates=settings.gates(),
            lang=args.lang,
        )
    except BatchInputError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    sys.stdout.write(render(result, args.format))
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="ctomatch", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    migrate = sub.add_parser("migrate", help="apply Alembic migrations (default: up to head)")
    migrate.add_argument("--revision", default="head")
    downgrade = sub.add_parser("downgrade", help="revert migrations (default: to base)")
    downgrade.add_argument("--revision", default="base")
    load = sub.add_parser(
        "load-fixtures", help="load the taxonomy and rate grid, and the demo data with --demo"
    )
    load.add_argument("--demo", action="store_true")
    operator = sub.add_parser("create-operator", help="create an operator account and print its API key once")
    operator.add_argument("--email", required=True)
    operator.add_argument("--name", default="Operator")
    rotate = sub.add_parser(
        "rotate-key", help="issue a new API key for an account (the old one stops working) and print it once"
    )
    rotate.add_argument("--email", required=True)
    sub.add_parser("serve", help="serve the API")
    worker = sub.add_parser(
        "worker", help="run a Celery worker (with the periodic stale sweep unless --no-beat)"
    )
    worker.add_argument("--no-beat", action="store_true")
    worker.add_argument("--concurrency", type=int, default=2)
    beat = sub.add_parser(
        "beat", help="run the Celery beat scheduler alone (exactly one per deployment; workers --no-beat)"
    )
    beat.add_argument(
        "--schedule", type=Path, help=f"its state file (default: <data dir>/{BEAT_SCHEDULE_FILE})"
    )
    rescore = sub.add_parser("rescore", help="queue a full rescore job and print its id")
    rescore.add_argument(
        "--wait",
        action="store_true",
        help="follow the job with a progress bar; exit 0 once done, 1 if it failed (with its error)",
    )
    rescore.add_argument(
        "--poll",
        type=float,
        default=JOB_POLL_SECONDS,
        help=f"seconds between polls (default {JOB_POLL_SECONDS:g})",
    )
    jobs = sub.add_parser("jobs", help="list the recent background jobs, newest first")
    jobs.add_argument("--limit", type=int, default=20, help="jobs to list (default 20, at most 100)")
    score = sub.add_parser(
        "score",
        help="score a file of profiles against a file of missions, no database (README: batch scoring)",
    )
    score.add_argument("--profiles", type=Path, required=True, help="JSON or CSV, fixtures schema")
    score.add_argument("--missions", type=Path, required=True, help="JSON or CSV, fixtures schema")
    score.add_argument("--format", choices=["json", "csv"], default="json")
    score.add_argument("--top-k", type=int, default=10)
    score.add_argument("--min-score", type=float, default=0.0)
    score.add_argument(
        "--lang", choices=["fr", "en"], default="fr", help="language of the reasons and warnings (default fr)"
    )
    sub.add_parser(
        "demo", help="migrate, load the demo data, start a worker, queue a full rescore, serve the API"
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    settings = get_settings()
    if args.command == "migrate":
        asyncio.run(_migrate(settings, args.revision))
    elif args.command == "downgrade":
        asyncio.run(_migrate(settings, args.revision, down=True))
    elif args.command == "load-fixtures":
        asyncio.run(_load(settings, args.demo))
    elif args.command == "create-operator":
        from service.errors import DomainError

        try:
            key = asyncio.run(_create_operator(settings, args.email, args.name))
        except DomainError as exc:
            print(f"error: {exc.detail}", file=sys.stderr)
            return 1
        print(f"operator {args.email} created; API key (shown once): {key}")
    elif args.command == "rotate-key":
        from service.errors import NotFound

        try:
            key = asyncio.run(_rotate_key(settings, args.email))
        except NotFound as exc:
            print(f"error: {exc.detail}", file=sys.stderr)
            return 2
        print(f"new API key for {args.email} (shown once; the previous key no longer works): {key}")
    elif args.command == "serve":
        _serve(settings)
    elif args.command == "worker":
        from workers.celery_app import run_celery

        arguments = worker_arguments(settings, beat=not args.no_beat, concurrency=args.concurrency)
        return run_celery(settings, arguments)
    elif args.command == "beat":
        from workers.celery_app import run_celery

        return run_celery(settings, beat_arguments(settings, args.schedule))
    elif args.command == "score":
        return _score_files(args)
    elif args.command == "rescore":
        if args.poll <= 0:
            print("error: --poll must be a positive number of seconds", file=sys.stderr)
            return 2
        return _rescore(settings, args.wait, args.poll)
    elif args.command == "jobs":
        from service.background.jobs import MAX_JOBS_LISTED

        if not 1 <= args.limit <= MAX_JOBS_LISTED:
            print(f"error: --limit must be from 1 to {MAX_JOBS_LISTED}", file=sys.stderr)
            return 2
        sys.stdout.write(jobs_table(asyncio.run(_recent_jobs(settings, args.limit))))
    elif args.command == "demo":
        _demo(settings)
    return 0


if __name__ == "__main__":
    sys.exit(main())

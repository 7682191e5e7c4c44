"""The whole scoring pipeline, as a user waits for it: a full rescore through real Celery worker
processes (database reads, pool encoding, scoring, explanations, upserts), compared with the engine
alone on the same inputs in the same run; with --freshness, how long an edit waits for its matches.

Run from the repository root (PostgreSQL and Redis on 127.0.0.1 by default):
    .venv/bin/python bench/pipeline.py --profiles 100000 --missions 1000 --workers 1,2
    .venv/bin/python bench/pipeline.py --profiles 100000 --missions 1000 --workers 2 --freshness
It creates a database of its own on the server of --postgres-url and drops it afterwards. See
bench/README.md for what each figure means.
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import gc
import os
import random
import statistics
import subprocess
import sys
import time
import uuid
from collections.abc import Awaitable, Callable, Sequence
from datetime import date
from functools import partial
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from sqlalchemy import delete, func, select, update  # noqa: E402
from synthetic_db import DEFAULT_POSTGRES, _async_url, scratch_postgres, seed  # noqa: E402

from matching import encode_missions, encode_profiles, top_matches  # noqa: E402
from models import FreelancerProfile, Match, Mission, ScoringJob, ScoringJobChunk  # noqa: E402
from models.enums import Context, Orientation, RemotePolicy, Role  # noqa: E402
from service import migrations  # noqa: E402
from service.auth.actor import Actor  # noqa: E402
from service.background.jobs import queue_full_rescore  # noqa: E402
from service.background.queue import CeleryWorkQueue  # noqa: E402
from service.cli import worker_command  # noqa: E402
from service.db import Database  # noqa: E402
from service.engine_inputs.loaders import load_mission_inputs, load_profile_inputs  # noqa: E402
from service.engine_inputs.rows import load_context  # noqa: E402
from service.freelancers.schemas import FreelancerUpdate  # noqa: E402
from service.freelancers.services import update_profile  # noqa: E402
from service.missions.schemas import MissionCreate  # noqa: E402
from service.missions.services import create_mission  # noqa: E402
from service.reference.schemas import RateBandUpdate  # noqa: E402
from service.reference.services import list_rate_bands, update_grid_band  # noqa: E402
from service.settings import Settings  # noqa: E402
from workers.celery_app import create_celery  # noqa: E402

OPERATOR = Actor(account_id=0, role=Role.OPERATOR, email="bench@example.test")


@dataclasses.dataclass
class Run:
    workers: int
    cold: float
    """Seconds from starting the worker processes to the job done: boot, pool load and encoding."""
    warm: float
    """Seconds from a rate-grid change to its full rescore done, workers already running."""
    pairs: int
    matches: int
    peak_rss_mib: float


def _peak_rss_mib(parent: int) -> float:
    """Largest peak RSS (VmHWM) among the worker's pool processes (the children of `parent`)."""
    peak = 0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            status = (entry / "status").read_text()
        except OSError:
            continue
        fields = dict(line.split(":", 1) for line in status.splitlines() if ":" in line)
        if fields.get("PPid", "").strip() == str(parent) and "VmHWM" in fields:
            peak = max(peak, int(fields["VmHWM"].split()[0]))
    return peak / 1024


class Workers:
    """`celery worker --concurrency N` (N pool processes), as `ctomatch worker` starts it."""

    def __init__(self, settings: Settings, env: dict[str, str], concurrency: int, log: Path) -> None:
        self.log = log.open("w")
        command = [*worker_command(settings, beat=False, concurrency=concurrency), "--without-gossip"]
        self.process = subprocess.Popen(  # noqa: S603 - our own command line
            command, cwd=ROOT, env=env, stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True
        )

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, 15)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, 9)
        self.log.close()


async def _until(check: Callable[[], Awaitable[bool]], within: float, what: str, every: float = 0.05) -> None:
    deadline = time.monotonic() + within
    while not await check():
        if time.monotonic() > deadline:
            raise TimeoutError(f"{what}: not done after {within:.0f} s")
        await asyncio.sleep(every)


async def _reset_scores(database: Database) -> None:
    """Back to a pool never scored: no match, nothing marked scored."""
    async with database.session() as session:
        await session.execute(delete(Match))
        await session.execute(delete(ScoringJobChunk))
        await session.execute(delete(ScoringJob))
        for model in (FreelancerProfile, Mission):
            await session.execute(
                update(model).values(scored_revision=None, scored_algorithm=None, updated_at=model.updated_at)
            )
        await session.commit()


async def _wait_for_job(database: Database, workers: Workers, job_id: str, log: Path) -> tuple[int, int]:
    """Wait for the job to end; (pairs it scored, matches stored)."""

    async def ended() -> bool:
        if workers.process.poll() is not None:
            raise RuntimeError(f"the worker exited; see {log}")
        async with database.session() as session:
            state = await session.scalar(select(ScoringJob.state).where(ScoringJob.id == job_id))
        return str(state) in {"done", "failed"}

    await _until(ended, within=3600, what="full rescore", every=0.1)
    async with database.session() as session:
        state = await session.scalar(select(ScoringJob.state).where(ScoringJob.id == job_id))
        if str(state) != "done":
            raise RuntimeError(f"the job ended {state}; see {log}")
        pairs = await session.scalar(
            select(func.coalesce(func.sum(ScoringJobChunk.pairs_scored), 0)).where(
                ScoringJobChunk.job_id == job_id
            )
        )
        matches = await session.scalar(select(func.count()).select_from(Match))
    return int(pairs or 0), int(matches or 0)


async def full_rescore(database: Database, settings: Settings, env: dict[str, str], n: int, log: Path) -> Run:
    """A cold full rescore (fresh worker processes), then the one a rate-grid change queues."""
    await _reset_scores(database)
    queue = CeleryWorkQueue(create_celery(settings), timeout=5)
    started = time.perf_counter()
    workers = Workers(settings, env, n, log)
    try:
        async with database.session() as session:
            job_id = (await queue_full_rescore(session, queue, None)).id
        await _wait_for_job(database, workers, job_id, log)
        cold = time.perf_counter() - started
        await _reset_scores(database)
        started = time.perf_counter()
        async with database.session() as session:
            band = (await list_rate_bands(session))[3]
            _, job = await update_grid_band(
                session, band.id, RateBandUpdate(tjm_high=band.tjm_high + 10), queue, None
            )
        assert job is not None
        pairs, matches = await _wait_for_job(database, workers, job.id, log)
        warm = time.perf_counter() - started
        rss = _peak_rss_mib(workers.process.pid)
    finally:
        workers.stop()
    return Run(n, cold, warm, pairs, matches, rss)


async def engine_only(database: Database, settings: Settings) -> tuple[float, float]:
    """(encoding the pool, scoring every mission against it keeping the stored top) on the same inputs."""
    async with database.session() as session:
        ctx = await load_context(session)
        profiles = await load_profile_inputs(session)
        # Every mission, closed ones included, as a full rescore plans them.
        all_ids = list(await session.scalars(select(Mission.id).order_by(Mission.id)))
        missions = await load_mission_inputs(session, all_ids)
    gc.collect()
    gc.disable()
    try:
        t0 = time.perf_counter()
        pool = encode_profiles(profiles, ctx.vocab, ctx.grid)
        t1 = time.perf_counter()
        batch = encode_missions(missions, ctx.vocab, ctx.grid)
        top_matches(
            batch,
            pool,
            ctx.grid,
            settings.weights(),
            k=settings.match_store_limit,
            min_score=settings.match_min_score,
            gates=settings.gates(),
        )
        t2 = time.perf_counter()
    finally:
        gc.enable()
    return t1 - t0, t2 - t1


async def freshness(
    database: Database,
    settings: Settings,
    env: dict[str, str],
    n_workers: int,
    edits: int,
    log: Path,
    churn_interval: float,
) -> tuple[list[float], list[float]]:
    """Seconds from a committed write to its matches written: profile edits, then new missions, while a
    background writer keeps changing other profiles (each change enqueued as the API does)."""
    workers = Workers(settings, env, n_workers, log)
    queue = CeleryWorkQueue(create_celery(settings), timeout=5)
    rng = random.Random(5)
    async with database.session() as session:
        ids = list(await session.scalars(select(FreelancerProfile.id).where(FreelancerProfile.active)))
        template = await session.scalar(select(Mission).where(Mission.status == "open").limit(1))
        assert template is not None
        company_id, seniority = template.company_id, template.seniority
    stop = asyncio.Event()

    async def churn() -> None:
        while not stop.is_set():
            async with database.session() as session:
                await update_profile(
                    session,
                    OPERATOR,
                    rng.choice(ids),
                    FreelancerUpdate(tjm=rng.randint(40, 140) * 10),
                    queue=queue,
                )
            await asyncio.sleep(churn_interval)

    async def scored(model: type[FreelancerProfile] | type[Mission], row_id: int) -> bool:
        async with database.session() as session:
            row = (
                await session.execute(select(model.revision, model.scored_revision).where(model.id == row_id))
            ).one()
        return row.scored_revision is not None and row.scored_revision >= row.revision

    profile_waits: list[float] = []
    mission_waits: list[float] = []
    try:
        # Warm-up: each pool process loads and encodes the pool once (what a restarted worker pays).
        await _warm_up(database, queue, company_id, seniority, n_workers, scored)
        background = asyncio.create_task(churn())
        for i in range(edits):
            target = rng.choice(ids)
            started = time.perf_counter()
            async with database.session() as session:
                await update_profile(
                    session,
                    OPERATOR,
                    target,
                    FreelancerUpdate(headline=f"CTO freelance, edit {i}"),
                    queue=queue,
                )
            await _until(partial(scored, FreelancerProfile, target), 120, f"profile {target}")
            profile_waits.append(time.perf_counter() - started)
        for i in range(edits):
            started = time.perf_counter()
            mission_id = await _post_mission(database, queue, company_id, seniority, f"fresh-{i}")
            await _until(partial(scored, Mission, mission_id), 120, f"mission {mission_id}")
            mission_waits.append(time.perf_counter() - started)
        stop.set()
        await background
    finally:
        stop.set()
        workers.stop()
    return profile_waits, mission_waits


async def _post_mission(
    database: Database, queue: CeleryWorkQueue, company_id: int, seniority: str, tag: str
) -> int:
    data = MissionCreate(
        title=f"CTO de transition {tag}",
        description="Structurer l'équipe technique, sécurité, cloud et recrutement.",
        orientation=Orientation.CTO,
        seniority=seniority,
        tjm_min=700,
        tjm_max=900,
        start_date=date(2027, 2, 1),
        remote_policy=RemotePolicy.HYBRID,
        context=Context.SCALEUP,
        location="Paris",
        required_competences=["leadership", "it_security"],
        nice_competences=["strategic_vision"],
        company_id=company_id,
        ref=f"BENCH-{tag}-{uuid.uuid4().hex[:6]}",
    )
    async with database.session() as session:
        out = await create_mission(session, OPERATOR, data, queue=queue)
    return int(out.id)


async def _warm_up(
    database: Database,
    queue: CeleryWorkQueue,
    company_id: int,
    seniority: str,
    n_workers: int,
    scored: Callable[[type[Mission], int], Awaitable[bool]],
) -> None:
    for i in range(2 * n_workers):
        mission_id = await _post_mission(database, queue, company_id, seniority, f"warm-{i}")
        await _until(partial(scored, Mission, mission_id), 600, f"warm-up {mission_id}", every=0.2)


def _pct(values: Sequence[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def _env(settings: Settings, redis_url: str) -> dict[str, str]:
    return {
        **os.environ,
        "DATABASE_URL": settings.database_url,
        "CELERY_BROKER_URL": redis_url,
        "CELERY_RESULT_BACKEND": redis_url,
        "CELERY_QUEUE": settings.celery_queue,
        "CTOMATCH_DATA_DIR": str(settings.data_dir),
        "LOG_LEVEL": os.environ.get("LOG_LEVEL", "WARNING"),
        "PYTHONPATH": str(ROOT),
    }


async def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--profiles", type=int, default=100_000)
    parser.add_argument("--missions", type=int, default=1_000)
    parser.add_argument("--workers", default="1,2", help="worker process counts to compare, e.g. 1,2")
    parser.add_argument("--postgres-url", default=DEFAULT_POSTGRES)
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/0")
    parser.add_argument("--freshness", action="store_true", help="also measure edit-to-matches latency")
    parser.add_argument("--edits", type=int, default=20)
    parser.add_argument(
        "--churn-interval", type=float, default=1.0, help="seconds between background profile edits"
    )
    parser.add_argument("--skip-rescore", action="store_true", help="only the freshness measurement")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    counts = [int(x) for x in args.workers.split(",") if x.strip()]
    data_dir = Path(os.environ.get("CTOMATCH_DATA_DIR", ROOT / ".data")) / f"bench-{uuid.uuid4().hex[:6]}"
    data_dir.mkdir(parents=True, exist_ok=True)
    async with scratch_postgres(args.postgres_url) as url:
        settings = dataclasses.replace(
            Settings.from_env(),
            database_url=_async_url(url),
            celery_broker_url=args.redis_url,
            celery_result_backend=args.redis_url,
            celery_queue=f"ctomatch-bench-{uuid.uuid4().hex[:8]}",
            data_dir=data_dir,
        )
        env = _env(settings, args.redis_url)
        database = Database(settings)
        try:
            await migrations.upgrade(database.engine)
            t0 = time.perf_counter()
            await seed(database, args.profiles, args.missions, args.seed)
            seconds = time.perf_counter() - t0
            print(f"loaded {args.profiles:,} profiles and {args.missions:,} missions in {seconds:.1f} s")
            encode_s, engine_s = await engine_only(database, settings)
            print(
                f"engine only: {engine_s:.2f} s scoring {args.missions:,} × {args.profiles:,} (top "
                f"{settings.match_store_limit}, min score {settings.match_min_score:g}); encoding the pool "
                f"{encode_s:.2f} s"
            )
            runs = []
            for n in [] if args.skip_rescore else counts:
                run = await full_rescore(database, settings, env, n, data_dir / f"worker-{n}.log")
                runs.append(run)
                print(
                    f"pipeline, {n} worker process{'es' if n > 1 else ''}: full rescore after a grid "
                    f"change {run.warm:.2f} s wall ({run.warm / engine_s:.1f}× the engine-only time), "
                    f"{run.pairs / run.warm / 1e6:.2f} M pairs/s, {run.pairs:,} pairs, {run.matches:,} "
                    f"matches written; cold start (boot, load, encode, score) {run.cold:.2f} s "
                    f"({run.cold / (engine_s + encode_s):.1f}× engine + encoding); peak RSS per process "
                    f"{run.peak_rss_mib:.0f} MiB"
                )
            if len(runs) > 1:
                first, last = runs[0], runs[-1]
                print(
                    f"scale-out {first.workers} → {last.workers} worker processes: "
                    f"{first.warm / last.warm:.2f}× (cold start {first.cold / last.cold:.2f}×)"
                )
            if args.freshness:
                profile_waits, mission_waits = await freshness(
                    database,
                    settings,
                    env,
                    counts[-1],
                    args.edits,
                    data_dir / "freshness.log",
                    args.churn_interval,
                )
                for what, waits in (("profile edit", profile_waits), ("new mission", mission_waits)):
                    print(
                        f"freshness, {what}: p50 {statistics.median(waits):.2f} s, "
                        f"p95 {_pct(waits, 0.95):.2f} s, max {max(waits):.2f} s over {len(waits)} writes"
                    )
        finally:
            await database.dispose()


if __name__ == "__main__":
    asyncio.run(main())

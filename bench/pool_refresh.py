"""Benchmark of the cached pool of active profiles on PostgreSQL: a cold load, then incremental refreshes.

Run from the repository root:
    .venv/bin/python bench/pool_refresh.py [--profiles 100000] [--postgres-url postgresql://...]

It seeds a throw-away database (bench/synthetic_db.py) and measures in fresh child processes, each
holding only what a worker holds:
* cold: `active_pool` on an empty cache: every active profile loaded with Core selects and encoded;
* refresh, no change: the stamp query and the diff;
* refresh after k profiles changed (k = 1 and 100 by default; median, min and max of --runs): k random
  active profiles are edited and committed from another session as the API does (revision and
  updated_at moved, new TJM, longer summary), then `active_pool`;
* a new mission's matches right after one edit: refresh, then `score_mission_against_pool`;
* memory: the encoded pool's arrays, the ProfileInput list (tracemalloc, retained after the load) and
  the child's max RSS (`resource.getrusage`), which includes both and every import;
* the Core loader against the ORM load it replaces (`profile_input` of FreelancerProfile rows), once
  each, in a second child process, with a check that both give the same inputs.
The refreshed pool is checked against a fresh encode of the final active profiles, array for array.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import platform
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Awaitable, Callable
from dataclasses import fields
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

import numpy as np
from scipy import sparse
from sqlalchemy import select, text, update

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from synthetic_db import DEFAULT_POSTGRES, _async_url, scratch_postgres, seed  # noqa: E402

from matching import ProfilePool, Weights, encode_missions, encode_profiles, score_mission_against_pool  # noqa: E402
from models import FreelancerProfile  # noqa: E402
from service import migrations  # noqa: E402
from service.db import Database  # noqa: E402
from service.engine_inputs.loaders import load_mission_inputs, load_profile_inputs  # noqa: E402
from service.engine_inputs.rows import ScoringContext, load_context, profile_input  # noqa: E402
from service.scoring.pool_cache import active_pool, clear_pool_cache  # noqa: E402
from service.settings import Settings  # noqa: E402

T = TypeVar("T")
MIB = 1024 * 1024


def _database(url: str, data_dir: Path) -> Database:
    return Database(
        Settings(environment="test", data_dir=data_dir, database_url=url, secret_key="bench-" * 4)
    )


async def _timed(call: Callable[[], Awaitable[T]]) -> tuple[float, T]:
    gc.disable()
    try:
        started = time.perf_counter()
        result = await call()
        return time.perf_counter() - started, result
    finally:
        gc.enable()


def _max_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kilobytes on Linux


def pool_nbytes(pool: ProfilePool) -> dict[str, int]:
    """Bytes held by the pool's arrays: the two text matrices, and everything else."""
    text = sum(m.data.nbytes + m.indices.nbytes + m.indptr.nbytes for m in (pool.text, pool.text_by_feature))
    arrays = sum(
        getattr(pool, f.name).nbytes
        for f in fields(ProfilePool)
        if isinstance(getattr(pool, f.name), np.ndarray)
    )
    terms = sum(getattr(pool.terms, f.name).nbytes for f in fields(pool.terms))
    return {"text": text, "arrays": arrays + terms}


def _summary(times: list[float]) -> dict[str, float]:
    return {"p50": statistics.median(times), "min": min(times), "max": max(times)}


async def _refresh(database: Database, ctx: ScoringContext) -> ProfilePool:
    async with database.session() as session:
        _, pool = await active_pool(session, ctx)
        return pool


async def _edit(database: Database, ids: list[int], rng: random.Random) -> None:
    """What a profile edit writes (service.revisions): revision and updated_at move with the fields."""
    profiles = FreelancerProfile
    async with database.session() as session:
        await session.execute(
            update(profiles)
            .where(profiles.id.in_(ids))
            .values(
                revision=profiles.revision + 1,
                updated_at=datetime.now(UTC),
                tjm=rng.randint(400, 1200),
                summary=profiles.summary + " migration cloud",
            )
        )
        await session.commit()


def _same_pool(a: ProfilePool, b: ProfilePool) -> bool:
    for f in fields(ProfilePool):
        x, y = getattr(a, f.name), getattr(b, f.name)
        if isinstance(x, np.ndarray) and not (x.dtype == y.dtype and np.array_equal(x, y)):
            return False
        if isinstance(x, sparse.sparray) and not all(
            np.array_equal(getattr(x, k), getattr(y, k)) for k in ("indptr", "indices", "data")
        ):
            return False
    terms = all(np.array_equal(getattr(a.terms, f.name), getattr(b.terms, f.name)) for f in fields(a.terms))
    return terms and a.vocab == b.vocab and a.grid == b.grid


async def measure(url: str, changes: list[int], runs: int, seed_value: int, data_dir: Path) -> dict[str, Any]:
    """The pool cache in this process: cold, refreshes, one mission, memory; figures as a dict."""
    rng = random.Random(seed_value)
    database = _database(url, data_dir)
    out: dict[str, Any] = {}
    try:
        async with database.session() as session:
            ctx = await load_context(session)
            missions = await load_mission_inputs(session)
        clear_pool_cache()
        out["cold_s"], pool = await _timed(lambda: _refresh(database, ctx))
        out["profiles"] = len(pool)
        out["rss_after_cold_mib"] = _max_rss_mib()
        out["pool_bytes"] = pool_nbytes(pool)
        out["nochange"] = _summary([(await _timed(lambda: _refresh(database, ctx)))[0] for _ in range(runs)])
        ids = pool.ids.tolist()
        del pool  # only the cache holds the pool from here on, as in a worker
        for k in changes:
            times = []
            for _ in range(runs):
                await _edit(database, rng.sample(ids, k), rng)
                times.append((await _timed(lambda: _refresh(database, ctx)))[0])
            out[f"changed_{k}"] = _summary(times)
        weights = Weights()
        mission_times = []
        for mission in missions[:runs]:
            await _edit(database, rng.sample(ids, 1), rng)

            async def matches(mission: Any = mission) -> None:
                refreshed = await _refresh(database, ctx)
                batch = encode_missions([mission], ctx.vocab, ctx.grid)
                score_mission_against_pool(batch, refreshed, ctx.grid, weights)

            mission_times.append((await _timed(matches))[0])
        out["mission_after_edit"] = _summary(mission_times)
        out["rss_after_refreshes_mib"] = _max_rss_mib()
        final = await _refresh(database, ctx)
        async with database.session() as session:
            tracemalloc.start()
            inputs = await load_profile_inputs(session)
            retained, _ = tracemalloc.get_traced_memory()
            tracemalloc.stop()
        out["inputs_list_bytes"] = retained
        out["verified"] = _same_pool(final, encode_profiles(inputs, ctx.vocab, ctx.grid))
    finally:
        await database.dispose()
    return out


async def compare_loaders(url: str, data_dir: Path) -> dict[str, Any]:
    """The Core loader and the ORM load it replaces, on the same rows (one run each)."""
    database = _database(url, data_dir)
    try:
        async with database.session() as session:
            core_s, core = await _timed(lambda: load_profile_inputs(session))
        async with database.session() as session:

            async def orm() -> list[Any]:
                query = (
                    select(FreelancerProfile).where(FreelancerProfile.active).order_by(FreelancerProfile.id)
                )
                return [profile_input(p) for p in await session.scalars(query)]

            orm_s, via_orm = await _timed(orm)
        return {"core_s": core_s, "orm_s": orm_s, "equal": core == via_orm, "profiles": len(core)}
    finally:
        await database.dispose()


def _child(mode: str, url: str, args: argparse.Namespace) -> dict[str, Any]:
    command = [sys.executable, str(Path(__file__).resolve()), f"--{mode}", url]
    command += [
        "--changes",
        ",".join(map(str, args.changes)),
        "--runs",
        str(args.runs),
        "--seed",
        str(args.seed),
    ]
    done = subprocess.run(command, capture_output=True, text=True, check=False, cwd=ROOT)  # noqa: S603
    if done.returncode != 0:
        raise SystemExit(f"{mode} run failed:\n{done.stderr}")
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def _ms(figures: dict[str, float]) -> str:
    return (
        f"{1000 * figures['p50']:.0f} ms (min {1000 * figures['min']:.0f}, max {1000 * figures['max']:.0f})"
    )


async def _run(args: argparse.Namespace) -> None:
    print(f"machine: {platform.processor() or platform.machine()}, Python {platform.python_version()}")
    async with scratch_postgres(args.postgres_url) as raw_url:
        url = _async_url(raw_url)
        with tempfile.TemporaryDirectory() as data_dir:
            database = _database(url, Path(data_dir))
            started = time.perf_counter()
            try:
                await migrations.upgrade(database.engine)
                await seed(database, args.profiles, args.missions, args.seed)
                async with database.engine.connect() as connection:  # what autovacuum would have done
                    await connection.execution_options(isolation_level="AUTOCOMMIT")
                    await connection.execute(text("VACUUM ANALYZE"))
            finally:
                await database.dispose()
            seeded_s = time.perf_counter() - started
            print(f"setup: {args.profiles:,} profiles, {args.missions} missions in {seeded_s:.1f} s")
            got = _child("measure", url, args)
            loaders = None if args.skip_orm else _child("compare-loaders", url, args)
    sizes = got["pool_bytes"]
    print(f"active profiles: {got['profiles']:,}")
    print(f"cold (load every active profile + encode): {got['cold_s']:.2f} s")
    print(f"refresh, nothing changed: {_ms(got['nochange'])}")
    for k in args.changes:
        print(f"refresh after {k} profile(s) changed: {_ms(got[f'changed_{k}'])}  [{args.runs} runs]")
    print(f"new mission's matches after 1 edit (refresh + score it): {_ms(got['mission_after_edit'])}")
    print(
        f"memory: pool {(sizes['text'] + sizes['arrays']) / MIB:.0f} MiB"
        f" (text CSR+CSC {sizes['text'] / MIB:.0f}, other arrays {sizes['arrays'] / MIB:.0f});"
        f" ProfileInput list {got['inputs_list_bytes'] / MIB:.0f} MiB;"
        f" child max RSS {got['rss_after_cold_mib']:.0f} MiB after the cold load,"
        f" {got['rss_after_refreshes_mib']:.0f} MiB after the refreshes"
    )
    print(f"refreshed pool equals a fresh encode of the final profiles: {got['verified']}")
    if loaders is not None:
        print(
            f"load {loaders['profiles']:,} profile inputs: Core selects {loaders['core_s']:.2f} s,"
            f" ORM objects {loaders['orm_s']:.2f} s ({loaders['orm_s'] / loaders['core_s']:.1f}x);"
            f" same inputs: {loaders['equal']}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--profiles", type=int, default=100_000)
    parser.add_argument("--missions", type=int, default=20)
    parser.add_argument("--changes", type=lambda s: [int(x) for x in s.split(",")], default=[1, 100])
    parser.add_argument("--runs", type=int, default=9, help="refreshes timed per number of changes")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--postgres-url", default=DEFAULT_POSTGRES)
    parser.add_argument("--skip-orm", action="store_true", help="leave out the (slow) ORM load comparison")
    parser.add_argument("--measure", metavar="URL", help=argparse.SUPPRESS)
    parser.add_argument("--compare-loaders", metavar="URL", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure or args.compare_loaders:
        with tempfile.TemporaryDirectory() as data_dir:
            if args.measure:
                result = asyncio.run(
                    measure(args.measure, args.changes, args.runs, args.seed, Path(data_dir))
                )
            else:
                result = asyncio.run(compare_loaders(args.compare_loaders, Path(data_dir)))
        print(json.dumps(result))
        return
    asyncio.run(_run(args))


if __name__ == "__main__":
    main()

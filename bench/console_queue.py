"""What an operator waits for in the console's review queue, with 5,000 pending matches.

Builds a throw-away database (the embedded SQLite default, and PostgreSQL), loads the demo data and a
synthetic pool, scores missions until the queue holds at least `--pending` pending matches, then
serves the app with `ctomatch serve` in a subprocess, exactly as in use. One client signs in to the
console as an operator, as a browser does, and times, one request at a time:

- the queue pages an operator opens (the default page, 50 and 100 rows, grouped by mission, one
  mission, a page far down the queue);
- a bulk decision of 50 ticked rows with one reason (the form's POST), and the page it leads to.

Each figure is the time to the last byte of the answer on the same machine: the server's time plus a
local round trip, database included.

    .venv/bin/python bench/console_queue.py                     # both backends
    .venv/bin/python bench/console_queue.py --backend sqlite    # the embedded default only
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import secrets
import statistics
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import httpx
from api import HOST, free_port, served
from synthetic_db import Prepared, _async_url, prepare_scored, scratch_postgres

CSRF_FIELD = re.compile(r'name="_csrf_token" value="([0-9a-f]+)"')
SELECTED_ROW = re.compile(r'name="selected" value="(\d+:\d+)"')
#: What a page must answer within (the issue's aim on this machine).
PAGE_AIM_MS = 200.0


@dataclass(frozen=True)
class Timing:
    name: str
    millis: list[float]
    rows: int

    def row(self) -> str:
        ordered = sorted(self.millis)
        p95 = ordered[min(len(ordered) - 1, round(0.95 * len(ordered)) - 1)]
        median = statistics.median(ordered)
        return f"| {self.name} | {self.rows} | {median:.0f} ms | {p95:.0f} ms | {ordered[-1]:.0f} ms |"


def _sign_in(client: httpx.Client, operator_key: str) -> None:
    """As the console's sign-in form does: its CSRF token, then the operator's key."""
    form = client.get("/console/sign-in")
    token = CSRF_FIELD.search(form.text)
    if token is None:
        raise RuntimeError("the sign-in page carries no CSRF token")
    answer = client.post("/console/sign-in", data={"api_key": operator_key, "_csrf_token": token.group(1)})
    if answer.status_code != 303:
        raise RuntimeError(f"sign-in answered {answer.status_code}")


def _timed_get(client: httpx.Client, path: str) -> tuple[float, str]:
    started = time.perf_counter()
    answer = client.get(path)
    millis = (time.perf_counter() - started) * 1000
    if answer.status_code != 200:
        raise RuntimeError(f"GET {path} answered {answer.status_code}")
    return millis, answer.text


def time_pages(client: httpx.Client, pages: Sequence[tuple[str, str]], runs: int) -> list[Timing]:
    timings = []
    for name, path in pages:
        _timed_get(client, path)  # warm-up: templates compiled, caches filled
        measured = [_timed_get(client, path) for _ in range(runs)]
        rows = len(SELECTED_ROW.findall(measured[-1][1]))
        timings.append(Timing(f"GET {name}", [m for m, _ in measured], rows))
    return timings


def time_bulk(client: httpx.Client, size: int, runs: int) -> tuple[Timing, Timing]:
    """Tick the first `size` pending rows of the queue and reject them with one reason, `runs` times
    (fresh rows each time); time the POST and the page it redirects to."""
    posts: list[float] = []
    after: list[float] = []
    path = f"/console/queue?limit={size if size in (10, 20, 50, 100) else 100}"
    for run in range(runs):
        _millis, page = _timed_get(client, path)
        ticked = SELECTED_ROW.findall(page)[:size]
        token = CSRF_FIELD.search(page)
        if len(ticked) < size or token is None:
            raise RuntimeError(f"the queue page shows {len(ticked)} rows to tick, {size} wanted")
        form = {
            "_csrf_token": token.group(1),
            "action": "reject",
            "reason": f"Bench run {run + 1}: budget too far from the market",
            "next": path,
            "selected": ticked,
        }
        started = time.perf_counter()
        answer = client.post("/console/queue/decisions", data=form)
        posts.append((time.perf_counter() - started) * 1000)
        if answer.status_code != 303:
            raise RuntimeError(f"the bulk decision answered {answer.status_code}")
        millis, page = _timed_get(client, answer.headers["location"])
        after.append(millis)
        if f"{size} matchs rejetés" not in page and f"{size} matches rejected" not in page:
            raise RuntimeError("the page after the bulk decision does not say the rows were rejected")
    return (
        Timing(f"POST a bulk rejection of {size} ticked rows", posts, size),
        Timing(f"GET the page after it ({size} decided rows kept in view)", after, size),
    )


def _bench_backend(args: argparse.Namespace, backend: str, runner: asyncio.Runner) -> None:
    secret_key = secrets.token_hex(16)
    with tempfile.TemporaryDirectory(prefix="ctomatch-bench-") as tmp:
        data_dir = Path(tmp)
        scratch = scratch_postgres(args.postgres_url) if backend == "postgresql" else None
        url = (
            _async_url(runner.run(scratch.__aenter__()))
            if scratch is not None
            else f"sqlite+aiosqlite:///{data_dir / 'ctomatch.db'}"
        )
        try:
            started = time.perf_counter()
            prepared = runner.run(
                prepare_scored(
                    url, secret_key, data_dir, args.profiles, args.missions, min_pending=args.pending
                )
            )
            print(
                f"\n## {backend}\n\nsetup: {prepared.profiles:,} synthetic profiles (+ the demo data), "
                f"{len(prepared.scored_mission_ids)} synthetic missions scored (+ the demo's open ones), "
                f"{prepared.matches:,} matches, {prepared.pending:,} pending, "
                f"in {time.perf_counter() - started:.0f} s",
                flush=True,
            )
            _serve_and_time(args, backend, url, secret_key, data_dir, prepared)
        finally:
            if scratch is not None:
                runner.run(scratch.__aexit__(None, None, None))


def _serve_and_time(
    args: argparse.Namespace, backend: str, url: str, secret_key: str, data_dir: Path, prepared: Prepared
) -> None:
    port = free_port()
    env = {
        **os.environ,
        # Production cookies are Secure, which a plain-HTTP client does not send back; the development
        # settings differ from production in that and in where sessions live (files, not Redis).
        "CTOMATCH_ENV": "development",
        "CTOMATCH_DATA_DIR": str(data_dir),
        "DATABASE_URL": url,
        "SECRET_KEY": secret_key,
        "API_HOST": HOST,
        "API_PORT": str(port),
        "RATE_LIMIT_PER_MINUTE": "100000000",
        "LOG_LEVEL": "WARNING",
    }
    mission = prepared.scored_mission_ids[0]
    deep = (prepared.pending // 2 // 50) * 50
    pages = [
        ("/console/queue (20 rows, by score)", "/console/queue"),
        ("/console/queue?limit=50", "/console/queue?limit=50"),
        ("/console/queue?limit=100&sort=mission&group=1", "/console/queue?limit=100&sort=mission&group=1"),
        ("/console/queue?mission_id=… (one mission)", f"/console/queue?mission_id={mission}&limit=50"),
        (f"/console/queue?offset={deep:,}&limit=50", f"/console/queue?offset={deep}&limit=50"),
    ]
    server = served([sys.executable, "-m", "service.cli", "serve"], env, port, "/api/v1/rate-grid")
    client = httpx.Client(base_url=f"http://{HOST}:{port}", headers={"Accept-Language": "fr"})
    with server, client:
        _sign_in(client, prepared.operator_key)
        timings = time_pages(client, pages, args.runs)
        timings += time_bulk(client, args.bulk_size, args.bulk_runs)
    print(
        f"\n{args.runs} runs per page after one warm-up, {args.bulk_runs} bulk decisions; "
        "one uvicorn worker process, one client, French pages\n"
    )
    print("| request | rows | median | p95 | max |")
    print("|---|---|---|---|---|")
    for timing in timings:
        print(timing.row())
    slowest = max(statistics.median(t.millis) for t in timings if t.name.startswith("GET"))
    verdict = "met" if slowest < PAGE_AIM_MS else "NOT met"
    aim = f"aim: a queue page under {PAGE_AIM_MS:.0f} ms (median)"
    print(f"\n{aim}: {verdict} (slowest median {slowest:.0f} ms)")


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backend", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--postgres-url", default="postgresql://postgres@127.0.0.1:5432/test")
    parser.add_argument("--profiles", type=int, default=5_000, help="synthetic profiles seeded")
    parser.add_argument("--missions", type=int, default=100, help="synthetic missions seeded")
    parser.add_argument("--pending", type=int, default=5_000, help="pending matches to reach before timing")
    parser.add_argument("--runs", type=int, default=20, help="timed requests per page")
    parser.add_argument("--bulk-size", type=int, default=50)
    parser.add_argument("--bulk-runs", type=int, default=10)
    args = parser.parse_args(argv)
    backends = ["sqlite", "postgresql"] if args.backend == "both" else [args.backend]
    print(f"load average (1, 5, 15 min) at the start: {', '.join(f'{v:.2f}' for v in os.getloadavg())}")
    with asyncio.Runner() as runner:
        for backend in backends:
            _bench_backend(args, backend, runner)


if __name__ == "__main__":
    main()

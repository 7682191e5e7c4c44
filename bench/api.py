"""Throughput and latency of the API's read lists over real HTTP, next to a bare Litestar hello-world.

Builds a throw-away PostgreSQL database (the demo data plus a synthetic pool of profiles, some
missions scored in-process so their match lists and the review queue are full), serves the app with
uvicorn in a subprocess, one worker process, exactly as `ctomatch serve` does, then serves a one-route
Litestar app the same way. A load generator in its own process (raw asyncio HTTP/1.1, N keep-alive
connections) sends a fixed number of requests to each endpoint and reports req/s, p50 and p99.

    .venv/bin/python bench/api.py                     # 100,000 profiles, 32 connections
    .venv/bin/python bench/api.py --profiles 5000     # quicker setup while developing
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import secrets
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections import Counter
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from synthetic_db import Prepared

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

HOST = "127.0.0.1"
#: The demo's open missions plus this many synthetic ones are scored; the match list rotates over them.
DEFAULT_SCORED_MISSIONS = 20


@dataclass(frozen=True)
class Endpoint:
    name: str
    paths: tuple[str, ...]


@dataclass(frozen=True)
class Measure:
    requests: int
    seconds: float
    p50_ms: float
    p99_ms: float
    statuses: dict[str, int]

    @property
    def per_second(self) -> float:
        return self.requests / self.seconds


# --- the load generator (runs in its own process) -----------------------------------------------


async def _read_response(reader: asyncio.StreamReader) -> int:
    """Reads one HTTP/1.1 response off a keep-alive connection; returns its status code."""
    head = await reader.readuntil(b"\r\n\r\n")
    status = int(head[9:12])
    length = 0
    chunked = False
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        name = name.strip().lower()
        if name == b"content-length":
            length = int(value)
        elif name == b"transfer-encoding" and b"chunked" in value.lower():
            chunked = True
    if chunked:
        while True:
            size = int((await reader.readuntil(b"\r\n")).split(b";")[0], 16)
            await reader.readexactly(size + 2)
            if size == 0:
                break
    elif length:
        await reader.readexactly(length)
    return status


class _Plan:
    """Hands out request numbers, whichever connection asks, until `total` are taken or time is up."""

    def __init__(self, total: int, seconds: float) -> None:
        self.total = total
        self.deadline = time.perf_counter() + seconds
        self.taken = 0

    def take(self) -> int | None:
        if self.taken >= self.total or time.perf_counter() >= self.deadline:
            return None
        self.taken += 1
        return self.taken - 1


async def _drive(
    connections: Sequence[tuple[asyncio.StreamReader, asyncio.StreamWriter]],
    requests: Sequence[bytes],
    total: int,
    seconds: float,
) -> tuple[list[float], Counter[int], float]:
    plan = _Plan(total, seconds)
    latencies: list[float] = []
    statuses: Counter[int] = Counter()

    async def one(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        while (number := plan.take()) is not None:
            started = time.perf_counter()
            writer.write(requests[number % len(requests)])
            status = await _read_response(reader)
            latencies.append(time.perf_counter() - started)
            statuses[status] += 1

    started = time.perf_counter()
    await asyncio.gather(*(one(r, w) for r, w in connections))
    return latencies, statuses, time.perf_counter() - started


def _percentile(sorted_values: Sequence[float], fraction: float) -> float:
    index = min(len(sorted_values) - 1, max(0, round(fraction * len(sorted_values)) - 1))
    return sorted_values[index]


async def _generate(args: argparse.Namespace) -> dict[str, Any]:
    headers = "".join(f"{h}\r\n" for h in args.header)
    host = f"Host: {HOST}:{args.port}\r\nAccept: application/json\r\n"
    requests = [f"GET {path} HTTP/1.1\r\n{host}{headers}\r\n".encode() for path in args.path]
    connections = [await asyncio.open_connection(HOST, args.port) for _ in range(args.connections)]
    try:
        await _drive(connections, requests, args.warmup, args.seconds)
        latencies, statuses, seconds = await _drive(connections, requests, args.requests, args.seconds)
    finally:
        for _, writer in connections:
            writer.close()
    ordered = sorted(latencies)
    return {
        "requests": len(ordered),
        "seconds": seconds,
        "p50_ms": _percentile(ordered, 0.50) * 1000,
        "p99_ms": _percentile(ordered, 0.99) * 1000,
        "statuses": {str(k): v for k, v in sorted(statuses.items())},
    }


def _run_generator(args: argparse.Namespace) -> None:
    try:
        import uvloop

        uvloop.install()
    except ImportError:  # the plain asyncio loop works too, a little slower
        pass
    print(json.dumps(asyncio.run(_generate(args))))


def measure(
    port: int,
    endpoint: Endpoint,
    headers: Sequence[str],
    connections: int,
    requests: int,
    warmup: int,
    seconds: float,
) -> Measure:
    """Runs the load generator in a process of its own, so it never shares the server's interpreter."""
    command = [sys.executable, __file__, "load", "--port", str(port), "--connections", str(connections)]
    command += ["--requests", str(requests), "--warmup", str(warmup), "--seconds", str(seconds)]
    for header in headers:
        command += ["--header", header]
    for path in endpoint.paths:
        command += ["--path", path]
    out = subprocess.run(command, check=True, capture_output=True, text=True).stdout  # noqa: S603
    data = json.loads(out)
    return Measure(data["requests"], data["seconds"], data["p50_ms"], data["p99_ms"], data["statuses"])


# --- the servers ----------------------------------------------------------------------------------


def hello_app() -> Any:
    """The baseline: one Litestar route, no middleware, no database."""
    from litestar import Litestar, get

    @get("/", sync_to_thread=False)
    def hello() -> dict[str, str]:
        return {"hello": "world"}

    return Litestar(route_handlers=[hello], logging_config=None)


def _serve_hello(args: argparse.Namespace) -> None:
    import uvicorn

    # The options of `ctomatch serve` (service.cli._serve) without a proxy.
    uvicorn.run(hello_app(), host=HOST, port=args.port, log_config=None, proxy_headers=False)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return int(probe.getsockname()[1])


def _wait_ready(port: int, path: str, process: subprocess.Popen[bytes], timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the server exited with status {process.returncode} before answering")
        try:
            with urllib.request.urlopen(f"http://{HOST}:{port}{path}", timeout=2):
                return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.2)
    raise RuntimeError(f"the server did not answer {path} within {timeout:.0f} s")


@contextmanager
def served(command: Sequence[str], env: dict[str, str], port: int, ready_path: str) -> Iterator[None]:
    process = subprocess.Popen(  # noqa: S603
        command, env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        _wait_ready(port, ready_path, process)
        yield
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


# --- the run --------------------------------------------------------------------------------------


def _row(name: str, m: Measure, baseline: Measure | None) -> str:
    share = f"{100 * m.per_second / baseline.per_second:.0f} %" if baseline else "100 %"
    bad = {k: v for k, v in m.statuses.items() if k != "200"}
    note = f"  (non-200: {bad})" if bad else ""
    figures = f"{m.requests:,} | {m.per_second:,.0f} | {m.p50_ms:.1f} ms | {m.p99_ms:.1f} ms"
    return f"| {name} | {figures} | {share} |{note}"


def _load_average() -> str:
    """The machine's load: on a shared machine it moves the figures more than code changes do."""
    return ", ".join(f"{value:.2f}" for value in os.getloadavg())


def _run(args: argparse.Namespace, secret_key: str, data_dir: Path) -> None:
    """Setup and teardown on one event loop; the servers and load generators run outside it."""
    from synthetic_db import _async_url, prepare_scored, scratch_postgres

    print(f"load average (1, 5, 15 min) at the start: {_load_average()}", flush=True)
    with asyncio.Runner() as runner:
        scratch = scratch_postgres(args.postgres_url)
        url = _async_url(runner.run(scratch.__aenter__()))
        try:
            started = time.perf_counter()
            prepared = runner.run(
                prepare_scored(
                    url, secret_key, data_dir, args.profiles, args.missions, n_scored=args.scored_missions
                )
            )
            print(
                f"setup: {prepared.profiles:,} synthetic profiles (+ the demo data), "
                f"{len(prepared.scored_mission_ids)} synthetic missions scored (+ the demo's open ones), "
                f"{prepared.matches:,} matches ({prepared.pending:,} pending) "
                f"in {time.perf_counter() - started:.1f} s",
                flush=True,
            )
            _bench(args, url, secret_key, data_dir, prepared)
        finally:
            runner.run(scratch.__aexit__(None, None, None))


def _bench(
    args: argparse.Namespace, database_url: str, secret_key: str, data_dir: Path, prepared: Prepared
) -> None:
    load = {
        "connections": args.connections,
        "requests": args.requests,
        "warmup": args.warmup,
        "seconds": args.seconds,
    }
    port = free_port()
    hello = Endpoint("hello world (bare Litestar)", ("/",))
    with served([sys.executable, __file__, "serve-hello", "--port", str(port)], dict(os.environ), port, "/"):
        baseline = measure(port, hello, [], **load)
    env = {
        **os.environ,
        "CTOMATCH_ENV": "production",
        "CTOMATCH_DATA_DIR": str(data_dir),
        "DATABASE_URL": database_url,
        "SECRET_KEY": secret_key,
        "API_HOST": HOST,
        "API_PORT": str(port := free_port()),
        "RATE_LIMIT_PER_MINUTE": "100000000",
        "LOG_LEVEL": args.log_level,
    }
    mission_paths = tuple(f"/api/v1/missions/{i}/matches" for i in prepared.scored_mission_ids)
    endpoints = [
        Endpoint(f"GET /missions/{{id}}/matches ({len(mission_paths)} missions in turn)", mission_paths),
        Endpoint("GET /review-queue", ("/api/v1/review-queue",)),
        Endpoint("GET /freelancers", ("/api/v1/freelancers",)),
    ]
    headers = [f"X-API-Key: {prepared.operator_key}"]
    results: list[tuple[str, Measure]] = []
    with served([sys.executable, "-m", "service.cli", "serve"], env, port, "/api/v1/rate-grid"):
        for endpoint in endpoints:
            results.append((endpoint.name, measure(port, endpoint, headers, **load)))
    print(
        f"\n{args.connections} keep-alive connections; per endpoint {args.warmup:,} warm-up requests, then "
        f"{args.requests:,} requests or {args.seconds:g} s, whichever ends first; "
        "one uvicorn worker process; default page (limit 20)\n"
    )
    print("| endpoint | requests | req/s | p50 | p99 | of hello-world req/s |")
    print("|---|---|---|---|---|---|")
    print(_row(hello.name, baseline, None))
    for name, result in results:
        print(_row(name, result, baseline))
    print("\ngoals: each list >= 25 % of the hello-world's req/s and p99 <= 20 ms")
    print(f"load average (1, 5, 15 min) at the end: {_load_average()}")


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command")
    load = sub.add_parser("load", help="(internal) the load generator")
    load.add_argument("--port", type=int, required=True)
    load.add_argument("--connections", type=int, default=32)
    load.add_argument("--requests", type=int, default=5000)
    load.add_argument("--warmup", type=int, default=500)
    load.add_argument("--seconds", type=float, default=20.0)
    load.add_argument("--header", action="append", default=[])
    load.add_argument("--path", action="append", required=True)
    hello = sub.add_parser("serve-hello", help="(internal) serve the hello-world app")
    hello.add_argument("--port", type=int, required=True)
    parser.add_argument("--postgres-url", default="postgresql://postgres@127.0.0.1:5432/test")
    parser.add_argument("--profiles", type=int, default=100_000)
    parser.add_argument("--missions", type=int, default=200, help="synthetic missions seeded")
    parser.add_argument("--scored-missions", type=int, default=DEFAULT_SCORED_MISSIONS)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--requests", type=int, default=5000, help="measured requests per endpoint")
    parser.add_argument("--warmup", type=int, default=500, help="requests per endpoint before measuring")
    parser.add_argument(
        "--seconds",
        type=float,
        default=20.0,
        help="at most this long per endpoint (and as long for the warm-up)",
    )
    parser.add_argument("--log-level", default="INFO", help="the server's LOG_LEVEL (INFO logs each request)")
    args = parser.parse_args(argv)
    if args.command == "load":
        _run_generator(args)
    elif args.command == "serve-hello":
        _serve_hello(args)
    else:
        with tempfile.TemporaryDirectory(prefix="ctomatch-bench-") as data_dir:
            _run(args, secrets.token_hex(16), Path(data_dir))


if __name__ == "__main__":
    main()

"""Benchmark of the scoring engine: prints timings, the speed-up over the per-pair loop, and memory.

Run from the repository root:  .venv/bin/python bench/scoring.py [--quick] [--postgres-url URL]
[--previous REV]. Section 0 runs the engine of commit REV (default: the last one before the current
engine version) on the same data in the same process and prints the time ratio of the two engines.
See bench/README.md for what each figure means. Data are synthetic and seeded (same numbers each run,
up to machine noise); nothing is written to disk.
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
import sys
import time
import tracemalloc
from collections.abc import Callable, Sequence
from datetime import date, timedelta
from functools import partial
from pathlib import Path
from typing import Any, TypeVar

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import previous_engine  # noqa: E402
from synthetic_text import CTO_VOCABULARY  # noqa: E402

from matching import factors as fx  # noqa: E402
from matching.engine import ALGORITHM_VERSION, score_mission_against_pool, top_matches  # noqa: E402
from matching.factors import presence_array, text_similarity  # noqa: E402
from matching.inputs import (  # noqa: E402
    CONTEXT_IDS,
    FACTOR_NAMES,
    Gates,
    MissionInput,
    PastRole,
    ProfileInput,
    RateGrid,
    Vocabulary,
    Weights,
)
from matching.pool import ProfilePool, encode_missions, encode_profiles  # noqa: E402
from matching.reference import reference_score_pool  # noqa: E402
from matching.text import mission_text, profile_text, text_vector, vectorise_texts  # noqa: E402
from service.reference.lexicon import concept_lexicon  # noqa: E402

T = TypeVar("T")


def _words(text: str) -> list[str]:
    return text.split()


CITIES = [
    "Paris", "Lyon", "Marseille", "Toulouse", "Bordeaux", "Lille", "Nantes", "Rennes", "Nice",
    "Strasbourg", "Montpellier", "Grenoble", "Sophia Antipolis", "Aix-en-Provence", "Genève",
]  # fmt: skip
REGION_OF = {
    "Paris": "Île-de-France", "Lyon": "Auvergne-Rhône-Alpes", "Grenoble": "Auvergne-Rhône-Alpes",
    "Marseille": "Provence-Alpes-Côte d'Azur", "Nice": "Provence-Alpes-Côte d'Azur",
    "Aix-en-Provence": "Provence-Alpes-Côte d'Azur", "Sophia Antipolis": "Provence-Alpes-Côte d'Azur",
    "Toulouse": "Occitanie", "Montpellier": "Occitanie", "Bordeaux": "Nouvelle-Aquitaine",
    "Lille": "Hauts-de-France", "Nantes": "Pays de la Loire", "Rennes": "Bretagne", "Strasbourg": "Grand Est",
}  # fmt: skip
PREVIOUS_ENGINE = "6249e5a"
"""The last commit of engine 2026.12-1 (before the deal-breaker gates, mobility and concepts)."""
FREE_SECTORS = ["healthtech", "e-commerce", "retail", "media", "energy", "insurance", "saas", "logistics"]
STACK = [
    "python", "java", "kotlin", "go", "rust", "typescript", "react", "vue", "node", "php", "symfony",
    "django", "aws", "gcp", "azure", "kubernetes", "docker", "terraform", "postgresql", "mongodb", "kafka",
    "salesforce", "sap", "hubspot", "swift", "flutter", "spark", "airflow", "snowflake", "linux",
]  # fmt: skip
WORDS = _words(CTO_VOCABULARY)


def pick(rng: random.Random, items: Sequence[T], weights: Sequence[float]) -> T:
    return rng.choices(items, weights=weights, k=1)[0]


def sentence(rng: random.Random, n_words: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(n_words))


def make_profiles(n: int, vocab: Vocabulary, grid: RateGrid, seed: int) -> list[ProfileInput]:
    """Years over every band, TJMs around the band's range, 4–12 competences, 6 months of availability."""
    rng = random.Random(seed)
    base = date(2027, 1, 4)
    tags = [*vocab.tag_ids, *FREE_SECTORS]
    profiles = []
    for i in range(n):
        band = rng.choice(grid.bands)
        hi_years = band.max_years if band.max_years is not None else 32.0
        years = round(rng.uniform(band.min_years, hi_years - 0.01), 1)
        if band.tjm_ceiling is not None:
            tjm = rng.uniform(band.tjm_low * 0.9, band.tjm_ceiling * 1.05)
        else:
            tjm = rng.gauss((band.tjm_low + band.tjm_high) / 2, (band.tjm_high - band.tjm_low) / 2 + 45)
        comps = rng.sample(vocab.competence_ids, rng.randint(4, 12))
        roles = tuple(
            PastRole(title="CTO", context=c, start_year=y, end_year=y + rng.randint(1, 5))
            for c, y in ((rng.choice(CONTEXT_IDS), rng.randint(2005, 2022)) for _ in range(rng.randint(0, 3)))
        )
        stack = tuple(rng.sample(STACK, rng.randint(3, 8)))
        sectors = tuple(rng.sample(tags, rng.randint(1, 3)))
        mobile = rng.random()
        mobility = (
            tuple(rng.sample([*CITIES, *set(REGION_OF.values())], rng.randint(1, 3))) if mobile < 0.3 else ()
        )
        profiles.append(
            ProfileInput(
                id=i + 1,
                years_experience=years,
                tjm=max(150, int(round(tjm / 5) * 5)),
                available_from=base + timedelta(days=rng.randint(-30, 180)),
                days_per_week=pick(rng, [1, 2, 3, 4, 5], [3, 7, 20, 30, 40]),
                remote_preference=pick(rng, ["remote", "hybrid", "onsite", "flexible"], [25, 35, 15, 25]),
                location=rng.choice(CITIES),
                orientation=pick(rng, ["cto", "dsi", "both"], [50, 20, 30]),
                competences={c: pick(rng, [1, 2, 3, 4, 5], [5, 15, 30, 30, 20]) for c in comps},
                cto_missions=tuple(rng.sample(vocab.cto_mission_ids, rng.randint(1, 6))),
                sectors=sectors,
                past_role_contexts=tuple(r.context for r in roles),
                past_roles=roles,
                stack=stack,
                headline=f"CTO freelance {sectors[0]} {' '.join(stack[:2])}",
                summary=sentence(rng, rng.randint(30, 70)),
                active=rng.random() < 0.95,
                mobility=mobility,
                mobility_anywhere=0.3 <= mobile < 0.35,
            )
        )
    return profiles


def make_missions(m: int, vocab: Vocabulary, grid: RateGrid, seed: int) -> list[MissionInput]:
    rng = random.Random(seed)
    base = date(2027, 1, 4)
    missions = []
    for j in range(m):
        band = pick(rng, grid.bands, [2, 5, 15, 30, 30, 18])
        budget_centre = rng.uniform(band.tjm_low * 0.85, (band.tjm_ceiling or band.tjm_high) * 1.1)
        width = rng.choice([0, 50, 100, 150])
        comps = rng.sample(vocab.competence_ids, rng.randint(3, 9))
        n_req = rng.randint(1, min(5, len(comps)))
        start = base + timedelta(days=rng.randint(0, 120))
        city = rng.choice(CITIES)
        missions.append(
            MissionInput(
                id=j + 1,
                title=f"CTO {rng.choice(['freelance', 'de transition', 'part-time', 'interim'])} "
                f"{sentence(rng, 3)}",
                description=sentence(rng, rng.randint(40, 80)),
                orientation=pick(rng, ["cto", "dsi", "both"], [55, 20, 25]),
                seniority=band.id,
                tjm_min=max(100, int(budget_centre - width / 2) // 5 * 5),
                tjm_max=max(100, int(budget_centre + width / 2) // 5 * 5),
                start_date=start,
                end_date=None if rng.random() < 0.3 else start + timedelta(days=rng.randint(60, 365)),
                days_per_week=pick(rng, [1, 2, 3, 4, 5], [5, 15, 30, 25, 25]),
                remote_policy=pick(rng, ["remote", "hybrid", "onsite"], [30, 50, 20]),
                location=city,
                region=REGION_OF.get(city, ""),
                sector=rng.choice([*vocab.tag_ids, *FREE_SECTORS]),
                context=rng.choice(CONTEXT_IDS),
                cto_missions=tuple(rng.sample(vocab.cto_mission_ids, rng.randint(1, 4))),
                required_competences=tuple(comps[:n_req]),
                nice_competences=tuple(comps[n_req:]),
                is_open=rng.random() < 0.97,
            )
        )
    return missions


def timed(fn: Callable[[], T]) -> tuple[float, T]:
    """Wall time of one call, with the cyclic GC paused as timeit does (a collection of the 100k
    long-lived profile objects landing inside a timed section would measure the generator, not scoring)."""
    gc.collect()
    gc.disable()
    try:
        t0 = time.perf_counter()
        result = fn()
        return time.perf_counter() - t0, result
    finally:
        gc.enable()


def fmt_s(seconds: float) -> str:
    if seconds < 1e-3:
        return f"{seconds * 1e6:.0f} µs"
    if seconds < 1:
        return f"{seconds * 1e3:.1f} ms"
    return f"{seconds:.2f} s"


# --- PostgreSQL comparison -----------------------------------------------------------------------------
def _sql_array(values: Sequence[float]) -> str:
    return "ARRAY[" + ",".join(repr(float(v)) for v in values) + "]::float8[]"


def _sql_query(pool: ProfilePool, mission: MissionInput, weights: Weights, k: int | None) -> str:
    """The structured formula over the TEMP table, mission values inlined as numeric literals.

    Availability is the coverage of `matching.factors.availability_fit` (time share × days share) and
    the total is scaled by the coverage gate, min(1, coverage / COVERAGE_GATE), as in
    `matching.engine.weighted_total`; the deal-breaker gates are left out (compared with
    `Gates.off()`), and whether the freelancer can be in the mission's city comes as a column.
    """
    batch = encode_missions([mission], pool.vocab, pool.grid)
    vocab, grid = pool.vocab, pool.grid
    w = weights.as_dict()
    comp_w = batch.competence_weights[0]
    comp_terms = " + ".join(
        f"{float(comp_w[c])!r} * comp[{c + 1}]" for c in range(len(vocab.competence_ids)) if comp_w[c] > 0
    )
    comp_sum = float(batch.competence_weight_sum[0])
    structured = f"(({comp_terms}) / {comp_sum!r})" if comp_sum > 0 else "1.0"
    cto = batch.cto_requested[0]
    cto_terms = " + ".join(f"cto[{c + 1}]" for c in range(len(vocab.cto_mission_ids)) if cto[c] > 0)
    cto_cov = f"(({cto_terms}) / {float(cto.sum())!r})" if cto.sum() > 0 else "1.0"
    n_bands = len(grid.bands)
    gap_lut = [fx.experience_fit_for_gap(g) for g in range(-(n_bands - 1), n_bands)]
    mband = int(batch.band_index[0])
    tmax = float(mission.tjm_max)
    start = float(mission.start_date.toordinal())
    if mission.end_date is None:
        # open ended: the company waits, 1 / (1 + (days late / AVAILABILITY_HALF_DAYS)²)
        time_share = (
            f"1.0 / (1.0 + power(greatest(avail - {start!r}, 0.0) / {fx.AVAILABILITY_HALF_DAYS!r}, 2))"
        )
    else:
        # dated: share of the mission's days still ahead, clip((end + 1 − avail) / (end − start + 1), 0, 1)
        day_after_end = float(mission.end_date.toordinal() + 1)
        length = float((mission.end_date - mission.start_date).days + 1)
        time_share = f"least(1.0, greatest(0.0, ({day_after_end!r} - avail) / {length!r}))"
    pol = mission.remote_policy
    prefs = ["remote", "hybrid", "onsite", "flexible"]
    remote_lut = [fx.REMOTE_FIT[(p, pol)] or 0.0 for p in prefs]
    excl_lut = ["true" if fx.REMOTE_FIT[(p, pol)] is None else "false" for p in prefs]
    loc_share = 0.0 if pol == "remote" else fx.LOCATION_SHARE
    orient_lut = [fx.ORIENTATION_FIT[(mission.orientation, po)] for po in ("cto", "dsi", "both")]
    ctx = int(batch.context[0])
    sector_tag = int(batch.sector_tag[0])
    context_tag = int(batch.context_tag[0])
    role_col = f"role_ctx[{ctx + 1}]" if ctx < len(vocab.context_ids) else "0.0"
    tag_hits = [f"tags[{t + 1}]" for t in {sector_tag, context_tag} if t < len(vocab.tag_ids)]
    hit = f"(CASE WHEN {' OR '.join(tag_hits)} THEN 1.0 ELSE 0.0 END)" if tag_hits else "0.0"
    days = mission.days_per_week
    closed = "false" if mission.is_open else "true"  # a closed mission excludes every profile
    return f"""
WITH f AS (
  SELECT id,
    {fx.STRUCTURED_SHARE!r} * {structured} + {fx.TEXT_SHARE!r} * text_sim AS competences,
    {cto_cov} AS cto_missions,
    ({_sql_array(gap_lut)})[band - {mband} + {n_bands}] AS experience,
    {fx.BUDGET_SHARE!r} * exp(-{fx.BUDGET_DECAY!r} * greatest(tjm - {tmax!r}, 0.0) / {tmax!r})
      + {fx.MARKET_SHARE!r} * market_over * (1.0 - {fx.UNDERPRICED_MAX_PENALTY!r} * least(1.0, greatest(0.0,
          ((1.0 - least(tjm, {tmax!r}) / band_low) - {fx.UNDERPRICED_FREE!r}) / {fx.UNDERPRICED_SPAN!r})))
      AS tjm_fit,
    ({time_share}) * (least(days, {days})::float8 / {float(days)!r}) AS availability,
    ({_sql_array(remote_lut)})[remote + 1]
      * ((1.0 - {loc_share!r}) + {loc_share!r} * (CASE WHEN present THEN 1.0 ELSE 0.0 END))
      AS remote_location,
    {fx.ROLE_CONTEXT_SHARE!r} * {role_col} + {fx.SECTOR_SHARE!r} * {hit} AS sector_context,
    ({_sql_array(orient_lut)})[orientation + 1] AS orientation,
    {closed} OR (NOT active) OR (ARRAY[{",".join(excl_lut)}])[remote + 1] AS excluded
  FROM bench_pool
)
SELECT id, round((100.0 * ({w["competences"]!r} * competences + {w["cto_missions"]!r} * cto_missions
  + {w["experience"]!r} * experience + {w["tjm"]!r} * tjm_fit + {w["availability"]!r} * availability
  + {w["remote_location"]!r} * remote_location + {w["sector_context"]!r} * sector_context
  + {w["orientation"]!r} * orientation)
  * least(1.0, availability / {fx.COVERAGE_GATE!r}))::numeric, 2)::float8 AS total
FROM f WHERE NOT excluded
ORDER BY total DESC, id {"" if k is None else f"LIMIT {k}"}
"""


async def postgres_comparison(
    url: str, pool: ProfilePool, mission: MissionInput, weights: Weights, k: int, vector_time: float
) -> None:
    try:
        import asyncpg
    except ImportError as exc:
        print(f"4. SQL comparison skipped: asyncpg not importable ({exc})")
        return
    try:
        conn = await asyncio.wait_for(asyncpg.connect(url), timeout=5)
    except Exception as exc:
        print(f"4. SQL comparison skipped: cannot connect to {url} ({type(exc).__name__}: {exc})")
        return
    try:
        n = len(pool)
        text_sim = score_text_similarity(pool, mission)
        batch = encode_missions([mission], pool.vocab, pool.grid)
        present = presence_array(
            pool.places_by_feature, batch.places, pool.mobility_anywhere, batch.has_city
        )[0]
        terms = pool.terms
        role_ctx = terms.role_context_by_context[:-1].T
        tags = terms.tags_by_tag[:-1].T
        await conn.execute(
            """CREATE TEMP TABLE bench_pool (
                id bigint PRIMARY KEY, comp float8[], cto float8[], band int, tjm float8,
                band_low float8, market_over float8, avail float8, days int, remote int, present bool,
                orientation int, role_ctx float8[], tags bool[], active bool, text_sim float8)"""
        )
        records = [
            (
                int(pool.ids[i]),
                pool.competence_credit[i].astype(float).tolist(),
                pool.cto_missions_done[i].astype(float).tolist(),
                int(pool.band_index[i]),
                float(pool.tjm[i]),
                float(1.0 / terms.inv_band_low[i]),
                float(terms.market_over[i]),
                float(pool.available_from[i]),
                int(pool.days_per_week[i]),
                int(pool.remote_preference[i]),
                bool(present[i]),
                int(pool.orientation[i]),
                role_ctx[i].astype(float).tolist(),
                tags[i].tolist(),
                bool(pool.active[i]),
                float(text_sim[i]),
            )
            for i in range(n)
        ]
        load_time, _ = await atimed(conn.copy_records_to_table("bench_pool", records=records))
        await conn.execute("ANALYZE bench_pool")
        query = _sql_query(pool, mission, weights, k)
        await conn.fetch(query)  # warm-up
        runs = []
        for _ in range(5):
            elapsed, _ = await atimed(conn.fetch(query))
            runs.append(elapsed)
        sql_time = statistics.median(runs)
        vec = score_mission_against_pool(mission, pool, pool.grid, weights, gates=Gates.off())
        by_id = dict(zip(vec.profile_ids.tolist(), vec.total.tolist(), strict=True))
        every = await conn.fetch(_sql_query(pool, mission, weights, None))  # all rows, for the check
        max_diff = max((abs(r["total"] - by_id[r["id"]]) for r in every), default=0.0)
        same_set = len(every) == int((~vec.excluded).sum())
        print(
            f"4. PostgreSQL ({await conn.fetchval('SHOW server_version')}), 1 mission × {n:,} profiles, "
            f"structured formula (without the deal-breaker gates) in one query + ORDER BY LIMIT {k}\n"
            f"   (text similarity and the per-profile market terms precomputed in numpy and loaded as "
            f"columns; one-off COPY of the "
            f"arrays {fmt_s(load_time)}, not timed)\n"
            f"   SQL median of 5: {fmt_s(sql_time)}; vectorised numpy: {fmt_s(vector_time)}; "
            f"SQL/numpy = {sql_time / vector_time:.1f}×\n"
            f"   check: SQL scores all {len(every):,} non-excluded profiles "
            f"({'same set' if same_set else 'DIFFERENT set'} as numpy), max |total diff| {max_diff:.2f}"
        )
    finally:
        await conn.close()


async def atimed(awaitable: Any) -> tuple[float, Any]:
    t0 = time.perf_counter()
    result = await awaitable
    return time.perf_counter() - t0, result


def score_text_similarity(pool: ProfilePool, mission: MissionInput) -> np.ndarray[Any, np.dtype[np.float32]]:
    block = text_similarity(
        pool.text_by_feature, vectorise_texts([mission_text(mission)], pool.vocab.lexicon)
    )
    row: np.ndarray[Any, np.dtype[np.float32]] = block[0]
    return row


# --- main ------------------------------------------------------------------------------------------------
def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--profiles", type=int, default=100_000)
    parser.add_argument("--missions", type=int, default=1_000)
    parser.add_argument("--top-k", type=int, default=50)
    parser.add_argument("--runs", type=int, default=25, help="runs for the single-mission median (>= 20)")
    parser.add_argument("--reference-sample", type=int, default=2_000)
    parser.add_argument("--mission-chunk", type=int, default=64)
    parser.add_argument("--profile-chunk", type=int, default=8_192)
    parser.add_argument("--postgres-url", default=None)
    parser.add_argument("--quick", action="store_true", help="small sizes for a smoke run")
    parser.add_argument("--seed", type=int, default=20261123)
    parser.add_argument("--previous", default=PREVIOUS_ENGINE, help="commit of the engine to compare with")
    args = parser.parse_args(argv)
    if args.quick:
        args.profiles, args.missions, args.runs, args.reference_sample = 5_000, 50, 20, 300

    taxonomy = json.loads((ROOT / "fixtures" / "taxonomy.json").read_text(encoding="utf-8"))
    grid = RateGrid.from_mapping(
        json.loads((ROOT / "fixtures" / "rate_grid.json").read_text(encoding="utf-8"))
    )
    vocab = Vocabulary.from_taxonomy(taxonomy, lexicon=concept_lexicon())
    weights = Weights()

    print(
        f"ctomatch scoring benchmark — Python {platform.python_version()}, numpy {np.__version__}, "
        f"{platform.machine()}, seed {args.seed}"
    )
    gen_time, profiles = timed(lambda: make_profiles(args.profiles, vocab, grid, args.seed))
    missions = make_missions(args.missions, vocab, grid, args.seed + 1)
    enc_time, pool = timed(lambda: encode_profiles(profiles, vocab, grid))
    print(
        f"setup (not timed below): generated {len(profiles):,} profiles in {fmt_s(gen_time)}; "
        f"encoded the pool once in {fmt_s(enc_time)} "
        f"({pool.text.nnz / len(pool):.0f} text features/profile)"
    )

    # 0. the previous engine on the same data, in the same process
    compare_with_previous(args, taxonomy, grid, profiles, missions, pool, weights)

    # 1. one mission against the whole pool
    mission = missions[0]
    score_mission_against_pool(mission, pool, grid, weights)  # warm-up
    single_runs = []
    for j in range(args.runs):
        current = missions[j % len(missions)]
        elapsed, _ = timed(partial(score_mission_against_pool, current, pool, grid, weights))
        single_runs.append(elapsed)
    single = statistics.median(single_runs)
    print(
        f"1. one mission × {len(pool):,} profiles, all {len(FACTOR_NAMES)} factors + totals (pool encoded "
        f"once beforehand, not timed; the mission's own encoding is included):\n"
        f"   median {fmt_s(single)} over {args.runs} runs, min {fmt_s(min(single_runs))}, "
        f"max {fmt_s(max(single_runs))}  [target ≤ 50 ms]"
    )

    # 2. many missions, top-k each
    def run_many(batch: Sequence[MissionInput]) -> list[Any]:
        return top_matches(
            batch,
            pool,
            grid,
            weights,
            k=args.top_k,
            mission_chunk=args.mission_chunk,
            profile_chunk=args.profile_chunk,
        )

    many_time, results = timed(lambda: run_many(missions))
    kept = sum(len(r.profile_ids) for r in results)
    pairs = len(missions) * len(pool)
    print(
        f"2. {len(missions):,} missions × {len(pool):,} profiles, top {args.top_k} per mission "
        f"(chunks of {args.mission_chunk} missions × {args.profile_chunk:,} profiles):\n"
        f"   {fmt_s(many_time)} = {pairs / many_time / 1e6:.1f} M pairs/s; {kept:,} matches kept  "
        f"[target ≤ 30 s]"
    )

    # 3. the per-pair pure-Python reference
    sample = profiles[: args.reference_sample]
    vectors = [text_vector(profile_text(p), vocab.lexicon) for p in sample]  # tokenising kept out
    ref_runs = []
    for _ in range(3):
        elapsed, ref = timed(
            lambda: reference_score_pool(mission, sample, vocab, grid, weights, profile_vectors=vectors)
        )
        ref_runs.append(elapsed)
    ref_time = statistics.median(ref_runs)
    extrapolated = ref_time * len(pool) / len(sample)
    vec = score_mission_against_pool(mission, pool, grid, weights)
    max_diff = max(abs(r.total - float(vec.total[i])) for i, r in enumerate(ref))
    print(
        f"3. per-pair pure-Python reference, 1 mission × {len(sample):,} profiles: {fmt_s(ref_time)} "
        f"(median of 3, {ref_time / len(sample) * 1e6:.0f} µs/pair)\n"
        f"   extrapolated to 1 × {len(pool):,}: {fmt_s(extrapolated)}; vectorised/reference speed ratio "
        f"{extrapolated / single:,.0f}×  [target ≥ 100×]; max |total diff| on the sample {max_diff:.2f}"
    )

    # 4. PostgreSQL
    if args.postgres_url:
        asyncio.run(postgres_comparison(args.postgres_url, pool, mission, weights, args.top_k, single))
    else:
        print("4. SQL comparison skipped: no --postgres-url given")

    # 5. memory
    tracemalloc.start()
    score_mission_against_pool(mission, pool, grid, weights)
    _, single_peak = tracemalloc.get_traced_memory()
    peaks = []
    for batch in (missions[: max(1, len(missions) // 4)], missions):
        tracemalloc.reset_peak()
        run_many(batch)
        peaks.append((len(batch), tracemalloc.get_traced_memory()[1]))
    tracemalloc.stop()
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
    many = "; ".join(f"{n:,} missions: {peak / 2**20:.1f} MiB" for n, peak in peaks)
    print(
        f"5. memory (tracemalloc peak of the scoring call, the encoded pool excluded):\n"
        f"   one mission × {len(pool):,}: {single_peak / 2**20:.1f} MiB; top_matches with {many} "
        f"(bounded by the chunk sizes)\n"
        f"   encoded pool: {pool_nbytes(pool) / 2**20:.0f} MiB; process max RSS: {rss:.0f} MiB "
        f"(includes the {len(profiles):,} Python profile objects and the generator)"
    )


def compare_with_previous(
    args: argparse.Namespace,
    taxonomy: dict[str, Any],
    grid: RateGrid,
    profiles: Sequence[ProfileInput],
    missions: Sequence[MissionInput],
    pool: ProfilePool,
    weights: Weights,
) -> None:
    """Time the engine of `args.previous` and the current one on the same profiles and missions: one
    mission × the pool (median, runs interleaved) and every mission × the pool with a top k."""
    try:
        old = previous_engine.load(args.previous)
    except previous_engine.PreviousEngineUnavailable as exc:
        print(f"0. comparison with the previous engine skipped: {exc}")
        return
    inputs, engine = old["inputs"], old["engine"]
    old_vocab = inputs.Vocabulary.from_taxonomy(taxonomy)
    old_grid = inputs.RateGrid.from_mapping(
        json.loads((ROOT / "fixtures" / "rate_grid.json").read_text(encoding="utf-8"))
    )
    old_weights = inputs.Weights()
    old_missions = [previous_engine.convert(m, inputs.MissionInput) for m in missions]
    old_pool = old["pool"].encode_profiles(
        [previous_engine.convert(p, inputs.ProfileInput) for p in profiles], old_vocab, old_grid
    )
    engine.score_mission_against_pool(old_missions[0], old_pool, old_grid, old_weights)  # warm-up
    score_mission_against_pool(missions[0], pool, grid, weights)
    old_runs, new_runs = [], []
    for j in range(args.runs):
        i = j % len(missions)
        old_runs.append(
            timed(
                partial(engine.score_mission_against_pool, old_missions[i], old_pool, old_grid, old_weights)
            )[0]
        )
        new_runs.append(timed(partial(score_mission_against_pool, missions[i], pool, grid, weights))[0])
    chunks = {"k": args.top_k, "mission_chunk": args.mission_chunk, "profile_chunk": args.profile_chunk}
    old_many, _ = timed(lambda: engine.top_matches(old_missions, old_pool, old_grid, old_weights, **chunks))
    new_many, _ = timed(lambda: top_matches(missions, pool, grid, weights, **chunks))
    old_single, new_single = statistics.median(old_runs), statistics.median(new_runs)
    print(
        f"0. previous engine ({args.previous}, {engine.ALGORITHM_VERSION}) against this one "
        f"({ALGORITHM_VERSION}), same data, same process:\n"
        f"   one mission × {len(pool):,}: median {fmt_s(old_single)} → {fmt_s(new_single)} "
        f"(ratio {new_single / old_single:.2f}×, {args.runs} interleaved runs)  [target ≤ 1.5×]\n"
        f"   {len(missions):,} missions × {len(pool):,}, top {args.top_k}: {fmt_s(old_many)} → "
        f"{fmt_s(new_many)} (ratio {new_many / old_many:.2f}×)  [target ≤ 1.5×]"
    )


def pool_nbytes(pool: ProfilePool) -> int:
    total = 0
    for matrix in (pool.text, pool.text_by_feature, pool.places, pool.places_by_feature):
        total += matrix.data.nbytes + matrix.indices.nbytes + matrix.indptr.nbytes
    for value in (
        *(getattr(pool, n) for n in pool.__slots__),
        *(getattr(pool.terms, n) for n in pool.terms.__slots__),
    ):
        if isinstance(value, np.ndarray):
            total += value.nbytes
    return total


if __name__ == "__main__":
    main()

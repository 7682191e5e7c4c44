"""Benchmark of the concept lexicon: `Lexicon.concept_ids` over a pool of synthetic profile texts.

Run from the repository root:
    .venv/bin/python bench/lexicon.py [--texts 100000] [--chars 400] [--runs 3] [--seed 7]

The engine calls `concept_ids` on every profile text when it encodes a pool, so its cost per text is
what a cold load of 100,000 profiles pays on top of hashing the words. Texts are drawn from a seeded
French/English CTO vocabulary (the words of bench/scoring.py, plus accented and plural forms and
apostrophes), cut to about `--chars` characters. It prints the median over `--runs` passes (cyclic GC
paused, as `timeit` does) per text and per 100 characters, against the target of 15 µs per 100
characters, and the time of `find` (the suggestions' path, which also keeps the words) for comparison.
"""

from __future__ import annotations

import argparse
import gc
import json
import platform
import random
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from synthetic_text import CTO_VOCABULARY  # noqa: E402

from matching.concepts import Lexicon  # noqa: E402

TARGET_US_PER_100_CHARS = 15.0
VOCABULARY_TEXT = (
    f"{CTO_VOCABULARY} l'équipe d'architecture qu'il développements applications Systèmes d'Information, ; "
    ": — (équipes) acceptance testing technical specifications pre-sales tenders innovation watch mobile "
    "application"
)
VOCABULARY = VOCABULARY_TEXT.split(" ")


def synthetic_texts(count: int, chars: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    texts = []
    for _ in range(count):
        words: list[str] = []
        length = 0
        while length < chars:
            word = rng.choice(VOCABULARY)
            words.append(word)
            length += len(word) + 1
        texts.append(" ".join(words)[:chars])
    return texts


def timed(run: Callable[[], object], runs: int) -> tuple[list[float], list[float]]:
    """Wall-clock and CPU seconds of each run (CPU time stays meaningful on a busy machine)."""
    walls, cpus = [], []
    for _ in range(runs):
        gc.collect()
        gc.disable()
        try:
            start, cpu = time.perf_counter(), time.process_time()
            run()
            walls.append(time.perf_counter() - start)
            cpus.append(time.process_time() - cpu)
        finally:
            gc.enable()
    return walls, cpus


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--texts", type=int, default=100_000)
    parser.add_argument("--chars", type=int, default=400)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()

    document = json.loads((ROOT / "fixtures" / "lexicon.json").read_text(encoding="utf-8"))
    lexicon = Lexicon.from_mapping(document)
    texts = synthetic_texts(args.texts, args.chars, args.seed)
    mean_chars = statistics.fmean(len(t) for t in texts)
    found = sum(len(lexicon.concept_ids(t)) for t in texts)
    print(
        f"python {platform.python_version()} on {platform.machine()}, {len(lexicon.ids)} concepts, "
        f"{len(lexicon.expressions)} expressions"
    )
    print(
        f"{len(texts):,} texts of {mean_chars:.0f} characters on average, {found / len(texts):.1f} "
        "concepts found per text"
    )

    walls, cpus = timed(lambda: [lexicon.concept_ids(t) for t in texts], args.runs)
    per_text = statistics.median(cpus) / len(texts) * 1e6
    per_100 = per_text * 100 / mean_chars
    verdict = "within" if per_100 <= TARGET_US_PER_100_CHARS else "OVER"
    print(
        f"concept_ids: {per_text:.1f} µs CPU per text, {per_100:.2f} µs per 100 characters "
        f"({verdict} the target of {TARGET_US_PER_100_CHARS:.0f}); the pool: "
        f"{statistics.median(cpus):.2f} s CPU, {statistics.median(walls):.2f} s wall-clock "
        f"(min {min(walls):.2f}, max {max(walls):.2f})"
    )

    sample = texts[: min(len(texts), 20_000)]
    _, find_cpus = timed(lambda: [lexicon.find(t) for t in sample], args.runs)
    find_per_text = statistics.median(find_cpus) / len(sample) * 1e6
    print(
        f"find (with the words): {find_per_text:.1f} µs CPU per text, "
        f"{find_per_text * 100 / mean_chars:.2f} µs per 100 characters (on {len(sample):,} texts)"
    )


if __name__ == "__main__":
    main()

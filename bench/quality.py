"""Ranking quality of the matching engine against the hand-labelled set ``fixtures/evaluation.json``.

Run from the repository root:
    .venv/bin/python bench/quality.py [--set original|extended|both] [--k 5] [--shuffles 200] [--seed 7]

Two sets (``--set``, default both):

- *original*: the labelled open demo missions (``evaluation.json["missions"]``) ranked over the demo pool;
- *extended*: the original missions plus the evaluation-only missions of ``evaluation.json["extended"]``,
  ranked over the demo pool plus the evaluation-only profiles (traps and fits: budget overshoot,
  remote-only and other-city freelancers on hybrid missions, CTO vs DSI, fewer days, late starts,
  English profile texts for French missions). An original mission keeps its labels and gains the grades
  of the extended profiles labelled for it.

For every evaluation mission the engine (default ``Weights()``) scores the WHOLE pool of the set
(``fixtures/demo/freelancers.json``, plus the evaluation-only profiles for *extended*) and ranks it as
the service does: total descending,
ties broken by profile id (excluded pairs score 0 and so come last). The ranking is then compared with
the recruiter's 0–3 grades of the mission's labelled profiles:

- NDCG@k with graded gains 2^grade − 1 and the ideal DCG taken from the mission's labels, in two
  variants: *pool* (the engine's top k over the whole pool; an unlabelled profile in the top k counts as
  grade 0) and *labelled* (the ranking restricted to the labelled profiles, engine order kept);
- AP with "relevant" = grade ≥ 2, over the ranking restricted to the labelled profiles; MAP is the mean
  over missions.

A random ranking of the pool (mean over seeded shuffles) is printed alongside, so the figures can be
judged. With ``--set both`` a last table puts the means of the two sets (and of the evaluation-only
missions alone) side by side; the extended set prints the top k of the evaluation-only missions and of
the original missions an evaluation-only profile entered. It prints figures and exits: it is not a test
(tests/unit/test_quality_floor.py is) and writes nothing. The metric functions are pure and importable.
"""

from __future__ import annotations

import argparse
import json
import math
import random
import statistics
import sys
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from matching import (  # noqa: E402
    Gates,
    RateGrid,
    Vocabulary,
    Weights,
    encode_missions,
    encode_profiles,
    score_mission_against_pool,
)
from service.batch_scoring import mission_from_record, profile_from_record  # noqa: E402
from service.reference.lexicon import concept_lexicon  # noqa: E402

FIXTURES = ROOT / "fixtures"
DEFAULT_K = 5
RELEVANT_GRADE = 2
Json = dict[str, Any]


# --- metrics (pure) ------------------------------------------------------------------------------------


def gain(grade: int) -> float:
    """Graded gain of a relevance grade: 2^grade − 1 (0, 1, 3, 7 for grades 0–3)."""
    return float(2**grade - 1)


def dcg_at_k(grades: Sequence[int], k: int) -> float:
    """Discounted cumulative gain of the first k grades of a ranking (best first).

    DCG@k = Σ_{i=1..k} (2^grade_i − 1) / log2(i + 1); a ranking shorter than k just stops early.
    """
    return math.fsum(gain(g) / math.log2(i + 2) for i, g in enumerate(grades[:k]))


def ndcg_at_k(ranked_grades: Sequence[int], label_grades: Sequence[int], k: int = DEFAULT_K) -> float:
    """DCG@k of a ranking divided by the ideal DCG@k of the labels (the labels sorted best first).

    `ranked_grades` are the grades of the ranking's items in ranking order (0 for an unlabelled item);
    `label_grades` are all the grades labelled for the query, in any order. Returns a value in [0, 1],
    and 0.0 when no label has a positive gain (nothing to find).
    """
    if k <= 0:
        raise ValueError("k must be positive")
    ideal = dcg_at_k(sorted(label_grades, reverse=True), k)
    if ideal == 0.0:
        return 0.0
    return dcg_at_k(ranked_grades, k) / ideal


def average_precision(ranked_grades: Sequence[int], relevant_grade: int = RELEVANT_GRADE) -> float:
    """Average precision of a ranking where an item is relevant when its grade is ≥ `relevant_grade`.

    AP = mean over the relevant items of the precision at their rank; every relevant item is assumed
    to be in the ranking (true when the ranking is the engine's order restricted to the labelled
    profiles). 0.0 when there is no relevant item.
    """
    hits = 0
    precisions: list[float] = []
    for rank, grade in enumerate(ranked_grades, start=1):
        if grade >= relevant_grade:
            hits += 1
            precisions.append(hits / rank)
    return math.fsum(precisions) / len(precisions) if precisions else 0.0


def restrict(ranking: Sequence[str], keep: Mapping[str, int]) -> list[str]:
    """The ranking with only the items present in `keep`, order unchanged."""
    return [item for item in ranking if item in keep]


# --- evaluation ----------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class MissionQuality:
    """The figures of one evaluation mission."""

    ref: str
    n_labels: int
    ndcg_pool: float
    """NDCG@k of the top k of the whole pool (unlabelled profiles count as grade 0)."""
    ndcg_labelled: float
    """NDCG@k of the ranking restricted to the labelled profiles."""
    average_precision: float
    """AP (relevant = grade ≥ 2) of the ranking restricted to the labelled profiles."""
    top: tuple[tuple[str, int | None], ...]
    """The top k of the pool: (email, grade), grade None when the profile is not labelled."""


@dataclass(frozen=True, slots=True)
class QualityReport:
    """Per-mission figures and their means over the missions."""

    k: int
    relevant_grade: int
    missions: tuple[MissionQuality, ...]

    @property
    def mean_ndcg_pool(self) -> float:
        return statistics.fmean(m.ndcg_pool for m in self.missions)

    @property
    def mean_ndcg_labelled(self) -> float:
        return statistics.fmean(m.ndcg_labelled for m in self.missions)

    @property
    def mean_average_precision(self) -> float:
        """MAP."""
        return statistics.fmean(m.average_precision for m in self.missions)


def labels_by_mission(evaluation: Mapping[str, Any]) -> dict[str, dict[str, int]]:
    """ref -> {email: grade} from the evaluation document."""
    return {
        str(entry["ref"]): {str(label["email"]): int(label["grade"]) for label in entry["labels"]}
        for entry in evaluation["missions"]
    }


def extended_labels_by_mission(evaluation: Mapping[str, Any]) -> dict[str, dict[str, int]]:
    """ref -> {email: grade} of the extended set: the original labels, then the extended entries.

    An extended entry for an original mission adds its grades to that mission's labels; an entry for an
    evaluation-only mission is a new mission (after the original ones, in the file's order).
    """
    labels = labels_by_mission(evaluation)
    for entry in evaluation["extended"]["labels"]:
        grades = labels.setdefault(str(entry["ref"]), {})
        for label in entry["labels"]:
            email = str(label["email"])
            if email in grades:
                raise ValueError(f"{entry['ref']}: {email} is labelled twice")
            grades[email] = int(label["grade"])
    return labels


def evaluate(
    rankings: Mapping[str, Sequence[str]],
    labels: Mapping[str, Mapping[str, int]],
    *,
    k: int = DEFAULT_K,
    relevant_grade: int = RELEVANT_GRADE,
) -> QualityReport:
    """Score rankings of the pool (ref -> emails, best first) against the labels (ref -> email -> grade).

    Pure: no engine, no I/O. Every labelled mission must have a ranking; the order of `labels` is the
    order of the report.
    """
    results = []
    for ref, grades in labels.items():
        ranking = rankings[ref]
        missing = set(grades) - set(ranking)
        if missing:
            raise ValueError(f"{ref}: labelled profiles absent from the ranking: {sorted(missing)}")
        pool_grades = [grades.get(email, 0) for email in ranking]
        labelled_grades = [grades[email] for email in restrict(ranking, grades)]
        results.append(
            MissionQuality(
                ref=ref,
                n_labels=len(grades),
                ndcg_pool=ndcg_at_k(pool_grades, list(grades.values()), k),
                ndcg_labelled=ndcg_at_k(labelled_grades, list(grades.values()), k),
                average_precision=average_precision(labelled_grades, relevant_grade),
                top=tuple((email, grades.get(email)) for email in ranking[:k]),
            )
        )
    return QualityReport(k=k, relevant_grade=relevant_grade, missions=tuple(results))


@dataclass(frozen=True, slots=True)
class BaselineReport:
    """Means over missions of a random ranking, summarised over the shuffles."""

    shuffles: int
    seed: int
    mean_ndcg_pool: float
    mean_ndcg_labelled: float
    mean_average_precision: float
    p95_ndcg_labelled: float
    """95th percentile, over the shuffles, of the per-shuffle mean NDCG@k (labelled variant)."""
    p95_average_precision: float
    """95th percentile, over the shuffles, of the per-shuffle MAP."""


def random_baseline(
    pool: Sequence[str],
    labels: Mapping[str, Mapping[str, int]],
    *,
    shuffles: int = 200,
    seed: int = 7,
    k: int = DEFAULT_K,
    relevant_grade: int = RELEVANT_GRADE,
) -> BaselineReport:
    """The same metrics for uniformly shuffled rankings of the pool (seeded, so reproducible)."""
    if shuffles <= 0:
        raise ValueError("shuffles must be positive")
    rng = random.Random(seed)
    ndcg_pool, ndcg_labelled, aps = [], [], []
    for _ in range(shuffles):
        rankings = {}
        for ref in labels:
            order = list(pool)
            rng.shuffle(order)
            rankings[ref] = order
        report = evaluate(rankings, labels, k=k, relevant_grade=relevant_grade)
        ndcg_pool.append(report.mean_ndcg_pool)
        ndcg_labelled.append(report.mean_ndcg_labelled)
        aps.append(report.mean_average_precision)
    return BaselineReport(
        shuffles=shuffles,
        seed=seed,
        mean_ndcg_pool=statistics.fmean(ndcg_pool),
        mean_ndcg_labelled=statistics.fmean(ndcg_labelled),
        mean_average_precision=statistics.fmean(aps),
        p95_ndcg_labelled=_percentile(ndcg_labelled, 0.95),
        p95_average_precision=_percentile(aps, 0.95),
    )


def _percentile(values: Sequence[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, math.ceil(q * len(ordered)) - 1)]


# --- engine --------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Fixtures:
    """The parsed fixture documents the evaluation needs."""

    taxonomy: Json
    rate_grid: Json
    freelancers: list[Json]
    missions: list[Json]
    evaluation: Json


def load_fixtures(root: Path = FIXTURES) -> Fixtures:
    def read(name: str) -> Any:
        return json.loads((root / name).read_text(encoding="utf-8"))

    return Fixtures(
        taxonomy=read("taxonomy.json"),
        rate_grid=read("rate_grid.json"),
        freelancers=read("demo/freelancers.json"),
        missions=read("demo/missions.json"),
        evaluation=read("evaluation.json"),
    )


SETS = ("original", "extended")


def pool_rows(fixtures: Fixtures, set_name: str = "original") -> list[Json]:
    """The profiles ranked for a set: the demo pool, plus the evaluation-only profiles for "extended"."""
    if set_name not in SETS:
        raise ValueError(f"unknown set {set_name!r}; known: {SETS}")
    extra = fixtures.evaluation["extended"]["profiles"] if set_name == "extended" else []
    return [*fixtures.freelancers, *extra]


def mission_rows(fixtures: Fixtures, set_name: str = "original") -> list[Json]:
    """The missions of a set: the demo missions, plus the evaluation-only missions for "extended"."""
    if set_name not in SETS:
        raise ValueError(f"unknown set {set_name!r}; known: {SETS}")
    extra = fixtures.evaluation["extended"]["missions"] if set_name == "extended" else []
    return [*fixtures.missions, *extra]


def set_labels(fixtures: Fixtures, set_name: str = "original") -> dict[str, dict[str, int]]:
    """ref -> {email: grade} of a set."""
    if set_name == "extended":
        return extended_labels_by_mission(fixtures.evaluation)
    if set_name == "original":
        return labels_by_mission(fixtures.evaluation)
    raise ValueError(f"unknown set {set_name!r}; known: {SETS}")


def engine_rankings(
    fixtures: Fixtures,
    refs: Sequence[str],
    weights: Weights | None = None,
    *,
    set_name: str = "original",
    gates: Gates | None = None,
) -> dict[str, list[str]]:
    """ref -> every pool profile's email, best first, as the engine ranks the whole pool for that mission.

    The pool is the demo profiles ("original") or the demo plus the evaluation-only profiles
    ("extended"), encoded with the same code path. Profile ids are the 1-based positions in that list
    (the fixture rows have no id); ties are broken by id, as the engine and the service do, so the order
    is deterministic and the original set ranks exactly as before. Records become engine inputs as the
    batch CLI reads them (mobility spelled as the API stores it, a mission's region from its city).
    """
    weights = weights or Weights()
    grid = RateGrid.from_mapping(fixtures.rate_grid)
    vocab = Vocabulary.from_taxonomy(fixtures.taxonomy, lexicon=concept_lexicon())
    rows = pool_rows(fixtures, set_name)
    profiles = [profile_from_record(p, fallback_id=i) for i, p in enumerate(rows, 1)]
    email_of = {i: str(p["email"]) for i, p in enumerate(rows, 1)}
    pool = encode_profiles(profiles, vocab, grid)
    by_ref = {str(m["ref"]): (i, m) for i, m in enumerate(mission_rows(fixtures, set_name), 1)}
    rankings = {}
    for ref in refs:
        index, row = by_ref[ref]
        mission = mission_from_record(row, fallback_id=index)
        batch = encode_missions([mission], vocab, grid)
        scores = score_mission_against_pool(batch, pool, grid, weights, gates=gates)
        order = sorted(
            range(len(scores.profile_ids)), key=lambda i: (-scores.total[i], scores.profile_ids[i])
        )
        rankings[ref] = [email_of[int(scores.profile_ids[i])] for i in order]
    return rankings


def run(
    k: int = DEFAULT_K,
    shuffles: int = 200,
    seed: int = 7,
    fixtures: Fixtures | None = None,
    *,
    set_name: str = "original",
) -> tuple[QualityReport, BaselineReport]:
    """Engine report and random baseline of a set ("original" or "extended") on the fixture files."""
    fixtures = fixtures or load_fixtures()
    labels = set_labels(fixtures, set_name)
    report = evaluate(engine_rankings(fixtures, list(labels), set_name=set_name), labels, k=k)
    pool = [str(p["email"]) for p in pool_rows(fixtures, set_name)]
    baseline = random_baseline(pool, labels, shuffles=shuffles, seed=seed, k=k)
    return report, baseline


def subset(report: QualityReport, refs: Sequence[str]) -> QualityReport:
    """The report restricted to some missions (e.g. the evaluation-only ones), means recomputed."""
    keep = set(refs)
    return QualityReport(
        k=report.k,
        relevant_grade=report.relevant_grade,
        missions=tuple(m for m in report.missions if m.ref in keep),
    )


# --- output --------------------------------------------------------------------------------------------


def format_report(
    report: QualityReport,
    baseline: BaselineReport,
    pool_size: int,
    *,
    set_name: str = "original",
    show_top: Callable[[MissionQuality], bool] | None = None,
) -> str:
    """The figures of one set; `show_top` picks the missions whose top k is printed (default: all)."""
    k, rel = report.k, report.relevant_grade
    pool_kind = "demo profiles" if set_name == "original" else "demo + evaluation-only profiles"
    lines = [
        f"[{set_name} set] Ranking quality of the matching engine (default Weights()) on "
        f"fixtures/evaluation.json: {len(report.missions)} missions, "
        f"{sum(m.n_labels for m in report.missions)} labels, "
        f"each mission scored against the whole pool of {pool_size} {pool_kind}.",
        f"NDCG@{k}: gains 2^grade - 1, ideal DCG from the mission's labels. 'pool' = the engine's top {k} "
        f"of all {pool_size} profiles,",
        f"  an UNLABELLED profile in the top {k} counts as grade 0 (shown as '?'); 'labelled' = the ranking "
        "restricted to the labelled profiles.",
        f"AP: relevant = grade >= {rel}, over the ranking restricted to the labelled profiles.",
        "",
        f"{'mission':<36} {'labels':>6} {'NDCG@' + str(k) + ' pool':>11} {'labelled':>9} {'AP':>6}",
    ]
    for m in report.missions:
        lines.append(
            f"{m.ref:<36} {m.n_labels:>6} {m.ndcg_pool:>11.3f} {m.ndcg_labelled:>9.3f} "
            f"{m.average_precision:>6.3f}"
        )
        if show_top is None or show_top(m):
            top = ", ".join(f"{email} ({'?' if grade is None else grade})" for email, grade in m.top)
            lines.append(f"    top {k}: {top}")
    lines += [
        "",
        f"{'mean (engine)':<36} {'':>6} {report.mean_ndcg_pool:>11.3f} {report.mean_ndcg_labelled:>9.3f} "
        f"{report.mean_average_precision:>6.3f}   <- MAP = {report.mean_average_precision:.3f}",
        f"{'mean (random ranking)':<36} {'':>6} {baseline.mean_ndcg_pool:>11.3f} "
        f"{baseline.mean_ndcg_labelled:>9.3f} {baseline.mean_average_precision:>6.3f}   "
        f"<- {baseline.shuffles} seeded shuffles (seed {baseline.seed}) of the pool",
        f"{'random, 95th percentile of the mean':<36} {'':>6} {'':>11} {baseline.p95_ndcg_labelled:>9.3f} "
        f"{baseline.p95_average_precision:>6.3f}",
        f"unlabelled profiles in the engine's top {k}: "
        f"{sum(1 for m in report.missions for _, g in m.top if g is None)} of {k * len(report.missions)}",
    ]
    return "\n".join(lines)


def format_comparison(original: QualityReport, extended: QualityReport, new_refs: Sequence[str]) -> str:
    """One table: the means of the original set, the extended set and its evaluation-only missions."""
    new_only = subset(extended, new_refs)
    k = original.k
    lines = [
        f"{'set':<36} {'missions':>8} {'NDCG@' + str(k) + ' pool':>11} {'labelled':>9} {'MAP':>6}",
    ]
    for name, rep in (
        ("original", original),
        ("extended (all missions)", extended),
        ("extended, evaluation-only missions", new_only),
    ):
        if rep.missions:
            lines.append(
                f"{name:<36} {len(rep.missions):>8} {rep.mean_ndcg_pool:>11.3f} "
                f"{rep.mean_ndcg_labelled:>9.3f} {rep.mean_average_precision:>6.3f}"
            )
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Ranking quality of the engine on fixtures/evaluation.json")
    parser.add_argument("--k", type=int, default=DEFAULT_K, help="NDCG cut-off (default 5)")
    parser.add_argument("--shuffles", type=int, default=200, help="random-ranking shuffles (default 200)")
    parser.add_argument("--seed", type=int, default=7, help="seed of the random baseline (default 7)")
    parser.add_argument(
        "--set",
        dest="set_name",
        choices=(*SETS, "both"),
        default="both",
        help="original (demo pool, original missions), extended (plus evaluation-only data) or both",
    )
    args = parser.parse_args(argv)
    fixtures = load_fixtures()
    names = SETS if args.set_name == "both" else (args.set_name,)
    reports: dict[str, QualityReport] = {}
    new_refs = [str(m["ref"]) for m in fixtures.evaluation.get("extended", {}).get("missions", [])]
    extended_emails = {str(p["email"]) for p in fixtures.evaluation.get("extended", {}).get("profiles", [])}

    def new_or_changed(m: MissionQuality) -> bool:
        """Extended set: the top k of a new mission, or of an original one an extended profile entered."""
        return m.ref in new_refs or any(email in extended_emails for email, _ in m.top)

    for name in names:
        report, baseline = run(
            k=args.k, shuffles=args.shuffles, seed=args.seed, fixtures=fixtures, set_name=name
        )
        reports[name] = report
        show = None if name == "original" else new_or_changed
        pool_size = len(pool_rows(fixtures, name))
        print(format_report(report, baseline, pool_size, set_name=name, show_top=show))
        print()
    if len(reports) == 2:
        print(format_comparison(reports["original"], reports["extended"], new_refs))
    return 0


if __name__ == "__main__":
    sys.exit(main())

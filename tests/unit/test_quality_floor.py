"""Ranking quality floor of the matching engine on the hand-labelled set fixtures/evaluation.json.

Three groups: the metric functions of bench/quality.py on hand-computed cases (and against scikit-learn),
the integrity of the evaluation file, and the floor itself (mean NDCG@5 over the labelled profiles and
MAP must stay above FLOOR_NDCG / FLOOR_MAP). bench/ is not a package, so the module is loaded by path.
The extended set (evaluation.json["extended"]: evaluation-only missions and trap profiles) has its own
integrity rules (fixtures/build_evaluation.py --check) and floors (FLOOR_EXTENDED_*).
"""

from __future__ import annotations

import importlib.util
import json
import math
import random
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from sklearn.metrics import average_precision_score, ndcg_score

from fixtures.build_evaluation import extended_problems, load_reference

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "fixtures"


def _load_quality() -> ModuleType:
    name = "ctomatch_bench_quality"
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, ROOT / "bench" / "quality.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # dataclasses look their module up in sys.modules
    spec.loader.exec_module(module)
    return module


quality = _load_quality()

# Floors, measured with ALGORITHM_VERSION "2026.11-2" and default Weights() (bench/quality.py):
#   engine: mean NDCG@5 (labelled-only) 0.949, MAP 0.944 (mean NDCG@5 over the whole pool 0.931);
#   version "2026.11-1" (before availability became mission coverage) gave 0.904 and 0.849;
#   random ranking (200 seeded shuffles): NDCG@5 labelled 0.329 (95th percentile of the mean 0.436),
#   MAP 0.359 (95th percentile 0.450).
# FLOOR_NDCG = 0.90 is ~0.05 under today's 0.949 (room for weight tuning) and 0.46 above the random 95th
# percentile; the previous engine version (0.904) sits just above it, so a change that undoes the
# coverage fix fails only together with any further loss.
FLOOR_NDCG = 0.90
# FLOOR_MAP = 0.88 is ~0.06 under today's 0.944 (MAP moves in bigger steps: three missions have only one
# or two relevant profiles) and 0.43 above the random 95th percentile; the previous version's 0.849 fails.
FLOOR_MAP = 0.88
# Engine 2026.12-2 (deal-breaker gates, mobility, concepts; the demo profiles have a mobility): NDCG@5
# labelled 0.917, pool 0.910, MAP 0.930. The labels above predate the location rule and the gates (see
# bench/README.md), so NDCG keeps its floor of 0.90 (0.017 under); MAP is raised to 0.91 (0.02 under).
FLOOR_MAP = 0.91

# Extended set (original missions + 7 evaluation-only missions, pool = 66 demo + 30 evaluation-only
# profiles), measured with ALGORITHM_VERSION "2026.11-2" and default Weights() before any change for
# issue 12: mean NDCG@5 labelled 0.922, over the whole pool 0.914, MAP 0.938; random ranking: NDCG@5
# labelled 0.258 (95th percentile 0.321), MAP 0.314 (95th percentile 0.355). Floors = today - 0.02,
# rounded down: the engine changes of issue 12 must not lose ranking quality on the traps.
FLOOR_EXTENDED_NDCG = 0.90
FLOOR_EXTENDED_NDCG_POOL = 0.90
FLOOR_EXTENDED_MAP = 0.91
# Engine 2026.12-2: extended NDCG@5 labelled 0.924, pool 0.919, MAP 0.922: floors 0.90, 0.90 (pool,
# raised from 0.89) and 0.91, about 0.02 under each. Its 7 evaluation-only missions, the traps the
# gates and the concepts are for, went from 0.937 / 0.937 / 0.944 (2026.12-1: NDCG@5 pool / labelled /
# MAP) to 0.950 / 0.963 / 0.933: floors 0.94 (pool and labelled) and 0.92, so losing the gates or the
# concepts fails.
FLOOR_TRAPS_NDCG = 0.94
FLOOR_TRAPS_MAP = 0.92


# --- metric functions -------------------------------------------------------------------------------------


def test_gain_is_two_to_the_grade_minus_one() -> None:
    assert [quality.gain(g) for g in range(4)] == [0.0, 1.0, 3.0, 7.0]


def test_ndcg_of_a_perfect_ranking_is_one() -> None:
    assert quality.ndcg_at_k([3, 2, 1, 0], [0, 1, 2, 3], 5) == pytest.approx(1.0)
    assert quality.ndcg_at_k([3, 3, 2, 0, 0, 0], [0, 2, 3, 0, 3, 0], 5) == pytest.approx(1.0)


def test_ndcg_of_a_reversed_ranking() -> None:
    # ranked gains 0, 1, 3, 7 at ranks 1-4 vs ideal 7, 3, 1, 0
    dcg = 0 / math.log2(2) + 1 / math.log2(3) + 3 / math.log2(4) + 7 / math.log2(5)
    ideal = 7 / math.log2(2) + 3 / math.log2(3) + 1 / math.log2(4)
    assert dcg / ideal == pytest.approx(0.54783, abs=1e-5)
    assert quality.ndcg_at_k([0, 1, 2, 3], [3, 2, 1, 0], 5) == pytest.approx(dcg / ideal)


def test_ndcg_cuts_at_k() -> None:
    assert quality.ndcg_at_k([0, 0, 0, 0, 0, 3], [3, 0, 0, 0, 0, 0], 5) == 0.0
    # only the first two positions count with k = 2: gains 3 then 7 vs the ideal 7 then 7
    expected = (3 + 7 / math.log2(3)) / (7 + 7 / math.log2(3))
    assert quality.ndcg_at_k([2, 3, 0, 3], [3, 3, 2, 0], 2) == pytest.approx(expected)


def test_ndcg_without_any_positive_label_is_zero() -> None:
    assert quality.ndcg_at_k([0, 0], [0, 0], 5) == 0.0
    with pytest.raises(ValueError, match="k must be positive"):
        quality.ndcg_at_k([1], [1], 0)


def test_average_precision_examples() -> None:
    assert quality.average_precision([3, 3, 2]) == pytest.approx(1.0)
    assert quality.average_precision([2, 0, 3, 0]) == pytest.approx((1 / 1 + 2 / 3) / 2)
    assert quality.average_precision([0, 0, 3]) == pytest.approx(1 / 3)
    assert quality.average_precision([1, 0, 1]) == 0.0  # grade 1 is not relevant
    assert quality.average_precision([1, 0, 1], relevant_grade=1) == pytest.approx((1 + 2 / 3) / 2)


@pytest.mark.parametrize("seed", range(20))
def test_metrics_agree_with_scikit_learn_on_tie_free_rankings(seed: int) -> None:
    rng = random.Random(seed)
    n = rng.randint(3, 25)
    grades = [rng.choice((0, 0, 1, 2, 3)) for _ in range(n)]
    scores = rng.sample(range(1000), n)  # distinct: no ties, so the order is the same for both
    ranked = [g for _, g in sorted(zip(scores, grades, strict=True), reverse=True)]
    gains = [[quality.gain(g) for g in grades]]  # scikit-learn uses y_true as the gain itself
    for k in (1, 3, 5, n):
        if any(grades):
            expected = ndcg_score(gains, [scores], k=k)
            assert quality.ndcg_at_k(ranked, grades, k) == pytest.approx(expected)
    relevant = [int(g >= 2) for g in grades]
    if any(relevant):
        assert quality.average_precision(ranked) == pytest.approx(average_precision_score(relevant, scores))


def test_evaluate_counts_unlabelled_profiles_as_zero_only_in_the_pool_variant() -> None:
    labels = {"m": {"a": 3, "b": 2, "c": 0}}
    rankings = {"m": ["x", "c", "a", "y", "b"]}  # x, y are unlabelled
    report = quality.evaluate(rankings, labels, k=2)
    (m,) = report.missions
    ideal = 7 + 3 / math.log2(3)
    assert m.ndcg_pool == pytest.approx(0.0)  # x (grade 0 by default) and c (grade 0)
    assert m.ndcg_labelled == pytest.approx((0 + 7 / math.log2(3)) / ideal)  # c, a
    assert m.average_precision == pytest.approx((1 / 2 + 2 / 3) / 2)  # c, a, b
    assert m.top == (("x", None), ("c", 0))
    assert report.mean_average_precision == pytest.approx(m.average_precision)


def test_evaluate_rejects_a_ranking_that_misses_labelled_profiles() -> None:
    with pytest.raises(ValueError, match="absent"):
        quality.evaluate({"m": ["a"]}, {"m": {"a": 3, "b": 0}})


def test_random_baseline_is_seeded() -> None:
    labels = {"m": {"a": 3, "b": 0, "c": 2}}
    pool = ["a", "b", "c", "d", "e"]
    first = quality.random_baseline(pool, labels, shuffles=30, seed=3)
    assert first == quality.random_baseline(pool, labels, shuffles=30, seed=3)
    assert 0.0 < first.mean_ndcg_labelled < 1.0


# --- the evaluation file --------------------------------------------------------------------------------


def _read(name: str) -> Any:
    return json.loads((FIXTURES / name).read_text(encoding="utf-8"))


EVALUATION: dict[str, Any] = _read("evaluation.json")
MISSIONS: dict[str, dict[str, Any]] = {m["ref"]: m for m in _read("demo/missions.json")}
EMAILS: set[str] = {p["email"] for p in _read("demo/freelancers.json")}
BANDS: dict[str, dict[str, Any]] = {b["id"]: b for b in _read("rate_grid.json")["bands"]}


def test_evaluation_file_has_a_rubric_and_enough_missions() -> None:
    assert EVALUATION["rubric"].strip()
    assert EVALUATION["grades"].strip()
    refs = [entry["ref"] for entry in EVALUATION["missions"]]
    assert len(refs) >= 8
    assert len(refs) == len(set(refs))
    # at least one mission whose budget cannot pay the market rate of the seniority it asks for
    assert any(MISSIONS[r]["tjm_max"] < BANDS[MISSIONS[r]["seniority"]]["tjm_low"] for r in refs)


@pytest.mark.parametrize("entry", EVALUATION["missions"], ids=lambda e: str(e["ref"]))
def test_evaluation_mission_is_sound(entry: dict[str, Any]) -> None:
    ref = entry["ref"]
    assert ref in MISSIONS, f"unknown mission {ref}"
    assert MISSIONS[ref]["status"] == "open"
    assert entry["why_chosen"].strip()
    labels = entry["labels"]
    assert 12 <= len(labels) <= 20
    emails = [label["email"] for label in labels]
    assert len(emails) == len(set(emails)), "a profile is labelled twice"
    assert set(emails) <= EMAILS, f"unknown profiles {sorted(set(emails) - EMAILS)}"
    grades = [label["grade"] for label in labels]
    assert all(isinstance(g, int) and 0 <= g <= 3 for g in grades)
    assert any(g >= 2 for g in grades), "needs at least one good (2) or excellent (3) candidate"
    assert 0 in grades, "needs at least one clear non-fit"
    assert all(str(label["reason"]).strip() for label in labels)


# --- the extended section -------------------------------------------------------------------------------

REFERENCE = load_reference()
EXTENDED: dict[str, Any] = EVALUATION["extended"]


def test_extended_section_passes_the_integrity_rules() -> None:
    assert extended_problems(EVALUATION, REFERENCE) == []


def test_extended_section_has_the_kinds_of_cases_it_is_for() -> None:
    missions = {m["ref"]: m for m in EXTENDED["missions"]}
    profiles = EXTENDED["profiles"]
    assert len(missions) >= 6
    assert 20 <= len(profiles) <= 30
    assert sum(m["remote_policy"] == "hybrid" for m in missions.values()) >= 2
    assert any(m["remote_policy"] == "onsite" for m in missions.values())
    assert any(m["orientation"] == "dsi" for m in missions.values())
    assert any(m["days_per_week"] in (2, 3) for m in missions.values())
    assert any(m["tjm_max"] < BANDS[m["seniority"]]["tjm_low"] for m in missions.values())
    assert any(p.get("mobility") for p in profiles) and any("mobility" not in p for p in profiles)
    entries = {e["ref"]: e["labels"] for e in EXTENDED["labels"]}
    assert set(missions) <= set(entries)
    assert all(len(entries[ref]) >= 12 for ref in missions)
    assert sum(ref in MISSIONS for ref in entries) >= 3  # new profiles also graded on original missions


def _broken(change: Any) -> dict[str, Any]:
    evaluation = json.loads(json.dumps(EVALUATION))
    change(evaluation["extended"])
    return evaluation


def _set(path: tuple[Any, ...], value: Any) -> Any:
    def change(extended: dict[str, Any]) -> None:
        target = extended
        for key in path[:-1]:
            target = target[key]
        target[path[-1]] = value

    return change


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (_set(("labels", 0, "labels", 0, "grade"), 4), "grade 4"),
        (_set(("labels", 0, "labels", 0, "reason"), " "), "empty reason"),
        (_set(("labels", 0, "labels", 0, "email"), "nobody@evaluation.example"), "unknown profile"),
        (_set(("labels", 0, "ref"), "x99-unknown"), "unknown or closed mission"),
        (_set(("missions", 0, "seniority"), "y20_30"), "not a band of fixtures/rate_grid.json"),
        (_set(("missions", 0, "required_competences"), ["time_travel"]), "not in fixtures/taxonomy.json"),
        (_set(("profiles", 0, "competences", 0, "id"), "juggling"), "not in fixtures/taxonomy.json"),
        (_set(("profiles", 0, "cto_missions"), ["world_domination"]), "not in fixtures/taxonomy.json"),
        (_set(("profiles", 0, "email"), sorted(REFERENCE.emails)[0]), "a demo profile's"),
        (_set(("profiles", 0, "mobility"), "Paris"), "mobility"),
        (_set(("missions", 0, "company_email"), "ghost@nowhere.example"), "not a demo company"),
    ],
)
def test_extended_check_names_each_broken_rule(change: Any, expected: str) -> None:
    problems = extended_problems(_broken(change), REFERENCE)
    assert any(expected in problem for problem in problems), problems


def test_extended_check_refuses_a_demo_profile_added_to_an_original_mission() -> None:
    def change(extended: dict[str, Any]) -> None:
        entry = next(e for e in extended["labels"] if e["ref"] in MISSIONS)
        entry["labels"].append({"email": sorted(REFERENCE.emails)[0], "grade": 1, "reason": "r"})

    problems = extended_problems(_broken(change), REFERENCE)
    assert any("only extended profiles may be added" in problem for problem in problems), problems


def test_extended_labels_keep_the_original_ones_and_add_the_new_missions() -> None:
    original = quality.labels_by_mission(EVALUATION)
    extended = quality.extended_labels_by_mission(EVALUATION)
    assert list(extended)[: len(original)] == list(original)
    for ref, grades in original.items():
        assert extended[ref].items() >= grades.items()
    assert {m["ref"] for m in EXTENDED["missions"]} <= set(extended)


def test_the_extended_pool_ranks_the_demo_profiles_as_the_original_one() -> None:
    # the engine scores each pair alone: adding the evaluation-only profiles moves no demo profile
    fixtures = quality.load_fixtures()
    refs = list(quality.labels_by_mission(fixtures.evaluation))
    original = quality.engine_rankings(fixtures, refs)
    extended = quality.engine_rankings(fixtures, refs, set_name="extended")
    for ref in refs:
        assert [email for email in extended[ref] if email in EMAILS] == original[ref]


# --- the floor ------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def measured() -> tuple[Any, Any]:
    report, baseline = quality.run(k=5, shuffles=200, seed=7)
    return report, baseline


def test_engine_ranking_quality_stays_above_the_floor(measured: tuple[Any, Any]) -> None:
    report, baseline = measured
    assert report.mean_ndcg_labelled >= FLOOR_NDCG, quality.format_report(report, baseline, len(EMAILS))
    assert report.mean_average_precision >= FLOOR_MAP, quality.format_report(report, baseline, len(EMAILS))


def test_floors_are_clearly_above_a_random_ranking(measured: tuple[Any, Any]) -> None:
    _, baseline = measured
    assert baseline.p95_ndcg_labelled + 0.2 < FLOOR_NDCG
    assert baseline.p95_average_precision + 0.2 < FLOOR_MAP


@pytest.fixture(scope="module")
def measured_extended() -> tuple[Any, Any]:
    report, baseline = quality.run(k=5, shuffles=200, seed=7, set_name="extended")
    return report, baseline


def test_engine_ranking_quality_on_the_extended_set_stays_above_the_floor(
    measured_extended: tuple[Any, Any],
) -> None:
    report, baseline = measured_extended
    shown = quality.format_report(
        report, baseline, len(EMAILS) + len(EXTENDED["profiles"]), set_name="extended"
    )
    assert report.mean_ndcg_labelled >= FLOOR_EXTENDED_NDCG, shown
    assert report.mean_ndcg_pool >= FLOOR_EXTENDED_NDCG_POOL, shown
    assert report.mean_average_precision >= FLOOR_EXTENDED_MAP, shown


def test_extended_floors_are_clearly_above_a_random_ranking(measured_extended: tuple[Any, Any]) -> None:
    _, baseline = measured_extended
    assert baseline.p95_ndcg_labelled + 0.2 < FLOOR_EXTENDED_NDCG
    assert baseline.p95_average_precision + 0.2 < FLOOR_EXTENDED_MAP


def test_engine_ranking_quality_on_the_trap_missions_stays_above_the_floor(
    measured_extended: tuple[Any, Any],
) -> None:
    report, _ = measured_extended
    traps = quality.subset(report, [m["ref"] for m in EXTENDED["missions"]])
    shown = "\n".join(
        f"{m.ref}: {m.ndcg_pool:.3f} {m.ndcg_labelled:.3f} {m.average_precision:.3f}" for m in traps.missions
    )
    assert len(traps.missions) == len(EXTENDED["missions"])
    assert traps.mean_ndcg_pool >= FLOOR_TRAPS_NDCG, shown
    assert traps.mean_ndcg_labelled >= FLOOR_TRAPS_NDCG, shown
    assert traps.mean_average_precision >= FLOOR_TRAPS_MAP, shown


@pytest.mark.parametrize(
    ("ref", "trap"),
    [
        ("x01-agence-avant-vente-paris", "julie.fabre@evaluation.example"),  # remote-only, Paris hybrid
        ("m05-fintech-tech-strategy", "karine.boyer@evaluation.example"),  # remote-only, Paris hybrid
        ("x04-startup-budget-serre", "pascal.pelletier@ctomail.example"),  # 955 €, +77 % over the budget
    ],
)
def test_the_traps_the_previous_engine_put_in_the_top_five_are_out_of_it(ref: str, trap: str) -> None:
    """Cases of the issue: each of these was in the top 5 of engine 2026.12-1 (bench/README.md)."""
    fixtures = quality.load_fixtures()
    ranking = quality.engine_rankings(fixtures, [ref], set_name="extended")[ref]
    assert trap in ranking
    assert trap not in ranking[:5], ranking[:5]

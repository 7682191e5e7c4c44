"""Properties of the engine on random profiles and missions (hypothesis)."""

from __future__ import annotations

import itertools
import os
from dataclasses import replace
from datetime import timedelta
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from matching.engine import score_mission_against_pool, top_matches
from matching.factors import COVERAGE_GATE, EXCLUSION_REASONS
from matching.inputs import FACTOR_NAMES, Gates, RateGrid, Vocabulary, Weights
from matching.pool import encode_missions, encode_profiles
from matching.reference import reference_pair_score

PROPS = settings(
    max_examples=int(os.environ.get("MATCHING_HYPOTHESIS_EXAMPLES", "60")),  # raise it for a deeper run
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

weights_strategy = st.lists(st.floats(min_value=0, max_value=1), min_size=8, max_size=8).filter(
    lambda ws: sum(ws) > 0.1
)


def _weights(raw: list[float]) -> Weights:
    total = sum(raw)
    values = [w / total for w in raw[:-1]]
    values.append(1.0 - sum(values))  # exact sum despite float division
    return Weights(**dict(zip(FACTOR_NAMES, (max(0.0, v) for v in values), strict=True)))


@PROPS
@given(data=st.data())
def test_scores_are_bounded_and_excluded_pairs_are_zero_with_a_reason(
    data: st.DataObject, strategies: Any, vocab: Vocabulary, grid: RateGrid
) -> None:
    profiles = data.draw(strategies.pool())
    mission = data.draw(strategies.mission())
    weights = _weights(data.draw(weights_strategy))
    result = score_mission_against_pool(mission, encode_profiles(profiles, vocab, grid), grid, weights)
    assert np.all((result.total >= 0) & (result.total <= 100))
    for name in FACTOR_NAMES:
        values = result.factors[name]
        assert np.all((values >= 0) & (values <= 1)), name
    assert np.all(result.total[result.excluded] == 0)
    assert np.all(result.reason_codes[result.excluded] > 0)
    assert np.all(result.reason_codes[~result.excluded] == 0)
    for i in np.flatnonzero(result.excluded):
        assert result.exclusion_reason(int(i)) in EXCLUSION_REASONS[1:]


@PROPS
@given(data=st.data())
def test_vectorised_equals_the_reference(
    data: st.DataObject, strategies: Any, vocab: Vocabulary, grid: RateGrid
) -> None:
    profiles = data.draw(strategies.pool())
    mission = data.draw(strategies.mission())
    weights = _weights(data.draw(weights_strategy))
    result = score_mission_against_pool(mission, encode_profiles(profiles, vocab, grid), grid, weights)
    for i, profile in enumerate(profiles):
        ref = reference_pair_score(mission, profile, vocab, grid, weights)
        for name in FACTOR_NAMES:
            assert abs(float(result.factors[name][i]) - ref.factors[name]) <= 1e-6, name
        assert result.exclusion_reason(i) == ref.exclusion
        assert abs(float(result.raw_total[i]) - ref.raw_total) <= 1e-4
        # float32 vs float64 may round a hair's breadth apart at a .xx5 boundary: at most one cent
        assert abs(float(result.total[i]) - ref.total) <= 0.01 + 1e-9


@PROPS
@given(data=st.data())
def test_same_inputs_give_identical_scores(
    data: st.DataObject, strategies: Any, vocab: Vocabulary, grid: RateGrid, weights: Weights
) -> None:
    profiles = data.draw(strategies.pool())
    mission = data.draw(strategies.mission())
    first = score_mission_against_pool(mission, encode_profiles(profiles, vocab, grid), grid, weights)
    second = score_mission_against_pool(mission, encode_profiles(profiles, vocab, grid), grid, weights)
    assert first.total.tobytes() == second.total.tobytes()
    assert first.raw_total.tobytes() == second.raw_total.tobytes()
    for name in FACTOR_NAMES:
        assert first.factors[name].tobytes() == second.factors[name].tobytes()


@PROPS
@given(data=st.data())
def test_adding_a_required_competence_never_lowers_the_score(
    data: st.DataObject, strategies: Any, vocab: Vocabulary, grid: RateGrid, weights: Weights
) -> None:
    mission = data.draw(strategies.mission())
    profile = data.draw(strategies.profile())
    missing = [c for c in mission.required_competences if c not in profile.competences]
    if not missing:
        missing = [c for c in vocab.competence_ids if c not in profile.competences][:1]
        if not missing:
            return
        mission = replace(mission, required_competences=(*mission.required_competences, missing[0]))
        mission = replace(
            mission, nice_competences=tuple(c for c in mission.nice_competences if c != missing[0])
        )
    added = data.draw(st.sampled_from(missing))
    level = data.draw(st.integers(1, 5))
    better = replace(profile, id=profile.id + 1, competences={**profile.competences, added: level})
    result = score_mission_against_pool(
        mission, encode_profiles([profile, better], vocab, grid), grid, weights
    )
    assert result.raw_total[1] >= result.raw_total[0]
    assert result.total[1] >= result.total[0]
    if not result.excluded[0]:
        assert result.factors["competences"][1] > result.factors["competences"][0]


@PROPS
@given(data=st.data())
def test_raising_a_rate_above_the_budget_never_raises_tjm_fit(
    data: st.DataObject, strategies: Any, vocab: Vocabulary, grid: RateGrid, weights: Weights
) -> None:
    mission = data.draw(strategies.mission())
    profile = data.draw(strategies.profile())
    increments = data.draw(st.lists(st.integers(0, 300), min_size=2, max_size=8))
    rates = np.cumsum([mission.tjm_max + data.draw(st.integers(0, 50)), *increments]).tolist()
    profiles = [replace(profile, id=i + 1, tjm=int(t)) for i, t in enumerate(rates)]
    result = score_mission_against_pool(mission, encode_profiles(profiles, vocab, grid), grid, weights)
    assert np.all(np.diff(result.factors["tjm"]) <= 0)
    assert np.all(np.diff(result.raw_total) <= 0)
    refs = [reference_pair_score(mission, p, vocab, grid, weights).factors["tjm"] for p in profiles]
    assert all(b <= a for a, b in itertools.pairwise(refs))


@PROPS
@given(data=st.data())
def test_being_available_later_never_raises_availability(
    data: st.DataObject, strategies: Any, vocab: Vocabulary, grid: RateGrid, weights: Weights
) -> None:
    mission = data.draw(strategies.mission())
    profile = data.draw(strategies.profile())
    first = profile.available_from + timedelta(days=data.draw(st.integers(-60, 30)))
    steps = data.draw(st.lists(st.integers(0, 90), min_size=2, max_size=8))
    dates = [first + timedelta(days=int(d)) for d in np.cumsum(steps)]
    profiles = [replace(profile, id=i + 1, available_from=d) for i, d in enumerate(dates)]
    result = score_mission_against_pool(mission, encode_profiles(profiles, vocab, grid), grid, weights)
    assert np.all(np.diff(result.factors["availability"]) <= 0)
    assert np.all(np.diff(result.raw_total) <= 0)  # nor the total (factor and coverage gate alike)
    refs = [reference_pair_score(mission, p, vocab, grid, weights) for p in profiles]
    assert all(b.factors["availability"] <= a.factors["availability"] for a, b in itertools.pairwise(refs))
    assert all(b.raw_total <= a.raw_total for a, b in itertools.pairwise(refs))


@PROPS
@given(data=st.data())
def test_offering_more_days_never_lowers_availability(
    data: st.DataObject, strategies: Any, vocab: Vocabulary, grid: RateGrid, weights: Weights
) -> None:
    mission = data.draw(strategies.mission())
    profile = data.draw(strategies.profile())
    profiles = [replace(profile, id=d, days_per_week=d) for d in range(1, 6)]
    result = score_mission_against_pool(mission, encode_profiles(profiles, vocab, grid), grid, weights)
    availability, raw = result.factors["availability"], result.raw_total
    asked = mission.days_per_week
    assert np.all(np.diff(availability[:asked]) >= 0)  # 1, 2, … up to the days asked
    assert np.all(np.diff(raw[:asked]) >= 0)
    assert np.all(availability[asked - 1 :] == availability[asked - 1])  # more than asked: no extra credit
    assert np.all(raw[asked - 1 :] == raw[asked - 1])
    if not result.excluded[0] and availability[asked - 1] > 0:
        assert availability[0] < availability[asked - 1] or asked == 1  # a shortfall always costs
    refs = [reference_pair_score(mission, p, vocab, grid, weights) for p in profiles[:asked]]
    assert all(b.factors["availability"] >= a.factors["availability"] for a, b in itertools.pairwise(refs))


@PROPS
@given(data=st.data())
def test_the_total_never_exceeds_the_coverage_gate(
    data: st.DataObject, strategies: Any, vocab: Vocabulary, grid: RateGrid
) -> None:
    profiles = data.draw(strategies.pool())
    mission = data.draw(strategies.mission())
    weights = _weights(data.draw(weights_strategy))
    result = score_mission_against_pool(mission, encode_profiles(profiles, vocab, grid), grid, weights)
    gate = np.minimum(1.0, result.factors["availability"].astype(np.float64) / COVERAGE_GATE)
    assert np.all(result.raw_total <= 100.0 * gate + 1e-4)


@PROPS
@given(data=st.data())
def test_pool_order_changes_no_score(
    data: st.DataObject, strategies: Any, vocab: Vocabulary, grid: RateGrid, weights: Weights
) -> None:
    profiles = data.draw(strategies.pool(min_size=2))
    missions = [data.draw(strategies.mission(mission_id=j)) for j in range(3)]
    shuffled = data.draw(st.permutations(profiles))
    pool, shuffled_pool = encode_profiles(profiles, vocab, grid), encode_profiles(shuffled, vocab, grid)
    order = np.argsort(shuffled_pool.ids)
    base_order = np.argsort(pool.ids)
    for mission in missions:
        a = score_mission_against_pool(mission, pool, grid, weights)
        b = score_mission_against_pool(mission, shuffled_pool, grid, weights)
        assert a.raw_total[base_order].tobytes() == b.raw_total[order].tobytes()
        assert a.total[base_order].tobytes() == b.total[order].tobytes()
    k = data.draw(st.integers(1, 5))
    for x, y in zip(
        top_matches(missions, pool, grid, weights, k=k),
        top_matches(missions, shuffled_pool, grid, weights, k=k),
        strict=True,
    ):
        assert x.profile_ids.tolist() == y.profile_ids.tolist()
        assert x.scores.tolist() == y.scores.tolist()


@PROPS
@given(data=st.data())
def test_top_matches_agrees_with_full_scoring_whatever_the_chunks(
    data: st.DataObject, strategies: Any, vocab: Vocabulary, grid: RateGrid, weights: Weights
) -> None:
    profiles = data.draw(strategies.pool(max_size=25))
    missions = [data.draw(strategies.mission(mission_id=j)) for j in range(data.draw(st.integers(1, 5)))]
    pool = encode_profiles(profiles, vocab, grid)
    k = data.draw(st.integers(1, 30))
    min_score = data.draw(st.sampled_from([0.0, 0.0, 40.0, 65.5]))
    results = top_matches(
        missions,
        pool,
        grid,
        weights,
        k=k,
        min_score=min_score,
        mission_chunk=data.draw(st.integers(1, 4)),
        profile_chunk=data.draw(st.integers(1, 10)),
    )
    batch = encode_missions(missions, vocab, grid)
    for j, top in enumerate(results):
        full = score_mission_against_pool(batch.select(slice(j, j + 1)), pool, grid, weights)
        eligible = [
            (-float(full.total[i]), int(full.profile_ids[i]))
            for i in range(len(pool))
            if not full.excluded[i] and full.total[i] >= min_score
        ]
        expected = sorted(eligible)[:k]
        assert top.profile_ids.tolist() == [pid for _, pid in expected]
        assert top.scores.tolist() == [-s for s, _ in expected]
        by_id = {int(p): i for i, p in enumerate(full.profile_ids)}
        for rank, pid in enumerate(top.profile_ids):
            i = by_id[int(pid)]
            assert top.factors[rank].tolist() == [float(full.factors[n][i]) for n in FACTOR_NAMES]


@pytest.mark.parametrize("k", [1, 3])
def test_top_matches_ties_are_broken_by_profile_id(
    vocab: Vocabulary, grid: RateGrid, weights: Weights, profile_factory: Any, mission_factory: Any, k: int
) -> None:
    pool = encode_profiles([profile_factory(id=i) for i in (9, 4, 7, 1)], vocab, grid)
    [top] = top_matches([mission_factory()], pool, grid, weights, k=k, profile_chunk=2)
    assert top.profile_ids.tolist() == [1, 4, 7][:k]
    assert len(set(top.scores.tolist())) == 1


gates_strategy = st.builds(
    lambda small, hard, f1, f2, f3, city, d1, d2: Gates(
        rate_small_over=small,
        rate_hard_over=small + hard,
        rate_small_factor=max(f1, f2, f3),
        rate_demoted_factor=sorted((f1, f2, f3))[1],
        rate_hard_factor=min(f1, f2, f3),
        other_city_factor=city,
        days_short_factor=max(d1, d2),
        days_hard_factor=min(d1, d2),
    ),
    st.floats(0.01, 0.5),
    st.floats(0.01, 0.5),
    *(st.floats(0.0, 1.0) for _ in range(6)),
)


@PROPS
@given(data=st.data())
def test_a_rate_further_over_the_budget_never_raises_the_total(
    data: st.DataObject, strategies: Any, vocab: Vocabulary, grid: RateGrid, weights: Weights
) -> None:
    """Whatever the gate settings: from the budget's maximum up, each step up in rate keeps or lowers the
    total (the TJM factor decreases and the rate gate steps down through small cost, demotion, hard)."""
    mission = data.draw(strategies.mission())
    profile = data.draw(strategies.profile())
    gates = data.draw(gates_strategy)
    steps = data.draw(st.lists(st.integers(0, 120), min_size=2, max_size=10))
    rates = np.cumsum([mission.tjm_max + data.draw(st.integers(0, 60)), *steps]).tolist()
    profiles = [replace(profile, id=i + 1, tjm=max(1, int(t))) for i, t in enumerate(rates)]
    result = score_mission_against_pool(
        mission, encode_profiles(profiles, vocab, grid), grid, weights, gates=gates
    )
    assert np.all(np.diff(result.raw_total) <= 1e-4)
    assert np.all(np.diff(result.total) <= 0)
    refs = [reference_pair_score(mission, p, vocab, grid, weights, gates=gates).raw_total for p in profiles]
    assert all(b <= a + 1e-9 for a, b in itertools.pairwise(refs))


@PROPS
@given(data=st.data())
def test_adding_the_mission_city_to_the_mobility_never_lowers_the_total(
    data: st.DataObject, strategies: Any, vocab: Vocabulary, grid: RateGrid, weights: Weights
) -> None:
    mission = data.draw(strategies.mission())
    profile = data.draw(strategies.profile())
    gates = (
        data.draw(st.sampled_from((Gates(), Gates.off())))
        if data.draw(st.booleans())
        else data.draw(gates_strategy)
    )
    added = data.draw(
        st.sampled_from(tuple(x for x in (mission.location, mission.region) if x) or ("Paris",))
    )
    mobile = replace(profile, id=profile.id + 1, mobility=(*profile.mobility, added))
    pool = encode_profiles([profile, mobile], vocab, grid)
    result = score_mission_against_pool(mission, pool, grid, weights, gates=gates)
    assert result.raw_total[1] >= result.raw_total[0]
    assert result.total[1] >= result.total[0]
    assert result.factors["remote_location"][1] >= result.factors["remote_location"][0]
    for i, p in enumerate((profile, mobile)):
        ref = reference_pair_score(mission, p, vocab, grid, weights, gates=gates)
        assert abs(float(result.raw_total[i]) - ref.raw_total) <= 1e-4


@PROPS
@given(data=st.data())
def test_the_same_inputs_give_the_same_score_to_the_digit_whatever_the_gates_and_the_pool(
    data: st.DataObject, strategies: Any, vocab: Vocabulary, grid: RateGrid, weights: Weights
) -> None:
    """Scores are stored and compared to decide what to re-review: the same mission and profile must give
    the same float32 total, bit for bit, whoever else is in the pool and whichever path scores them."""
    profiles = data.draw(strategies.pool(min_size=2))
    mission = data.draw(strategies.mission())
    gates = data.draw(gates_strategy)
    pool = encode_profiles(profiles, vocab, grid)
    alone = [
        score_mission_against_pool(mission, encode_profiles([p], vocab, grid), grid, weights, gates=gates)
        for p in profiles
    ]
    together = score_mission_against_pool(mission, pool, grid, weights, gates=gates)
    again = score_mission_against_pool(mission, pool, grid, weights, gates=gates)
    assert together.raw_total.tobytes() == again.raw_total.tobytes()
    for i, single in enumerate(alone):
        assert single.raw_total[0].tobytes() == together.raw_total[i].tobytes()
        assert single.total[0] == together.total[i]
    ranked = top_matches([mission], pool, grid, weights, k=len(profiles), gates=gates)[0]
    by_id = dict(zip(together.profile_ids.tolist(), together.total.tolist(), strict=True))
    for pid, total in zip(ranked.profile_ids.tolist(), ranked.scores.tolist(), strict=True):
        assert by_id[pid] == total

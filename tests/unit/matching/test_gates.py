"""Deal-breakers are gates: a pair an operator would never propose cannot rank above ordinary fits.

The "ordinary fit" of these cases is a profile in budget, in the city, but missing one of the two
required competences and with no CTO role in the mission's context: a candidate one would still
consider. Every gated case starts from a profile that is otherwise perfect.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

from matching.engine import score_mission_against_pool
from matching.factors import days_gate, presence_gate, rate_gate
from matching.inputs import Gates, MissionInput, ProfileInput, RateGrid, Vocabulary, Weights
from matching.pool import encode_profiles
from matching.reference import reference_pair_score

ProfileFactory = Callable[..., ProfileInput]
MissionFactory = Callable[..., MissionInput]


def _totals(
    mission: MissionInput, profiles: list[ProfileInput], vocab: Vocabulary, grid: RateGrid, gates: Gates
) -> list[float]:
    pool = encode_profiles(profiles, vocab, grid)
    result = score_mission_against_pool(mission, pool, grid, Weights(), gates=gates)
    for i, profile in enumerate(profiles):
        ref = reference_pair_score(mission, profile, vocab, grid, Weights(), gates=gates)
        assert float(result.raw_total[i]) == pytest.approx(ref.raw_total, abs=1e-4)
    return [float(t) for t in result.total]


def _ordinary(profile_factory: ProfileFactory) -> ProfileInput:
    return profile_factory(
        id=99, competences={"it_security": 4}, past_role_contexts=(), past_roles=(), sectors=()
    )


def test_the_rate_gate_steps_down_through_small_cost_demotion_and_hard_gate() -> None:
    gates = Gates()
    assert rate_gate(700, 700, gates) == 1.0
    assert rate_gate(600, 700, gates) == 1.0
    assert rate_gate(770, 700, gates) == pytest.approx(gates.rate_small_factor)  # +10 %
    assert rate_gate(735, 700, gates) == pytest.approx(1 - (1 - gates.rate_small_factor) / 2)  # +5 %
    assert rate_gate(875, 700, gates) == pytest.approx(gates.rate_demoted_factor)  # +25 %
    assert rate_gate(876, 700, gates) == gates.rate_hard_factor
    assert rate_gate(945, 700, gates) == gates.rate_hard_factor  # +35 %


@pytest.mark.parametrize(
    ("over", "ranks_above_ordinary"),
    [(0.05, True), (0.10, True), (0.20, None), (0.30, False), (0.35, False), (0.60, False)],
)
def test_a_rate_far_over_the_budget_cannot_rank_above_an_ordinary_fit(
    vocab: Vocabulary,
    grid: RateGrid,
    profile_factory: ProfileFactory,
    mission_factory: MissionFactory,
    over: float,
    ranks_above_ordinary: bool | None,
) -> None:
    mission = mission_factory()
    pricey = profile_factory(id=1, tjm=round(mission.tjm_max * (1 + over)))
    perfect, gated, ordinary = _totals(
        mission, [profile_factory(id=2), pricey, _ordinary(profile_factory)], vocab, grid, Gates()
    )
    assert gated < perfect
    if ranks_above_ordinary is not None:
        assert (gated > ordinary) is ranks_above_ordinary, (gated, ordinary)
    ungated = _totals(mission, [pricey], vocab, grid, Gates.off())[0]
    assert ungated > ordinary  # the TJM factor alone barely dents a strong profile: the gate does it


def test_a_remote_only_freelancer_on_a_hybrid_mission_is_gated(
    vocab: Vocabulary, grid: RateGrid, profile_factory: ProfileFactory, mission_factory: MissionFactory
) -> None:
    mission = mission_factory(remote_policy="hybrid", location="Paris")
    remote_only = profile_factory(id=1, remote_preference="remote")
    gated, ordinary = _totals(mission, [remote_only, _ordinary(profile_factory)], vocab, grid, Gates())
    assert gated < ordinary
    assert presence_gate("remote", "hybrid", True, True, Gates()) == Gates().work_mode_factor


def test_an_on_site_only_freelancer_on_a_remote_mission_is_gated(
    vocab: Vocabulary, grid: RateGrid, profile_factory: ProfileFactory, mission_factory: MissionFactory
) -> None:
    mission = mission_factory(remote_policy="remote")
    on_site_only = profile_factory(id=1, remote_preference="onsite")
    gated, ordinary = _totals(mission, [on_site_only, _ordinary(profile_factory)], vocab, grid, Gates())
    assert gated < ordinary


@pytest.mark.parametrize("policy", ["hybrid", "onsite"])
def test_another_city_without_mobility_is_gated_and_mobility_lifts_the_gate(
    vocab: Vocabulary,
    grid: RateGrid,
    profile_factory: ProfileFactory,
    mission_factory: MissionFactory,
    policy: str,
) -> None:
    mission = mission_factory(remote_policy=policy, location="Paris", region="Île-de-France")
    lyon = profile_factory(id=1, location="Lyon", remote_preference="flexible")
    city = profile_factory(id=2, location="Lyon", mobility=("PARIS",))
    region = profile_factory(id=3, location="Lyon", mobility=("ile-de-france",))
    anywhere = profile_factory(id=4, location="Lyon", mobility_anywhere=True)
    elsewhere = profile_factory(id=5, location="Lyon", mobility=("Marseille",))
    lives = profile_factory(id=6, location="Paris")
    totals = _totals(mission, [lyon, city, region, anywhere, elsewhere, lives], vocab, grid, Gates())
    assert totals[1] == totals[2] == totals[3] == totals[5]  # present, whichever way
    assert totals[0] == totals[4] < totals[5]
    ungated = _totals(mission, [lyon, lives], vocab, grid, Gates.off())
    assert totals[0] == pytest.approx(ungated[0] * Gates().other_city_factor, abs=0.01)


def test_the_city_gate_does_not_apply_to_remote_missions_or_missions_without_a_city(
    vocab: Vocabulary, grid: RateGrid, profile_factory: ProfileFactory, mission_factory: MissionFactory
) -> None:
    lyon, paris = profile_factory(id=1, location="Lyon"), profile_factory(id=2, location="Paris")
    remote = _totals(mission_factory(remote_policy="remote"), [lyon, paris], vocab, grid, Gates())
    assert remote[0] == remote[1]
    nowhere = _totals(
        mission_factory(remote_policy="hybrid", location=""), [lyon, paris], vocab, grid, Gates()
    )
    assert nowhere[0] == nowhere[1]


@pytest.mark.parametrize(
    ("offered", "asked", "expected"),
    [
        (5, 5, 1.0),
        (5, 3, 1.0),
        (4, 5, "short"),
        (2, 3, "short"),
        (1, 2, "hard"),
        (3, 5, "hard"),
        (1, 4, "hard"),
    ],
)
def test_the_days_gate(offered: int, asked: int, expected: float | str) -> None:
    gates = Gates()
    value = {"short": gates.days_short_factor, "hard": gates.days_hard_factor}.get(str(expected), expected)
    assert days_gate(offered, asked, gates) == value


def test_a_days_per_week_shortfall_is_gated(
    vocab: Vocabulary, grid: RateGrid, profile_factory: ProfileFactory, mission_factory: MissionFactory
) -> None:
    mission = mission_factory(days_per_week=5)
    days = (5, 4, 3, 1)
    profiles = [profile_factory(id=i, days_per_week=d) for i, d in enumerate(days, 1)]
    full, one_short, two_short, one_day = _totals(mission, profiles, vocab, grid, Gates())
    ungated = _totals(mission, profiles, vocab, grid, Gates.off())
    assert full > one_short > two_short > one_day
    assert one_short == pytest.approx(ungated[1] * Gates().days_short_factor, abs=0.01)
    assert two_short == pytest.approx(ungated[2] * Gates().days_hard_factor, abs=0.01)
    assert one_day < _totals(mission, [_ordinary(profile_factory)], vocab, grid, Gates())[0]


def test_thresholds_are_settings_and_the_gates_can_be_turned_off(
    vocab: Vocabulary, grid: RateGrid, profile_factory: ProfileFactory, mission_factory: MissionFactory
) -> None:
    mission = mission_factory()
    pricey = profile_factory(id=1, tjm=840)  # +20 %
    default = _totals(mission, [pricey], vocab, grid, Gates())[0]
    strict = _totals(mission, [pricey], vocab, grid, Gates(rate_hard_over=0.15))[0]
    off = _totals(mission, [pricey], vocab, grid, Gates.off())[0]
    assert strict < default < off


@pytest.mark.parametrize(
    "bad",
    [
        {"rate_small_over": 0.3, "rate_hard_over": 0.2},
        {"rate_hard_factor": 1.5},
        {"rate_demoted_factor": 0.99},
        {"days_hard_factor": 0.99},
    ],
)
def test_inconsistent_gate_settings_are_refused_in_words(bad: dict[str, float]) -> None:
    with pytest.raises(ValueError, match="|".join(bad)):
        Gates(**bad)

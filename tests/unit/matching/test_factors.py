"""One factor at a time, on concrete cases citing the fixture grid (each checked against the reference)."""

from __future__ import annotations

import math
from collections.abc import Callable
from datetime import date, timedelta

import numpy as np
import pytest

from matching.engine import PairScores, score_mission_against_pool, top_matches
from matching.factors import days_gate, rate_gate
from matching.inputs import FACTOR_NAMES, Gates, MissionInput, ProfileInput, RateGrid, Vocabulary, Weights
from matching.pool import encode_profiles
from matching.reference import reference_pair_score

ProfileFactory = Callable[..., ProfileInput]
MissionFactory = Callable[..., MissionInput]


@pytest.fixture
def score(vocab: Vocabulary, grid: RateGrid, weights: Weights) -> Callable[..., PairScores]:
    """Score a mission against the given profiles, and check each pair against the reference."""

    def run(mission: MissionInput, *profiles: ProfileInput) -> PairScores:
        result = score_mission_against_pool(mission, encode_profiles(profiles, vocab, grid), grid, weights)
        for i, profile in enumerate(profiles):
            ref = reference_pair_score(mission, profile, vocab, grid, weights)
            for name in FACTOR_NAMES:
                assert float(result.factors[name][i]) == pytest.approx(ref.factors[name], abs=1e-6), name
            assert float(result.raw_total[i]) == pytest.approx(ref.raw_total, abs=1e-4)
        return result

    return run


def factor(result: PairScores, name: str, i: int = 0) -> float:
    return float(result.factors[name][i])


# --- competences ----------------------------------------------------------------------------------
def test_all_competences_held_scores_structured_one(
    score: Callable[..., PairScores], profile_factory: ProfileFactory, mission_factory: MissionFactory
) -> None:
    mission = mission_factory(title="", description="", nice_competences=("project_management",))
    profile = profile_factory(headline="", summary="", stack=())
    assert factor(score(mission, profile), "competences") == pytest.approx(0.85)  # no text at all


def test_missing_required_costs_much_more_than_missing_nice(
    score: Callable[..., PairScores], profile_factory: ProfileFactory, mission_factory: MissionFactory
) -> None:
    # 2 required (weight 4 each) + 2 nice (weight 1 each) = 10
    mission = mission_factory(
        title="", description="", required_competences=("it_security", "leadership"),
        nice_competences=("project_management", "communication"),
    )  # fmt: skip
    bare = {"headline": "", "summary": "", "stack": ()}
    everything = profile_factory(
        id=1,
        competences={"it_security": 3, "leadership": 3, "project_management": 3, "communication": 3},
        **bare,
    )
    no_required = profile_factory(
        id=2, competences={"leadership": 3, "project_management": 3, "communication": 3}, **bare
    )
    no_nice = profile_factory(
        id=3, competences={"it_security": 3, "leadership": 3, "project_management": 3}, **bare
    )
    result = score(mission, everything, no_required, no_nice)
    assert factor(result, "competences", 0) == pytest.approx(0.85 * 1.0)
    assert factor(result, "competences", 1) == pytest.approx(0.85 * 6 / 10)
    assert factor(result, "competences", 2) == pytest.approx(0.85 * 9 / 10)


@pytest.mark.parametrize(("level", "credit"), [(1, 0.25), (2, 0.5), (3, 1.0), (5, 1.0)])
def test_low_levels_count_partially(
    score: Callable[..., PairScores],
    profile_factory: ProfileFactory,
    mission_factory: MissionFactory,
    level: int,
    credit: float,
) -> None:
    mission = mission_factory(
        title="", description="", required_competences=("it_security",), nice_competences=()
    )
    profile = profile_factory(competences={"it_security": level}, headline="", summary="", stack=())
    assert factor(score(mission, profile), "competences") == pytest.approx(0.85 * credit)


def test_text_similarity_is_fifteen_percent(
    score: Callable[..., PairScores], profile_factory: ProfileFactory, mission_factory: MissionFactory
) -> None:
    mission = mission_factory(
        title="CTO plateforme paiement",
        description="sécurité cloud",
        required_competences=(),
        nice_competences=(),
    )
    same_words = profile_factory(id=1, headline="CTO plateforme paiement", summary="sécurité cloud", stack=())
    other_words = profile_factory(id=2, headline="Directeur usine", summary="logistique", stack=())
    result = score(mission, same_words, other_words)
    assert factor(result, "competences", 0) == pytest.approx(1.0, abs=1e-6)
    assert factor(result, "competences", 1) == pytest.approx(0.85, abs=1e-6)


# --- CTO missions ---------------------------------------------------------------------------------
def test_cto_missions_coverage(
    score: Callable[..., PairScores], profile_factory: ProfileFactory, mission_factory: MissionFactory
) -> None:
    mission = mission_factory(cto_missions=("technology_strategy", "team_management", "technology_risk"))
    profile = profile_factory(cto_missions=("technology_strategy", "team_management", "product_development"))
    assert factor(score(mission, profile), "cto_missions") == pytest.approx(2 / 3)
    assert factor(score(mission_factory(cto_missions=()), profile), "cto_missions") == 1.0


# --- experience -----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("years", "asked", "expected"),
    [
        (12, "y11_15", 1.0),  # same band
        (12, "y5_10", 0.95),  # one band over: nearly full
        (20, "y3_4", 0.75),  # three over
        (7, "y11_15", 0.5),  # one under
        (4, "y11_15", 0.15),  # two under
        (2, "y11_15", 0.03),  # three under
        (0.5, "gt15", 0.0),  # five under
    ],
)
def test_experience_band_fit(
    score: Callable[..., PairScores],
    profile_factory: ProfileFactory,
    mission_factory: MissionFactory,
    years: float,
    asked: str,
    expected: float,
) -> None:
    result = score(mission_factory(seniority=asked), profile_factory(years_experience=years))
    assert factor(result, "experience") == pytest.approx(expected)


def test_under_qualification_costs_more_than_over(
    score: Callable[..., PairScores], profile_factory: ProfileFactory, mission_factory: MissionFactory
) -> None:
    mission = mission_factory(seniority="y5_10")
    result = score(
        mission, profile_factory(id=1, years_experience=12), profile_factory(id=2, years_experience=4)
    )
    assert factor(result, "experience", 0) > factor(result, "experience", 1) + 0.4


# --- TJM ------------------------------------------------------------------------------------------
def test_twelve_years_at_680_within_budget_and_market(
    score: Callable[..., PairScores], profile_factory: ProfileFactory, mission_factory: MissionFactory
) -> None:
    # y11_15 market range 650–685 €, budget 600–700 €
    result = score(mission_factory(tjm_min=600, tjm_max=700), profile_factory(years_experience=12, tjm=680))
    assert factor(result, "tjm") == pytest.approx(1.0)


def test_fifteen_percent_over_budget_halves_the_budget_part(
    score: Callable[..., PairScores], profile_factory: ProfileFactory, mission_factory: MissionFactory
) -> None:
    result = score(mission_factory(tjm_min=600, tjm_max=700), profile_factory(years_experience=12, tjm=805))
    market = math.exp(-math.log(2) / 0.25 * (805 - 685) / 685)  # 805 is above the 650–685 € range
    assert factor(result, "tjm") == pytest.approx(0.7 * 0.5 + 0.3 * market, abs=1e-6)


def test_cheaper_than_budget_is_fine_unless_far_below_market(
    score: Callable[..., PairScores], profile_factory: ProfileFactory, mission_factory: MissionFactory
) -> None:
    mission = mission_factory(tjm_min=650, tjm_max=700)
    slightly_below = profile_factory(id=1, years_experience=12, tjm=600)  # 7.7 % under 650: no penalty
    far_below = profile_factory(id=2, years_experience=12, tjm=400)  # 38.5 % under 650
    result = score(mission, slightly_below, far_below)
    assert factor(result, "tjm", 0) == pytest.approx(1.0)
    ramp = ((650 - 400) / 650 - 0.10) / 0.30
    assert factor(result, "tjm", 1) == pytest.approx(0.7 + 0.3 * (1 - 0.3 * ramp), abs=1e-6)


def test_gt15_up_to_the_ceiling_is_not_absurd(
    score: Callable[..., PairScores], profile_factory: ProfileFactory, mission_factory: MissionFactory
) -> None:
    mission = mission_factory(seniority="gt15", tjm_min=900, tjm_max=1100)
    senior = profile_factory(id=1, years_experience=20, tjm=1000)  # 775 < 1000 <= 1075 (documented ceiling)
    mid = profile_factory(id=2, years_experience=12, tjm=1000)  # far above 650–685 €
    result = score(mission, senior, mid)
    assert factor(result, "tjm", 0) == pytest.approx(0.7 + 0.3 * (1 - 0.2 * 225 / 300), abs=1e-6)
    assert factor(result, "tjm", 0) > factor(result, "tjm", 1) + 0.1


def test_raising_the_rate_above_budget_only_lowers_the_fit(
    score: Callable[..., PairScores], profile_factory: ProfileFactory, mission_factory: MissionFactory
) -> None:
    # a 12-year profile far under its band's market while under budget: the under-priced penalty must not
    # turn into a reward once the rate passes the budget
    mission = mission_factory(tjm_min=300, tjm_max=400)
    rates = [350, 399, 400, 401, 450, 500, 650, 700, 900]
    result = score(
        mission, *(profile_factory(id=i + 1, years_experience=12, tjm=t) for i, t in enumerate(rates))
    )
    fits = result.factors["tjm"]
    above = [i for i, t in enumerate(rates) if t >= 400]
    assert np.all(np.diff(fits[above]) <= 0)


# --- availability ---------------------------------------------------------------------------------
# make_mission runs 180 days after its start: 181 days counting both ends.
@pytest.mark.parametrize(
    ("late_days", "profile_days", "mission_days", "expected"),
    [
        (-10, 5, 5, 1.0),
        (0, 5, 5, 1.0),
        (14, 5, 5, 1 - 14 / 181),  # 8 % of the mission gone
        (60, 5, 5, 1 - 60 / 181),
        (0, 3, 5, 0.6),
        (0, 5, 3, 1.0),
        (0, 1, 3, 1 / 3),
        (45, 2, 4, (1 - 45 / 181) * 0.5),
        (180, 5, 5, 1 / 181),  # available on the last day
        (181, 5, 5, 0.0),  # the day after the end
    ],
)
def test_availability_is_the_share_of_the_mission_covered(
    score: Callable[..., PairScores],
    profile_factory: ProfileFactory,
    mission_factory: MissionFactory,
    late_days: int,
    profile_days: int,
    mission_days: int,
    expected: float,
) -> None:
    mission = mission_factory(days_per_week=mission_days)
    assert mission.end_date == mission.start_date + timedelta(days=180)
    profile = profile_factory(
        available_from=mission.start_date + timedelta(days=late_days), days_per_week=profile_days
    )
    assert factor(score(mission, profile), "availability") == pytest.approx(expected, abs=1e-6)


@pytest.mark.parametrize("length", [1, 41, 47, 82, 178, 181, 365])  # 41, 47, 82: 41 × float32(1/41) < 1
def test_available_by_the_start_is_exactly_one(
    score: Callable[..., PairScores],
    profile_factory: ProfileFactory,
    mission_factory: MissionFactory,
    length: int,
) -> None:
    mission = mission_factory()
    mission = mission_factory(end_date=mission.start_date + timedelta(days=length - 1))
    early = profile_factory(id=1, available_from=mission.start_date - timedelta(days=3))
    on_time = profile_factory(id=2, available_from=mission.start_date)
    result = score(mission, early, on_time)
    assert result.factors["availability"].tolist() == [1.0, 1.0]


def test_lateness_is_measured_against_the_mission_length(
    score: Callable[..., PairScores], profile_factory: ProfileFactory, mission_factory: MissionFactory
) -> None:
    start = date(2027, 1, 4)
    profile = profile_factory(available_from=start + timedelta(days=30))
    long = score(mission_factory(start_date=start, end_date=start + timedelta(days=364)), profile)
    short = score(mission_factory(start_date=start, end_date=start + timedelta(days=41)), profile)
    assert factor(long, "availability") == pytest.approx(1 - 30 / 365, abs=1e-6)  # 8 % of a year
    assert factor(short, "availability") == pytest.approx(1 - 30 / 42, abs=1e-6)  # 71 % of six weeks


@pytest.mark.parametrize(
    ("late_days", "expected"), [(0, 1.0), (22, 1 / (1 + (22 / 90) ** 2)), (45, 0.8), (90, 0.5), (180, 0.2)]
)
def test_open_ended_missions_decay_with_the_wait(
    score: Callable[..., PairScores],
    profile_factory: ProfileFactory,
    mission_factory: MissionFactory,
    late_days: int,
    expected: float,
) -> None:
    mission = mission_factory(end_date=None)
    profile = profile_factory(available_from=mission.start_date + timedelta(days=late_days))
    assert factor(score(mission, profile), "availability") == pytest.approx(expected, abs=1e-6)


def test_one_day_mission(
    score: Callable[..., PairScores], profile_factory: ProfileFactory, mission_factory: MissionFactory
) -> None:
    mission = mission_factory()
    mission = mission_factory(end_date=mission.start_date)
    on_time = profile_factory(id=1, available_from=mission.start_date)
    late = profile_factory(id=2, available_from=mission.start_date + timedelta(days=1))
    result = score(mission, on_time, late)
    assert factor(result, "availability", 0) == 1.0
    assert factor(result, "availability", 1) == 0.0


def test_available_only_after_the_mission_ends(
    score: Callable[..., PairScores], profile_factory: ProfileFactory, mission_factory: MissionFactory
) -> None:
    mission = mission_factory()
    assert mission.end_date is not None
    profile = profile_factory(available_from=mission.end_date + timedelta(days=1))
    result = score(mission, profile)
    assert factor(result, "availability") == 0.0
    assert result.total[0] == 0.0  # covers nothing: the gate takes the total to 0 as well
    assert not result.excluded[0]  # … but it is not a hard filter: the pair is still explained


# --- the coverage gate on the total ---------------------------------------------------------------
def _ungated(result: PairScores, i: int = 0) -> float:
    return 100 * sum(w * factor(result, name, i) for name, w in Weights().as_dict().items())


@pytest.mark.parametrize(
    ("profile_days", "mission_days", "gate"),
    [
        (1, 3, 2 / 3),  # m11: 1 of the 3 days asked
        (2, 5, 0.8),  # m09: 2 of 5 days on a full-time interim DSI role
        (1, 4, 0.5),  # m03: 1 of 4 days
        (2, 4, 1.0),  # half the days: at the gate, not under it
        (3, 5, 1.0),
    ],
)
def test_working_far_fewer_days_than_asked_scales_the_total(
    score: Callable[..., PairScores],
    profile_factory: ProfileFactory,
    mission_factory: MissionFactory,
    profile_days: int,
    mission_days: int,
    gate: float,
) -> None:
    mission = mission_factory(days_per_week=mission_days)
    full = profile_factory(id=1, days_per_week=mission_days)
    fewer = profile_factory(id=2, days_per_week=profile_days)
    result = score(mission, full, fewer)
    share = profile_days / mission_days
    assert factor(result, "availability", 1) == pytest.approx(share, abs=1e-6)
    assert float(result.raw_total[0]) == pytest.approx(_ungated(result, 0), abs=1e-4)
    # the coverage gate, and the deal-breaker gate of the days per week (one day short, or more)
    days = days_gate(profile_days, mission_days, Gates())
    assert days < 1.0
    assert float(result.raw_total[1]) == pytest.approx(gate * days * _ungated(result, 1), abs=1e-4)
    # the factor's own weight (0.10) costs 10 × the missing share; under half the days, the gate scales all
    assert _ungated(result, 0) - _ungated(result, 1) == pytest.approx(10 * (1 - share), abs=1e-4)


def test_available_after_82_percent_of_the_mission(
    score: Callable[..., PairScores], profile_factory: ProfileFactory, mission_factory: MissionFactory
) -> None:
    # m01: 2027-01-04 → 2027-06-30 (178 days), a strong profile available 2027-05-30 (146 days late)
    mission = mission_factory(start_date=date(2027, 1, 4), end_date=date(2027, 6, 30), days_per_week=3)
    ready = profile_factory(id=1, available_from=date(2027, 1, 4))
    late = profile_factory(id=2, available_from=date(2027, 5, 30))
    under_qualified = profile_factory(id=3, years_experience=7)  # one band under the 11–15 years asked
    result = score(mission, ready, late, under_qualified)
    assert factor(result, "availability", 1) == pytest.approx(32 / 178, abs=1e-6)  # 18 % left
    assert float(result.raw_total[1]) == pytest.approx((32 / 178 / 0.5) * _ungated(result, 1), abs=1e-4)
    assert result.total[1] < 0.4 * result.total[0]  # disqualifying in practice: far below …
    assert result.total[1] < result.total[2] - 40  # … even a profile one band under, above market


def test_the_gate_is_applied_whatever_the_weights(
    vocab: Vocabulary, grid: RateGrid, profile_factory: ProfileFactory, mission_factory: MissionFactory
) -> None:
    weights = Weights(
        competences=0.3, cto_missions=0.2, experience=0.2, tjm=0.2, availability=0.0,
        remote_location=0.05, sector_context=0.05, orientation=0.0,
    )  # fmt: skip
    mission = mission_factory(days_per_week=4)
    pool = encode_profiles([profile_factory(id=1), profile_factory(id=2, days_per_week=1)], vocab, grid)
    result = score_mission_against_pool(mission, pool, grid, weights)
    days = Gates().days_hard_factor  # 1 of 4 days: also the deal-breaker gate
    assert float(result.raw_total[1]) == pytest.approx(0.5 * days * float(result.raw_total[0]), abs=1e-4)
    ref = reference_pair_score(mission, profile_factory(id=2, days_per_week=1), vocab, grid, weights)
    assert float(result.raw_total[1]) == pytest.approx(ref.raw_total, abs=1e-4)


# --- remote / location ----------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("preference", "policy", "city", "expected"),
    [
        ("remote", "remote", "Lyon", 1.0),
        ("onsite", "remote", "Lyon", 0.6),  # compatible, but lower
        ("onsite", "onsite", "Paris", 1.0),
        ("onsite", "onsite", "Lyon", 0.75),  # other city
        ("hybrid", "hybrid", " paris", 1.0),  # city compared case- and space-insensitively
        ("flexible", "hybrid", "Lyon", 0.75),
        ("remote", "hybrid", "Paris", 0.5),
    ],
)
def test_remote_location(
    score: Callable[..., PairScores],
    profile_factory: ProfileFactory,
    mission_factory: MissionFactory,
    preference: str,
    policy: str,
    city: str,
    expected: float,
) -> None:
    mission = mission_factory(remote_policy=policy, location="Paris")
    result = score(mission, profile_factory(remote_preference=preference, location=city))
    assert factor(result, "remote_location") == pytest.approx(expected)
    assert not result.excluded[0]


# --- sector / context and orientation -------------------------------------------------------------
@pytest.mark.parametrize(
    ("roles", "sectors", "expected"),
    [
        (("fintech",), ("fintech",), 1.0),
        (("fintech",), (), 0.6),  # a past CTO role in the same context counts most
        ((), ("FinTech",), 0.4),  # sector tag only (compared case-insensitively)
        (("scaleup",), (), 0.3),  # similar context (startup ~ scaleup: 0.5 × 0.6)
        (("industrial",), ("agency",), 0.0),
    ],
)
def test_sector_context(
    score: Callable[..., PairScores],
    profile_factory: ProfileFactory,
    mission_factory: MissionFactory,
    roles: tuple[str, ...],
    sectors: tuple[str, ...],
    expected: float,
) -> None:
    mission = mission_factory(sector="fintech", context="fintech" if "scaleup" not in roles else "startup")
    profile = profile_factory(past_role_contexts=roles, sectors=sectors)
    assert factor(score(mission, profile), "sector_context") == pytest.approx(expected)


@pytest.mark.parametrize(
    ("mission_o", "profile_o", "expected"),
    [
        ("cto", "cto", 1.0),
        ("cto", "both", 0.9),
        ("cto", "dsi", 0.4),
        ("dsi", "cto", 0.4),
        ("both", "dsi", 0.7),
    ],
)
def test_orientation(
    score: Callable[..., PairScores],
    profile_factory: ProfileFactory,
    mission_factory: MissionFactory,
    mission_o: str,
    profile_o: str,
    expected: float,
) -> None:
    result = score(mission_factory(orientation=mission_o), profile_factory(orientation=profile_o))
    assert factor(result, "orientation") == pytest.approx(expected)


# --- hard filters and the total -------------------------------------------------------------------
def test_hard_filters(
    score: Callable[..., PairScores], profile_factory: ProfileFactory, mission_factory: MissionFactory
) -> None:
    onsite = mission_factory(remote_policy="onsite")
    result = score(
        onsite,
        profile_factory(id=1, remote_preference="remote"),
        profile_factory(id=2, active=False),
        profile_factory(id=3),
    )
    assert [result.exclusion_reason(i) for i in range(3)] == ["remote_incompatible", "profile_inactive", None]
    assert result.total[0] == 0 and result.total[1] == 0 and result.total[2] > 0

    closed = score(mission_factory(is_open=False), profile_factory())
    assert closed.exclusion_reason(0) == "mission_closed"
    assert closed.total[0] == 0


def test_excluded_pairs_are_never_ranked(
    vocab: Vocabulary,
    grid: RateGrid,
    weights: Weights,
    profile_factory: ProfileFactory,
    mission_factory: MissionFactory,
) -> None:
    pool = encode_profiles(
        [
            profile_factory(id=1, remote_preference="remote"),
            profile_factory(id=2, active=False),
            profile_factory(id=3),
        ],
        vocab,
        grid,
    )
    [top] = top_matches([mission_factory(remote_policy="onsite")], pool, grid, weights, k=10)
    assert top.profile_ids.tolist() == [3]
    [none] = top_matches([mission_factory(is_open=False)], pool, grid, weights, k=10)
    assert none.profile_ids.size == 0


def test_total_is_hundred_times_the_weighted_sum(
    score: Callable[..., PairScores], profile_factory: ProfileFactory, mission_factory: MissionFactory
) -> None:
    weights = Weights()
    mission = mission_factory()
    result = score(mission, profile_factory(tjm=760, years_experience=8))
    gate = rate_gate(760, mission.tjm_max, Gates())  # 760 € is over the budget: the rate gate applies
    expected = gate * 100 * sum(w * factor(result, name) for name, w in weights.as_dict().items())
    assert result.total[0] == pytest.approx(round(expected, 2), abs=0.01)
    assert float(result.raw_total[0]) == pytest.approx(expected, abs=1e-4)


def test_a_perfect_match_scores_100(
    score: Callable[..., PairScores], profile_factory: ProfileFactory, mission_factory: MissionFactory
) -> None:
    mission = mission_factory(
        title="CTO fintech", description="", nice_competences=(), sector="fintech", context="fintech"
    )
    profile = profile_factory(headline="CTO fintech", summary="", stack=())
    assert score(mission, profile).total[0] == 100.0

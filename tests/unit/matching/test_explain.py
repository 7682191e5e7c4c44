"""Explanations record the facts (codes with numbers, ids, dates); the budget warning fires exactly when it
should, and its ways out come from the grid."""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from matching.engine import score_mission_against_pool
from matching.explain import (
    REASON_CODES,
    BudgetOption,
    BudgetWarning,
    Explanation,
    Reason,
    budget_advice,
    budget_warning,
    explain_pair,
    skill_gaps,
)
from matching.inputs import MissionInput, PastRole, ProfileInput, RateGrid, Vocabulary, Weights
from matching.pool import encode_profiles

ProfileFactory = Callable[..., ProfileInput]
MissionFactory = Callable[..., MissionInput]
Explain = Callable[[MissionInput, ProfileInput], Explanation]


@pytest.fixture
def explain(vocab: Vocabulary, grid: RateGrid, weights: Weights) -> Explain:
    def run(mission: MissionInput, profile: ProfileInput) -> Explanation:
        scores = score_mission_against_pool(mission, encode_profiles([profile], vocab, grid), grid, weights)
        return explain_pair(mission, profile, scores.factor_scores(0), grid)

    return run


def only(explanation: Explanation, code: str) -> Reason:
    found = [r for r in explanation.reasons if r.code == code]
    assert len(found) == 1, (code, explanation.codes())
    return found[0]


Y11_15 = {"band": "y11_15", "band_min_years": 11.0, "band_max_years": 16.0}
GT15 = {"band": "gt15", "band_min_years": 16.0, "band_max_years": None}


def test_tjm_reason_cites_budget_and_market(
    explain: Explain, profile_factory: ProfileFactory, mission_factory: MissionFactory
) -> None:
    explanation = explain(
        mission_factory(tjm_min=600, tjm_max=700), profile_factory(years_experience=12, tjm=680)
    )
    assert only(explanation, "tjm_within_budget").params == {"tjm": 680, "budget_min": 600, "budget_max": 700}
    market = only(explanation, "market_within")
    assert (market.factor, market.tone) == ("tjm", "positive")
    assert market.params == {"tjm": 680, **Y11_15, "tjm_low": 650, "tjm_high": 685}


def test_tjm_over_budget_and_above_market(
    explain: Explain, profile_factory: ProfileFactory, mission_factory: MissionFactory
) -> None:
    explanation = explain(
        mission_factory(tjm_min=600, tjm_max=700), profile_factory(years_experience=12, tjm=805)
    )
    over = only(explanation, "tjm_above_budget")
    assert over.params == {"tjm": 805, "budget_min": 600, "budget_max": 700, "over_percent": 15.0}
    assert only(explanation, "market_above").params == {"tjm": 805, **Y11_15, "tjm_low": 650, "tjm_high": 685}
    cheaper = explain(
        mission_factory(tjm_min=600, tjm_max=700), profile_factory(years_experience=12, tjm=560)
    )
    assert only(cheaper, "tjm_below_budget").params["tjm"] == 560
    assert only(cheaper, "market_below").tone == "neutral"


def test_gt15_rate_within_and_above_the_documented_ceiling(
    explain: Explain, profile_factory: ProfileFactory, mission_factory: MissionFactory
) -> None:
    mission = mission_factory(seniority="gt15", tjm_min=900, tjm_max=1100)
    within = only(explain(mission, profile_factory(years_experience=20, tjm=1000)), "market_within_ceiling")
    assert within.params == {"tjm": 1000, **GT15, "tjm_low": 400, "tjm_high": 775, "tjm_ceiling": 1075}
    above = only(explain(mission, profile_factory(years_experience=20, tjm=1200)), "market_above_ceiling")
    assert (above.params["tjm_ceiling"], above.tone) == (1075, "negative")


def test_missing_required_competence_is_listed_with_its_id(
    explain: Explain, profile_factory: ProfileFactory, mission_factory: MissionFactory
) -> None:
    mission = mission_factory(
        required_competences=("it_security", "leadership"), nice_competences=("communication",)
    )
    profile = profile_factory(competences={"leadership": 2, "project_management": 4})
    explanation = explain(mission, profile)
    assert only(explanation, "missing_required").params == {"competence": "it_security"}
    assert only(explanation, "partial_required").params == {
        "competence": "leadership",
        "level": 2,
        "max_level": 5,
    }
    held = only(explanation, "required_held")
    assert (held.params, held.tone) == (
        {"held": 1, "required": 2, "competences": [{"id": "leadership", "level": 2}]},
        "neutral",
    )
    assert only(explanation, "nice_held").params == {"held": 0, "total": 1, "missing": ["communication"]}
    assert explanation.skill_gaps.missing_required == ("it_security",)
    assert explanation.skill_gaps.partial_required == ("leadership",)
    assert explanation.skill_gaps.missing_nice == ("communication",)


def test_past_cto_role_in_the_same_context_is_cited(
    explain: Explain, profile_factory: ProfileFactory, mission_factory: MissionFactory
) -> None:
    explanation = explain(mission_factory(context="fintech", sector="fintech"), profile_factory())
    role = only(explanation, "past_role_context")
    assert role.params == {"context": "fintech", "title": "CTO", "start_year": 2019, "end_year": 2023}
    assert only(explanation, "sector_match").params == {"sector": "fintech"}


def test_similar_and_missing_contexts(
    explain: Explain, profile_factory: ProfileFactory, mission_factory: MissionFactory
) -> None:
    profile = profile_factory(
        past_role_contexts=("scaleup",),
        past_roles=(PastRole(title="CTO", context="scaleup", start_year=2018, end_year=None),),
    )
    similar = only(explain(mission_factory(context="startup"), profile), "similar_context")
    assert (similar.params, similar.tone) == (
        {"context": "startup", "similar": "scaleup", "start_year": 2018, "end_year": None},
        "neutral",
    )
    missing = only(explain(mission_factory(context="public_sector"), profile), "no_context_role")
    assert (missing.params, missing.tone) == ({"context": "public_sector"}, "negative")


def test_availability_reason_counts_the_days(
    explain: Explain, profile_factory: ProfileFactory, mission_factory: MissionFactory
) -> None:
    mission = mission_factory()  # 181 days, start and end included
    late = profile_factory(available_from=mission.start_date + timedelta(days=14), days_per_week=3)
    reasons = [r for r in explain(mission, late).reasons if r.factor == "availability"]
    assert mission.end_date is not None
    assert [(r.code, r.params, r.tone) for r in reasons] == [
        (
            "availability_late",
            {
                "available_from": (mission.start_date + timedelta(days=14)).isoformat(),
                "start_date": mission.start_date.isoformat(),
                "end_date": mission.end_date.isoformat(),
                "days_late": 14,
                "days_per_week": 3,
                "days_asked": 5,
                "mission_share": round(14 / 181, 4),
            },
            "neutral",  # coverage (1 − 14/181) × 3/5 = 0.55
        )
    ]


def test_available_after_82_percent_of_the_mission_is_stated(
    explain: Explain, profile_factory: ProfileFactory, mission_factory: MissionFactory
) -> None:
    mission = mission_factory(start_date=date(2027, 1, 4), end_date=date(2027, 6, 30), days_per_week=3)
    explanation = explain(mission, profile_factory(available_from=date(2027, 5, 30)))
    late = only(explanation, "availability_late")
    assert (late.params["days_late"], late.params["mission_share"]) == (146, round(146 / 178, 4))
    gate = only(explanation, "availability_gate")
    assert gate.params == {"coverage": round(32 / 178, 4), "threshold": 0.5, "multiplier": round(32 / 89, 4)}


def test_one_of_three_days_is_stated(
    explain: Explain, profile_factory: ProfileFactory, mission_factory: MissionFactory
) -> None:
    mission = mission_factory(days_per_week=3)
    explanation = explain(mission, profile_factory(days_per_week=1))
    start = only(explanation, "availability_by_start")
    assert (start.params["days_per_week"], start.params["days_asked"], start.params["days_late"]) == (1, 3, 0)
    assert only(explanation, "availability_gate").params["multiplier"] == round(2 / 3, 4)
    assert [r.tone for r in explanation.reasons if r.factor == "availability"] == ["negative", "negative"]


def test_open_ended_and_after_the_end(
    explain: Explain, profile_factory: ProfileFactory, mission_factory: MissionFactory
) -> None:
    open_ended = mission_factory(end_date=None)
    later = open_ended.start_date + timedelta(days=90)
    explanation = explain(open_ended, profile_factory(available_from=later))
    assert only(explanation, "availability_late_open_ended").params["days_late"] == 90
    assert not any(r.code.startswith("availability_gate") for r in explanation.reasons)  # 0.5: at the gate
    much_later = open_ended.start_date + timedelta(days=180)
    explanation = explain(open_ended, profile_factory(available_from=much_later, days_per_week=4))
    gate = only(explanation, "availability_gate_open_ended")
    assert gate.params == {"coverage": 0.16, "threshold": 0.5, "multiplier": 0.32}

    mission = mission_factory()
    assert mission.end_date is not None
    after = mission.end_date + timedelta(days=1)
    explanation = explain(mission, profile_factory(available_from=after))
    assert only(explanation, "availability_after_end").params["end_date"] == mission.end_date.isoformat()
    assert only(explanation, "availability_gate").params == {
        "coverage": 0.0,
        "threshold": 0.5,
        "multiplier": 0.0,
    }


def test_cto_missions_and_experience_reasons(
    explain: Explain, profile_factory: ProfileFactory, mission_factory: MissionFactory
) -> None:
    mission = mission_factory(cto_missions=("technology_strategy", "technology_risk"), seniority="y5_10")
    explanation = explain(mission, profile_factory(years_experience=12))
    assert only(explanation, "cto_missions_done").params == {
        "requested": 2,
        "done": ["technology_strategy"],
        "missing": ["technology_risk"],
    }
    above = only(explanation, "experience_above")
    assert (above.params, above.tone) == (
        {
            "years": 12.0,
            **Y11_15,
            "asked": "y5_10",
            "asked_min_years": 5.0,
            "asked_max_years": 11.0,
            "gap": 1,
        },
        "positive",
    )


def test_remote_location_and_orientation(
    explain: Explain, profile_factory: ProfileFactory, mission_factory: MissionFactory
) -> None:
    mission = mission_factory(remote_policy="hybrid", location="Paris", orientation="cto")
    near = explain(mission, profile_factory(remote_preference="hybrid", location="paris ", orientation="dsi"))
    assert only(near, "remote_match").params == {"policy": "hybrid", "preference": "hybrid"}
    assert only(near, "same_city").params == {"city": "Paris"}
    assert only(near, "orientation_mismatch").params == {"mission": "cto", "freelancer": "dsi"}
    far = explain(mission, profile_factory(remote_preference="remote", location="", orientation="cto"))
    assert only(far, "remote_mismatch").tone == "neutral"  # fit 0.5
    assert only(far, "other_city").params == {"city": "Paris", "profile_city": None}
    assert only(far, "orientation_match").params == {"orientation": "cto"}


def test_exclusion_is_explained(
    explain: Explain, profile_factory: ProfileFactory, mission_factory: MissionFactory
) -> None:
    explanation = explain(
        mission_factory(remote_policy="onsite"), profile_factory(remote_preference="remote")
    )
    assert explanation.exclusion == "remote_incompatible"
    first = explanation.reasons[0]
    assert (first.code, first.factor, first.params) == (
        "excluded_remote_incompatible",
        "exclusion",
        {"preference": "remote", "policy": "onsite"},
    )
    assert not any(r.factor == "remote_location" for r in explanation.reasons)


def test_budget_warning_and_its_ways_out(grid: RateGrid, mission_factory: MissionFactory) -> None:
    mission = mission_factory(seniority="y11_15", tjm_min=450, tjm_max=500)
    warning = budget_warning(mission, grid)
    assert warning == BudgetWarning(
        budget_min=450,
        budget_max=500,
        band="y11_15",
        band_min_years=11,
        band_max_years=16,
        tjm_low=650,
        tjm_high=685,
    )
    # 5–10 years (450–488 €) is the most senior band below 11–15 years that a 500 € maximum reaches
    assert budget_advice(warning, grid) == (
        BudgetOption(action="raise_max", tjm_max=650),
        BudgetOption(
            action="lower_seniority",
            band="y5_10",
            band_min_years=5,
            band_max_years=11,
            tjm_low=450,
            tjm_high=488,
        ),
    )
    assert budget_warning(mission_factory(seniority="y11_15", tjm_min=450, tjm_max=650), grid) is None


def test_no_junior_band_is_offered_when_none_is_affordable(
    grid: RateGrid, mission_factory: MissionFactory
) -> None:
    warning = budget_warning(mission_factory(seniority="gt15", tjm_min=350, tjm_max=380), grid)
    assert warning is not None
    assert budget_advice(warning, grid) == (BudgetOption(action="raise_max", tjm_max=400),)


def test_the_budget_reason_carries_the_warning_and_the_options(
    explain: Explain, profile_factory: ProfileFactory, mission_factory: MissionFactory
) -> None:
    explanation = explain(mission_factory(seniority="y11_15", tjm_min=450, tjm_max=500), profile_factory())
    reason = only(explanation, "budget_below_market")
    assert explanation.budget_warning is not None
    assert reason.params == {
        **explanation.budget_warning.as_params(),
        "options": [
            {"action": "raise_max", "tjm_max": 650},
            {
                "action": "lower_seniority",
                "band": "y5_10",
                "band_min_years": 5.0,
                "band_max_years": 11.0,
                "tjm_low": 450,
                "tjm_high": 488,
            },
        ],
    }


@settings(max_examples=int(os.environ.get("MATCHING_HYPOTHESIS_EXAMPLES", "60")), deadline=None)
@given(data=st.data())
def test_budget_warning_fires_exactly_below_the_band_low(
    data: st.DataObject, strategies: Any, grid: RateGrid
) -> None:
    mission = data.draw(strategies.mission())
    band = grid.band(mission.seniority)
    warning = budget_warning(mission, grid)
    assert (warning is not None) == (mission.tjm_max < band.tjm_low)
    if warning:
        assert (warning.budget_min, warning.budget_max) == (mission.tjm_min, mission.tjm_max)
        assert (warning.band, warning.tjm_low, warning.tjm_high) == (band.id, band.tjm_low, band.tjm_high)
        options = budget_advice(warning, grid)
        assert options[0] == BudgetOption(action="raise_max", tjm_max=band.tjm_low)
        for option in options[1:]:
            assert option.band is not None and option.tjm_low is not None
            assert grid.index(option.band) < grid.index(band.id)
            assert option.tjm_low <= mission.tjm_max  # the current budget reaches that band's range


@settings(max_examples=int(os.environ.get("MATCHING_HYPOTHESIS_EXAMPLES", "60")), deadline=None)
@given(data=st.data())
def test_every_pair_can_be_explained(
    data: st.DataObject,
    strategies: Any,
    vocab: Vocabulary,
    grid: RateGrid,
    weights: Weights,
) -> None:
    mission = data.draw(strategies.mission())
    profile = data.draw(strategies.profile())
    scores = score_mission_against_pool(mission, encode_profiles([profile], vocab, grid), grid, weights)
    explanation = explain_pair(mission, profile, scores.factor_scores(0), grid, vocab=vocab)
    assert explanation.exclusion == scores.exclusion_reason(0)
    assert set(explanation.codes()) <= set(REASON_CODES)
    # the sector/context reasons tell the same story as the factor
    context_reasons = [r for r in explanation.reasons if r.factor == "sector_context"]
    credited = [r for r in context_reasons if r.tone == "positive" or r.code == "similar_context"]
    assert bool(credited) == (scores.factor_scores(0)["sector_context"] > 0)
    assert explanation.skill_gaps == skill_gaps(mission, profile)
    # the availability reasons tell the same story as the factor, and name the gate exactly when it bites
    coverage = scores.factor_scores(0)["availability"]
    availability = [r for r in explanation.reasons if r.factor == "availability"]
    assert availability[0].params["available_from"] == profile.available_from.isoformat()
    assert (availability[0].params["days_per_week"], availability[0].params["days_asked"]) == (
        profile.days_per_week,
        mission.days_per_week,
    )
    assert (len(availability) == 2) == (coverage < 0.5)
    assert any(r.factor == "tjm" and r.params["tjm"] == profile.tjm for r in explanation.reasons)
    # stored as JSON: plain values only, and the same back
    stored = explanation.stored()
    assert json.loads(json.dumps(stored)) == stored

"""Explanations cite the facts (numbers, labels, dates); the budget warning fires exactly when it should."""

from __future__ import annotations

import os
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from matching.engine import score_mission_against_pool
from matching.explain import Explanation, budget_warning, explain_pair, skill_gaps
from matching.inputs import MissionInput, PastRole, ProfileInput, RateGrid, Vocabulary, Weights
from matching.pool import encode_profiles

ProfileFactory = Callable[..., ProfileInput]
MissionFactory = Callable[..., MissionInput]


@pytest.fixture
def explain(
    vocab: Vocabulary, grid: RateGrid, weights: Weights, labels: dict[str, str]
) -> Callable[[MissionInput, ProfileInput], Explanation]:
    def run(mission: MissionInput, profile: ProfileInput) -> Explanation:
        scores = score_mission_against_pool(mission, encode_profiles([profile], vocab, grid), grid, weights)
        return explain_pair(mission, profile, scores.factor_scores(0), grid, labels)

    return run


def test_tjm_reason_cites_budget_and_market(
    explain: Callable[..., Explanation], profile_factory: ProfileFactory, mission_factory: MissionFactory
) -> None:
    text = explain(mission_factory(tjm_min=600, tjm_max=700), profile_factory(years_experience=12, tjm=680))
    assert "TJM 680 € within budget 600–700 €; market range for 11–15 years is 650–685 €" in text.lines()


def test_tjm_over_budget_and_above_market(
    explain: Callable[..., Explanation], profile_factory: ProfileFactory, mission_factory: MissionFactory
) -> None:
    lines = explain(
        mission_factory(tjm_min=600, tjm_max=700), profile_factory(years_experience=12, tjm=805)
    ).lines()
    assert (
        "TJM 805 € is 15% above budget 600–700 €; market range for 11–15 years is 650–685 € (rate above it)"
        in lines
    )


def test_gt15_rate_within_the_documented_ceiling(
    explain: Callable[..., Explanation], profile_factory: ProfileFactory, mission_factory: MissionFactory
) -> None:
    mission = mission_factory(seniority="gt15", tjm_min=900, tjm_max=1100)
    lines = explain(mission, profile_factory(years_experience=20, tjm=1000)).lines()
    assert (
        "TJM 1 000 € within budget 900–1 100 €; market range for more than 15 years is 400–775 € "
        "(rate above it, within the documented ceiling 1 075 €)" in lines
    )


def test_missing_required_competence_is_listed_with_its_label(
    explain: Callable[..., Explanation], profile_factory: ProfileFactory, mission_factory: MissionFactory
) -> None:
    mission = mission_factory(
        required_competences=("it_security", "leadership"), nice_competences=("communication",)
    )
    profile = profile_factory(competences={"leadership": 2, "project_management": 4})
    explanation = explain(mission, profile)
    assert "missing required competence: IT security" in explanation.lines()
    assert "required competence Leadership only at level 2/5" in explanation.lines()
    assert "has 1 of 2 required competences: Leadership (level 2)" in explanation.lines()
    assert "has 0 of 1 nice-to-have competences; missing: Communication" in explanation.lines()
    assert explanation.skill_gaps.missing_required == ("it_security",)
    assert explanation.skill_gaps.partial_required == ("leadership",)
    assert explanation.skill_gaps.missing_nice == ("communication",)


def test_past_cto_role_in_the_same_context_is_cited(
    explain: Callable[..., Explanation], profile_factory: ProfileFactory, mission_factory: MissionFactory
) -> None:
    explanation = explain(mission_factory(context="fintech", sector="fintech"), profile_factory())
    assert "already CTO in a fintech context (2019–2023)" in explanation.lines()
    assert "has worked in the Fintech sector" in explanation.lines()


def test_similar_and_missing_contexts(
    explain: Callable[..., Explanation], profile_factory: ProfileFactory, mission_factory: MissionFactory
) -> None:
    profile = profile_factory(
        past_role_contexts=("scaleup",),
        past_roles=(PastRole(title="CTO", context="scaleup", start_year=2018, end_year=None),),
    )
    lines = explain(mission_factory(context="startup"), profile).lines()
    assert "past role in a similar context (scaleup (2018–now)), none in a startup context" in lines
    lines = explain(mission_factory(context="public_sector"), profile).lines()
    assert "no past CTO role in a public sector context" in lines


def test_availability_reason_counts_the_days(
    explain: Callable[..., Explanation], profile_factory: ProfileFactory, mission_factory: MissionFactory
) -> None:
    mission = mission_factory()  # 181 days, start and end included
    late = profile_factory(available_from=mission.start_date + timedelta(days=14), days_per_week=3)
    reasons = [r for r in explain(mission, late).reasons if r.factor == "availability"]
    expected_date = (mission.start_date + timedelta(days=14)).isoformat()
    assert [(r.text, r.tone) for r in reasons] == [
        (
            f"available {expected_date}, after 8% of the mission (ends {mission.end_date}), 14 days in; "
            "can work 3 of the 5 days/week asked",
            "neutral",  # coverage (1 − 14/181) × 3/5 = 0.55
        )
    ]


def test_available_after_82_percent_of_the_mission_is_stated(
    explain: Callable[..., Explanation], profile_factory: ProfileFactory, mission_factory: MissionFactory
) -> None:
    mission = mission_factory(start_date=date(2027, 1, 4), end_date=date(2027, 6, 30), days_per_week=3)
    lines = explain(mission, profile_factory(available_from=date(2027, 5, 30))).lines()
    assert (
        "available 2027-05-30, after 82% of the mission (ends 2027-06-30), 146 days in; "
        "can work the 3 days/week asked" in lines
    )
    assert "can cover 18% of the mission's working time, under 50%: total scaled by 0.36" in lines


def test_one_of_three_days_is_stated(
    explain: Callable[..., Explanation], profile_factory: ProfileFactory, mission_factory: MissionFactory
) -> None:
    mission = mission_factory(days_per_week=3)
    explanation = explain(mission, profile_factory(days_per_week=1))
    assert (
        f"available {mission.start_date}, by the mission start ({mission.start_date}); "
        "can work 1 of the 3 days/week asked" in explanation.lines()
    )
    assert (
        "can cover 33% of the mission's working time, under 50%: total scaled by 0.67" in explanation.lines()
    )
    assert [r.tone for r in explanation.reasons if r.factor == "availability"] == ["negative", "negative"]


def test_open_ended_and_after_the_end(
    explain: Callable[..., Explanation], profile_factory: ProfileFactory, mission_factory: MissionFactory
) -> None:
    open_ended = mission_factory(end_date=None)
    later = open_ended.start_date + timedelta(days=90)
    lines = explain(open_ended, profile_factory(available_from=later)).lines()
    assert (
        f"available {later}, 90 days after the start of an open-ended mission; can work the 5 days/week asked"
        in lines
    )
    assert not any("total scaled" in line for line in lines)  # 0.5: at the gate, not under it
    much_later = open_ended.start_date + timedelta(days=180)
    lines = explain(open_ended, profile_factory(available_from=much_later, days_per_week=4)).lines()
    assert (
        f"available {much_later}, 180 days after the start of an open-ended mission; "
        "can work 4 of the 5 days/week asked" in lines
    )
    assert "availability 0.16 (waiting time and days/week) is under 0.50: total scaled by 0.32" in lines

    mission = mission_factory()
    assert mission.end_date is not None
    after = mission.end_date + timedelta(days=1)
    lines = explain(mission, profile_factory(available_from=after)).lines()
    assert (
        f"available {after}, after the mission ends ({mission.end_date}); can work the 5 days/week asked"
        in lines
    )
    assert "can cover 0% of the mission's working time, under 50%: total scaled by 0.00" in lines


def test_cto_missions_and_experience_reasons(
    explain: Callable[..., Explanation], profile_factory: ProfileFactory, mission_factory: MissionFactory
) -> None:
    mission = mission_factory(cto_missions=("technology_strategy", "technology_risk"), seniority="y5_10")
    lines = explain(mission, profile_factory(years_experience=12)).lines()
    assert (
        "already carried out 1 of 2 requested CTO missions: Define the technology strategy; "
        "not yet: Manage technology risk" in lines
    )
    assert "12 years of experience (11–15 years): one band above the 5–10 years asked" in lines


def test_exclusion_is_explained(
    explain: Callable[..., Explanation], profile_factory: ProfileFactory, mission_factory: MissionFactory
) -> None:
    explanation = explain(
        mission_factory(remote_policy="onsite"), profile_factory(remote_preference="remote")
    )
    assert explanation.exclusion == "remote_incompatible"
    assert explanation.lines()[0] == "excluded: full-remote freelancer, on-site mission"


def test_budget_warning_text(grid: RateGrid, mission_factory: MissionFactory) -> None:
    mission = mission_factory(seniority="y11_15", tjm_min=450, tjm_max=500)
    assert (
        budget_warning(mission, grid)
        == "budget 450–500 € is below the market range 650–685 € for 11–15 years"
    )
    assert budget_warning(mission_factory(seniority="y11_15", tjm_min=450, tjm_max=650), grid) is None


@settings(max_examples=int(os.environ.get("MATCHING_HYPOTHESIS_EXAMPLES", "60")), deadline=None)
@given(data=st.data())
def test_budget_warning_fires_exactly_below_the_band_low(
    data: st.DataObject, strategies: Any, grid: RateGrid
) -> None:
    mission = data.draw(strategies.mission())
    band = grid.band(mission.seniority)
    warning = budget_warning(mission, grid)
    assert (warning is not None) == (mission.tjm_max < band.tjm_low)
    if warning:  # tjm_max < tjm_low <= 650 here, so no thousands separator in play
        assert warning == (
            f"budget {mission.tjm_min}–{mission.tjm_max} € is below the market range "
            f"{band.tjm_low}–{band.tjm_high} € for {band.years_label}"
        )


@settings(max_examples=int(os.environ.get("MATCHING_HYPOTHESIS_EXAMPLES", "60")), deadline=None)
@given(data=st.data())
def test_every_pair_can_be_explained(
    data: st.DataObject,
    strategies: Any,
    vocab: Vocabulary,
    grid: RateGrid,
    weights: Weights,
    labels: dict[str, str],
) -> None:
    mission = data.draw(strategies.mission())
    profile = data.draw(strategies.profile())
    scores = score_mission_against_pool(mission, encode_profiles([profile], vocab, grid), grid, weights)
    explanation = explain_pair(mission, profile, scores.factor_scores(0), grid, labels, vocab=vocab)
    assert explanation.exclusion == scores.exclusion_reason(0)
    # the sector/context reasons tell the same story as the factor
    context_reasons = [r for r in explanation.reasons if r.factor == "sector_context"]
    credited = [r for r in context_reasons if r.tone == "positive" or "similar context" in r.text]
    assert bool(credited) == (scores.factor_scores(0)["sector_context"] > 0)
    assert explanation.skill_gaps == skill_gaps(mission, profile)
    # the availability reasons tell the same story as the factor, and name the gate exactly when it bites
    coverage = scores.factor_scores(0)["availability"]
    availability = [r for r in explanation.reasons if r.factor == "availability"]
    assert availability[0].text.startswith(f"available {profile.available_from}, ")
    days = (
        f"can work {profile.days_per_week} of the {mission.days_per_week} days/week asked"
        if profile.days_per_week < mission.days_per_week
        else f"can work the {mission.days_per_week} days/week asked"
    )
    assert availability[0].text.endswith(days)
    assert (len(availability) == 2) == (coverage < 0.5)
    assert all(r.text for r in explanation.reasons)
    assert any(
        r.factor == "tjm" and f"TJM {profile.tjm:,} €".replace(",", " ") in r.text
        for r in explanation.reasons
    )

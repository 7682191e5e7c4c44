"""Inputs: the rate grid, weights, vocabulary and the fixture-schema constructors."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest

from matching.inputs import MissionInput, ProfileInput, RateGrid, Vocabulary, Weights
from matching.pool import encode_missions, encode_profiles


@pytest.mark.parametrize(
    ("years", "band"),
    [
        (0, "lt1"),
        (0.99, "lt1"),
        (1, "y1_2"),
        (2.9, "y1_2"),
        (3, "y3_4"),
        (4.99, "y3_4"),
        (5, "y5_10"),
        (10.9, "y5_10"),
        (11, "y11_15"),
        (15.5, "y11_15"),
        (16, "gt15"),
        (40, "gt15"),
    ],
)
def test_band_for_years_follows_the_fixture_grid(grid: RateGrid, years: float, band: str) -> None:
    assert grid.band_for_years(years).id == band


def test_grid_keeps_the_published_non_monotonic_rates(grid: RateGrid) -> None:
    assert grid.band_ids == ("lt1", "y1_2", "y3_4", "y5_10", "y11_15", "gt15")
    assert (grid.band("y5_10").tjm_low, grid.band("y5_10").tjm_high) == (450, 488)
    assert grid.band("y3_4").tjm_low > grid.band("y5_10").tjm_low  # as the source says; not "fixed"
    gt15 = grid.band("gt15")
    assert (gt15.tjm_low, gt15.tjm_high, gt15.tjm_ceiling) == (400, 775, 1075)


def test_band_labels(grid: RateGrid) -> None:
    labels = [b.years_label for b in grid.bands]
    assert labels == [
        "less than 1 year",
        "1–2 years",
        "3–4 years",
        "5–10 years",
        "11–15 years",
        "more than 15 years",
    ]


def test_grid_rejects_gaps() -> None:
    with pytest.raises(ValueError, match="contiguous"):
        RateGrid.from_mapping(
            {
                "bands": [
                    {"id": "a", "min_years": 0, "max_years": 2, "tjm_low": 1, "tjm_high": 2},
                    {"id": "b", "min_years": 3, "max_years": None, "tjm_low": 1, "tjm_high": 2},
                ]
            }
        )


def test_default_weights_sum_to_one() -> None:
    assert sum(Weights().as_tuple()) == pytest.approx(1.0, abs=1e-12)


def test_weights_must_sum_to_one_and_be_known() -> None:
    with pytest.raises(ValueError, match="sum to 1"):
        Weights(competences=0.5)
    with pytest.raises(ValueError, match="non-negative"):
        Weights(competences=-0.1, cto_missions=0.52)
    with pytest.raises(ValueError, match="unknown"):
        Weights.from_mapping({"charisma": 0.1})
    w = Weights.from_mapping({"competences": 0.30, "orientation": 0.02})
    assert w.competences == 0.30


def test_vocabulary_from_taxonomy(vocab: Vocabulary) -> None:
    assert (
        len(vocab.competence_ids) == 20
    )  # 4 hard + 6 soft skills + 3 agency projects, 5 phases, 2 deliverables
    assert "it_security" in vocab.competence_index
    assert len(vocab.cto_mission_ids) == 9
    assert "technology_risk" in vocab.cto_mission_index
    assert {"agency", "fintech", "tech_company", "startup", "public_sector"} <= set(vocab.tag_ids)
    assert vocab.tag_ids.count("agency") == 1  # a sector and a context, one column


def test_profile_from_fixture_schema() -> None:
    profile = ProfileInput.from_mapping(
        {
            "email": "a@example.com",
            "full_name": "A",
            "headline": "CTO",
            "summary": "…",
            "years_experience": 12,
            "tjm": 680,
            "available_from": "2027-01-15",
            "days_per_week": 4,
            "remote_preference": "hybrid",
            "location": "Paris",
            "orientation": "both",
            "competences": [{"id": "it_security", "level": 4}],
            "cto_missions": ["technology_strategy"],
            "sectors": ["fintech"],
            "stack": ["python"],
            "past_roles": [
                {
                    "title": "CTO",
                    "company": "PayCo",
                    "context": "fintech",
                    "start_year": 2019,
                    "end_year": 2023,
                },
                {"title": "CTO", "company": "Ag", "context": "agency", "start_year": 2023, "end_year": None},
            ],
            "references": [],
        },
        fallback_id=7,
    )
    assert profile.id == 7
    assert profile.available_from == date(2027, 1, 15)
    assert profile.competences == {"it_security": 4}
    assert profile.past_role_contexts == ("fintech", "agency")
    assert profile.past_roles[1].end_year is None


def test_mission_from_fixture_schema() -> None:
    mission = MissionInput.from_mapping(
        {
            "ref": "M-1",
            "title": "CTO",
            "description": "…",
            "orientation": "cto",
            "cto_missions": ["technology_strategy"],
            "required_competences": ["it_security"],
            "nice_competences": [],
            "seniority": "y11_15",
            "tjm_min": 600,
            "tjm_max": 700,
            "start_date": "2027-01-01",
            "end_date": None,
            "days_per_week": 5,
            "remote_policy": "onsite",
            "location": "Lyon",
            "sector": "fintech",
            "context": "startup",
            "status": "closed",
        },
        fallback_id=3,
    )
    assert mission.id == 3
    assert not mission.is_open
    assert mission.end_date is None


@pytest.mark.parametrize(
    ("bad", "message"),
    [
        ({"days_per_week": 6}, "days_per_week"),
        ({"tjm": 0}, "tjm"),
        ({"remote_preference": "moon"}, "remote_preference"),
        ({"competences": {"it_security": 9}}, "level"),
    ],
)
def test_profile_validation(
    profile_factory: Callable[..., ProfileInput], bad: dict[str, Any], message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        profile_factory(**bad)


@pytest.mark.parametrize(
    ("bad", "message"),
    [
        ({"tjm_min": 800, "tjm_max": 700}, "tjm_min"),
        ({"remote_policy": "flexible"}, "remote_policy"),
        ({"end_date": date(2020, 1, 1)}, "end_date"),
    ],
)
def test_mission_validation(
    mission_factory: Callable[..., MissionInput], bad: dict[str, Any], message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        mission_factory(**bad)


def test_mission_with_unknown_ids_is_rejected(
    mission_factory: Callable[..., MissionInput], vocab: Vocabulary, grid: RateGrid
) -> None:
    with pytest.raises(ValueError, match="unknown competence"):
        encode_missions([mission_factory(required_competences=("juggling",))], vocab, grid)
    with pytest.raises(ValueError, match="unknown seniority band"):
        encode_missions([mission_factory(seniority="y99")], vocab, grid)
    with pytest.raises(ValueError, match="unknown CTO mission"):
        encode_missions([mission_factory(cto_missions=("world_domination",))], vocab, grid)


def test_profile_ids_must_be_unique(
    profile_factory: Callable[..., ProfileInput], vocab: Vocabulary, grid: RateGrid
) -> None:
    with pytest.raises(ValueError, match="unique"):
        encode_profiles([profile_factory(id=1), profile_factory(id=1)], vocab, grid)

"""What would raise a freelancer's score: the single-change variants of a profile, scored by the engine,
ranked and worded. Hand-built pairs for the rules, hypothesis for the guarantees every answer keeps."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date, timedelta
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from matching import MissionInput, ProfileInput, RateGrid, Vocabulary, encode_missions, encode_profiles
from matching.engine import score_pairs
from service.engine_inputs.rows import ScoringContext
from service.explanations.score_options import gain_words, option_text
from service.fixture_files import RATE_GRID, TAXONOMY
from service.i18n import use_locale
from service.matches.transitions import PROPOSED_STATUSES as MATCHES_PROPOSED
from service.scoring import score_options as so
from service.settings import Settings

TAXONOMY_DOC: dict[str, Any] = json.loads(TAXONOMY.read_text(encoding="utf-8"))
CTX = ScoringContext(
    grid=RateGrid.from_mapping(json.loads(RATE_GRID.read_text(encoding="utf-8"))),
    vocab=Vocabulary.from_taxonomy(TAXONOMY_DOC),
    labels={},
)
SETTINGS = Settings(database_url="sqlite+aiosqlite://")
START = date(2027, 1, 4)


def profile(**overrides: Any) -> ProfileInput:
    """A 12-year CTO in Paris, free at the start, within budget, holding both required competences."""
    values: dict[str, Any] = {
        "id": 7,
        "years_experience": 12.0,
        "tjm": 650,
        "available_from": START,
        "days_per_week": 3,
        "remote_preference": "flexible",
        "location": "Paris",
        "orientation": "cto",
        "competences": {"it_security": 4, "leadership": 3},
        "cto_missions": ("technology_strategy", "team_management"),
        "sectors": ("fintech",),
        "past_role_contexts": ("fintech",),
        "headline": "CTO freelance fintech",
        "summary": "Stratégie technique, sécurité, équipes.",
    }
    values.update(overrides)
    return ProfileInput(**values)


def mission(**overrides: Any) -> MissionInput:
    """A three-month, three-days-a-week hybrid CTO mission in Paris, 600–700 € a day."""
    values: dict[str, Any] = {
        "id": 40,
        "title": "CTO de transition fintech",
        "description": "Définir la stratégie technique et sécuriser la plateforme de paiement.",
        "orientation": "cto",
        "seniority": "y11_15",
        "tjm_min": 600,
        "tjm_max": 700,
        "start_date": START,
        "end_date": START + timedelta(days=90),
        "days_per_week": 3,
        "remote_policy": "hybrid",
        "location": "Paris",
        "sector": "fintech",
        "context": "fintech",
        "cto_missions": ("technology_strategy", "team_management"),
        "required_competences": ("it_security", "leadership"),
        "nice_competences": ("communication",),
    }
    values.update(overrides)
    return MissionInput(**values)


def alone(m: MissionInput, p: ProfileInput) -> float:
    """The score of one pair, scored on its own: what an option's new score must equal."""
    block = score_pairs(
        encode_missions([m], CTX.vocab, CTX.grid),
        encode_profiles([p], CTX.vocab, CTX.grid),
        CTX.grid,
        SETTINGS.weights(),
        gates=SETTINGS.gates(),
    )
    return float(block.total[0, 0])


def kinds(p: ProfileInput, m: MissionInput) -> list[str]:
    return [v.kind for v in so.build_variants(m, p)]


# --- the variants ------------------------------------------------------------------------------------


def test_a_profile_that_fits_everything_has_no_variant() -> None:
    assert so.build_variants(mission(), profile()) == []
    assert so.score_options(mission(), profile(), CTX, SETTINGS).options == ()


def test_each_gap_gives_its_variant_with_the_missions_value() -> None:
    late = profile(
        available_from=START + timedelta(days=30),
        tjm=800,
        location="Lyon",
        competences={"it_security": 2},
        days_per_week=2,
    )
    variants = {(v.kind, v.value): v for v in so.build_variants(mission(), late)}
    assert list(variants) == [
        ("availability", START),
        ("tjm", 700),
        ("mobility", "Paris"),
        ("competence", "it_security"),
        ("competence", "leadership"),
        ("days_per_week", 3),
    ]
    assert variants["availability", START].profile.available_from == START
    assert variants["tjm", 700].profile.tjm == 700
    assert variants["mobility", "Paris"].profile.mobility == ("Paris",)
    held = variants["competence", "it_security"]
    assert held.current_level == 2 and held.profile.competences == {"it_security": 3}
    lacking = variants["competence", "leadership"]
    assert lacking.current_level is None and lacking.profile.competences == {
        "it_security": 2,
        "leadership": 3,
    }
    # Each variant changes that one thing only.
    for variant in variants.values():
        changed = {
            name
            for name in ("available_from", "tjm", "mobility", "competences", "days_per_week")
            if getattr(variant.profile, name) != getattr(late, name)
        }
        assert len(changed) == 1, (variant.kind, changed)


def test_a_profile_under_budget_gets_no_tjm_option() -> None:
    cheap = profile(tjm=550, available_from=START + timedelta(days=60))
    assert "tjm" not in kinds(cheap, mission())
    assert all(o.kind != "tjm" for o in so.score_options(mission(), cheap, CTX, SETTINGS).options)


@pytest.mark.parametrize(
    ("changes", "mission_changes"),
    [
        ({}, {}),  # lives in the mission's city
        ({"location": "Lyon", "mobility": ("paris ",)}, {}),  # already mobile there (any case, accents)
        ({"location": "Lyon", "mobility_anywhere": True}, {}),
        ({"location": "Lyon", "mobility": ("Île-de-France",)}, {"region": "ile-de-france"}),
        ({"location": "Lyon"}, {"remote_policy": "remote"}),  # a full-remote mission asks no presence
        ({"location": "Lyon"}, {"location": ""}),  # nowhere to come to
    ],
)
def test_no_mobility_option_where_presence_is_not_the_gap(
    changes: dict[str, Any], mission_changes: dict[str, Any]
) -> None:
    assert "mobility" not in kinds(profile(**changes), mission(**mission_changes))


def test_mobility_is_offered_for_an_on_site_mission_elsewhere() -> None:
    away = profile(location="Lyon", mobility=("Marseille",))
    (variant,) = so.build_variants(mission(remote_policy="onsite"), away)
    assert variant.kind == "mobility" and variant.profile.mobility == ("Marseille", "Paris")


def test_a_competence_held_at_level_3_or_more_is_no_option() -> None:
    assert "competence" not in kinds(profile(competences={"it_security": 3, "leadership": 5}), mission())


# --- the ranking -------------------------------------------------------------------------------------


def test_sixty_days_late_on_a_three_month_mission_puts_availability_first() -> None:
    late = profile(available_from=START + timedelta(days=60), competences={"it_security": 4})
    result = so.score_options(mission(), late, CTX, SETTINGS)
    assert result.score == alone(mission(), late)
    assert [o.kind for o in result.options][:2] == ["availability", "competence"]
    first = result.options[0]
    assert first.value == START and first.gain > 10
    assert first.new_score == alone(mission(), replace(late, available_from=START))
    assert first.gain == round(first.new_score - result.score, 2)


def test_ties_follow_the_kind_order_and_small_gains_are_dropped() -> None:
    late = profile(available_from=START + timedelta(days=9), tjm=900, competences={})
    variants = so.build_variants(mission(), late)
    assert [v.kind for v in variants] == ["availability", "tjm", "competence", "competence"]
    scores = [55.0, 55.0, 50.05, 55.0]  # competence gain of 0.05: noise
    ranked = so.rank_options(50.0, variants, scores)
    assert [(o.kind, o.value) for o in ranked] == [
        ("availability", START),
        ("tjm", 700),
        ("competence", "leadership"),
    ]
    assert so.rank_options(50.0, variants, [50.05, 49.0, 50.0, 50.04]) == ()


def test_at_most_two_competences_and_three_options() -> None:
    asked = ("it_security", "leadership", "communication", "new_technologies")
    bare = profile(competences={}, tjm=900)
    variants = so.build_variants(mission(required_competences=asked), bare)
    assert [v.kind for v in variants] == ["tjm", *["competence"] * 4]
    ranked = so.rank_options(40.0, variants, [41.0, 45.0, 46.0, 47.0, 44.0])
    assert [(o.kind, o.gain) for o in ranked] == [("competence", 7.0), ("competence", 6.0), ("tjm", 1.0)]


dates = st.integers(min_value=-30, max_value=200).map(lambda d: START + timedelta(days=d))
profiles = st.builds(
    profile,
    available_from=dates,
    tjm=st.integers(min_value=400, max_value=1100),
    days_per_week=st.integers(min_value=1, max_value=5),
    remote_preference=st.sampled_from(("remote", "hybrid", "onsite", "flexible")),
    location=st.sampled_from(("Paris", "Lyon", "Nantes", "")),
    mobility=st.lists(st.sampled_from(("Paris", "Lyon", "Bordeaux")), max_size=2).map(tuple),
    mobility_anywhere=st.booleans(),
    competences=st.dictionaries(
        st.sampled_from(("it_security", "leadership", "communication", "new_technologies")),
        st.integers(min_value=1, max_value=5),
        max_size=4,
    ),
    active=st.booleans(),
)
missions = st.builds(
    mission,
    end_date=st.one_of(
        st.none(), st.integers(min_value=30, max_value=400).map(lambda d: START + timedelta(d))
    ),
    days_per_week=st.integers(min_value=1, max_value=5),
    remote_policy=st.sampled_from(("remote", "hybrid", "onsite")),
    location=st.sampled_from(("Paris", "Lyon", "")),
    tjm_max=st.integers(min_value=600, max_value=1000),
    required_competences=st.lists(
        st.sampled_from(("it_security", "leadership", "communication", "new_technologies")),
        unique=True,
        max_size=4,
    ).map(tuple),
    is_open=st.booleans(),
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(p=profiles, m=missions)
def test_every_option_is_a_real_gain_the_engine_gives(p: ProfileInput, m: MissionInput) -> None:
    result = so.score_options(m, p, CTX, SETTINGS)
    assert result.score == alone(m, p)
    assert len(result.options) <= so.MAX_OPTIONS
    assert sum(o.kind == "competence" for o in result.options) <= so.MAX_COMPETENCE_OPTIONS
    gains = [o.gain for o in result.options]
    assert gains == sorted(gains, reverse=True)
    variants = {(v.kind, v.value): v for v in so.build_variants(m, p)}
    for option in result.options:
        assert option.gain > so.MIN_GAIN
        assert option.gain == round(option.new_score - result.score, 2)
        assert option.new_score == alone(m, variants[option.kind, option.value].profile)
    if not m.is_open or not p.active:
        assert result.score == 0 and result.options == ()


def test_the_proposed_statuses_are_the_matches_domain_ones() -> None:
    assert so.PROPOSED_STATUSES == MATCHES_PROPOSED


# --- the words ---------------------------------------------------------------------------------------


def test_options_read_as_conditions_in_french_and_english() -> None:
    nbsp = "\u00a0"
    with use_locale("fr"):
        assert option_text("availability", date(2027, 1, 5), 8.25) == (
            f"Si vous pouviez commencer le 05/01/2027{nbsp}: +8 points"
        )
        assert option_text("tjm", 650, 12.4).replace("\u202f", " ").replace(nbsp, " ") == (
            "Avec un TJM de 650 € (le maximum du budget) : +12 points"
        )
        assert option_text("mobility", "Paris", 15) == (
            f"Si vous pouvez venir sur site à Paris (à ajouter à votre mobilité){nbsp}: +15 points"
        )
        assert option_text("competence", "it_security", 6, current_level=None) == (
            f"Si vous maîtrisez la compétence «{nbsp}Sécurité informatique{nbsp}» (niveau 3), absente de "
            f"votre profil{nbsp}: +6 points"
        )
        assert "au niveau 3 (niveau 1 sur votre profil)" in option_text(
            "competence", "it_security", 1.2, current_level=1
        )
        assert option_text("days_per_week", 4, 3).startswith("Si vous pouviez travailler 4 jours par semaine")
        assert gain_words(1.4) == "+1 point" and gain_words(0.3) == "+moins d'un point"
    with use_locale("en"):
        assert (
            option_text("availability", date(2027, 1, 5), 8.25)
            == "If you could start on 5 Jan 2027: +8 points"
        )
        assert option_text("tjm", 650, 12.4) == "With a TJM of €650 (the budget's maximum): +12 points"
        assert option_text("competence", "it_security", 6) == (
            "If you master IT security (level 3), which your profile lacks: +6 points"
        )
        assert gain_words(1) == "+1 point" and gain_words(0.2) == "+less than 1 point"


def test_the_settings_gates_are_the_ones_the_options_are_scored_with() -> None:
    away = profile(location="Lyon")
    onsite = mission(remote_policy="onsite")
    harsh = Settings(database_url="sqlite+aiosqlite://", match_gates={"other_city_factor": 0.5})
    (default_option,) = so.score_options(onsite, away, CTX, SETTINGS).options
    (harsh_option,) = so.score_options(onsite, away, CTX, harsh).options
    assert default_option.kind == harsh_option.kind == "mobility"
    assert harsh_option.gain > default_option.gain > so.MIN_GAIN

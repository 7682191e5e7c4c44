"""Fixtures for the scoring-engine tests: the real taxonomy and rate grid, builders and hypothesis strategies.

Self-contained on purpose (no dependency on tests/conftest.py, no database): the engine is pure.
Strategies are handed to tests through a session fixture (test modules cannot import conftest); each
test module sets its own hypothesis settings so this folder does not change hypothesis for others.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import strategies as st

from matching.inputs import (
    CONTEXT_IDS,
    ORIENTATIONS,
    REMOTE_POLICIES,
    REMOTE_PREFERENCES,
    MissionInput,
    PastRole,
    ProfileInput,
    RateGrid,
    Vocabulary,
    Weights,
    labels_from_taxonomy,
)

ROOT = Path(__file__).resolve().parents[3]
TAXONOMY: dict[str, Any] = json.loads((ROOT / "fixtures" / "taxonomy.json").read_text(encoding="utf-8"))
RATE_GRID: dict[str, Any] = json.loads((ROOT / "fixtures" / "rate_grid.json").read_text(encoding="utf-8"))
GRID = RateGrid.from_mapping(RATE_GRID)
VOCAB = Vocabulary.from_taxonomy(TAXONOMY)
LABELS = labels_from_taxonomy(TAXONOMY)

START = date(2027, 1, 4)
WORDS = (
    "cto", "stratégie", "technique", "cloud", "sécurité", "équipe", "produit", "fintech", "agence",
    "recrutement", "architecture", "roadmap", "python", "aws", "kubernetes", "data", "api", "migration",
    "legacy", "delivery", "mobile", "crm", "recette",
)  # fmt: skip
CITIES = ("Paris", "paris ", "Lyon", "Montréal", "Montreal", "")
REGIONS = ("Île-de-France", "ile-de-france", "Auvergne-Rhône-Alpes", "Québec")
REGION_OF = {
    "Paris": "Île-de-France",
    "paris ": "Île-de-France",
    "Lyon": "Auvergne-Rhône-Alpes",
    "Montréal": "Québec",
}
SECTORS = (*VOCAB.tag_ids, "FinTech", "healthtech", "Agency ")


@pytest.fixture(scope="session")
def taxonomy() -> dict[str, Any]:
    return TAXONOMY


@pytest.fixture(scope="session")
def grid() -> RateGrid:
    return GRID


@pytest.fixture(scope="session")
def vocab() -> Vocabulary:
    return VOCAB


@pytest.fixture(scope="session")
def labels() -> dict[str, str]:
    return LABELS


@pytest.fixture(scope="session")
def weights() -> Weights:
    return Weights()


def make_profile(**overrides: Any) -> ProfileInput:
    """A reasonable 12-year CTO in Paris; override what a test is about."""
    values: dict[str, Any] = {
        "id": 1,
        "years_experience": 12.0,
        "tjm": 680,
        "available_from": START,
        "days_per_week": 5,
        "remote_preference": "flexible",
        "location": "Paris",
        "orientation": "cto",
        "competences": {"it_security": 4, "leadership": 3, "project_management": 5},
        "cto_missions": ("technology_strategy", "team_management"),
        "sectors": ("fintech",),
        "past_role_contexts": ("fintech",),
        "past_roles": (
            PastRole(title="CTO", context="fintech", company="PayCo", start_year=2019, end_year=2023),
        ),
        "stack": ("python", "aws"),
        "headline": "CTO freelance fintech",
        "summary": "Stratégie technique, sécurité, équipes.",
        "active": True,
    }
    values.update(overrides)
    return ProfileInput(**values)


def make_mission(**overrides: Any) -> MissionInput:
    """A 600–700 € CTO mission asking 11–15 years, hybrid in Paris, fintech startup."""
    values: dict[str, Any] = {
        "id": 100,
        "title": "CTO de transition fintech",
        "description": "Définir la stratégie technique et sécuriser la plateforme de paiement.",
        "orientation": "cto",
        "seniority": "y11_15",
        "tjm_min": 600,
        "tjm_max": 700,
        "start_date": START,
        "end_date": START + timedelta(days=180),
        "days_per_week": 5,
        "remote_policy": "hybrid",
        "location": "Paris",
        "sector": "fintech",
        "context": "fintech",
        "cto_missions": ("technology_strategy", "team_management"),
        "required_competences": ("it_security", "leadership"),
        "nice_competences": ("project_management", "communication"),
        "is_open": True,
    }
    values.update(overrides)
    return MissionInput(**values)


@pytest.fixture(scope="session")
def profile_factory() -> Callable[..., ProfileInput]:
    return make_profile


@pytest.fixture(scope="session")
def mission_factory() -> Callable[..., MissionInput]:
    return make_mission


# --- hypothesis strategies --------------------------------------------------------------------------------
_text = st.lists(st.sampled_from(WORDS), min_size=0, max_size=12).map(" ".join)
_dates = st.dates(min_value=START - timedelta(days=60), max_value=START + timedelta(days=200))
_band_edges = [b.min_years for b in GRID.bands] + [b.min_years - 0.01 for b in GRID.bands[1:]]


@st.composite
def profile_strategy(draw: st.DrawFn, profile_id: int = 1) -> ProfileInput:
    comps = draw(st.lists(st.sampled_from(VOCAB.competence_ids), unique=True, max_size=12))
    contexts = draw(st.lists(st.sampled_from((*CONTEXT_IDS, "space")), unique=True, max_size=3))
    return ProfileInput(
        id=profile_id,
        years_experience=draw(
            st.one_of(st.sampled_from(_band_edges), st.floats(min_value=0, max_value=45, allow_nan=False))
        ),
        tjm=draw(st.integers(min_value=150, max_value=1600)),
        available_from=draw(_dates),
        days_per_week=draw(st.integers(1, 5)),
        remote_preference=draw(st.sampled_from(REMOTE_PREFERENCES)),
        location=draw(st.sampled_from(CITIES)),
        orientation=draw(st.sampled_from(ORIENTATIONS)),
        competences={c: draw(st.integers(1, 5)) for c in comps},
        cto_missions=tuple(draw(st.lists(st.sampled_from(VOCAB.cto_mission_ids), unique=True, max_size=6))),
        sectors=tuple(draw(st.lists(st.sampled_from(SECTORS), unique=True, max_size=3))),
        past_role_contexts=tuple(contexts),
        stack=tuple(draw(st.lists(st.sampled_from(("python", "aws", "java", "salesforce")), max_size=3))),
        headline=draw(_text),
        summary=draw(_text),
        active=draw(st.sampled_from((True, True, True, False))),
        mobility=tuple(draw(st.lists(st.sampled_from((*CITIES, *REGIONS)), unique=True, max_size=3))),
        mobility_anywhere=draw(st.sampled_from((False, False, False, True))),
    )


@st.composite
def mission_strategy(draw: st.DrawFn, mission_id: int = 100) -> MissionInput:
    comps = draw(st.lists(st.sampled_from(VOCAB.competence_ids), unique=True, max_size=8))
    n_required = draw(st.integers(0, len(comps)))
    tjm_min = draw(st.integers(min_value=150, max_value=1200))
    start = draw(_dates)
    end = draw(st.none() | st.integers(0, 365).map(lambda d: start + timedelta(days=d)))
    location = draw(st.sampled_from(CITIES))
    return MissionInput(
        id=mission_id,
        title=draw(_text),
        description=draw(_text),
        orientation=draw(st.sampled_from(ORIENTATIONS)),
        seniority=draw(st.sampled_from(GRID.band_ids)),
        tjm_min=tjm_min,
        tjm_max=tjm_min + draw(st.integers(min_value=0, max_value=400)),
        start_date=start,
        end_date=end,
        days_per_week=draw(st.integers(1, 5)),
        remote_policy=draw(st.sampled_from(REMOTE_POLICIES)),
        location=location,
        region=REGION_OF.get(location, ""),
        sector=draw(st.sampled_from((*SECTORS, ""))),
        context=draw(st.sampled_from((*CONTEXT_IDS, "", "space"))),
        cto_missions=tuple(draw(st.lists(st.sampled_from(VOCAB.cto_mission_ids), unique=True, max_size=5))),
        required_competences=tuple(comps[:n_required]),
        nice_competences=tuple(comps[n_required:]),
        is_open=draw(st.sampled_from((True, True, True, False))),
    )


@st.composite
def pool_strategy(draw: st.DrawFn, min_size: int = 1, max_size: int = 12) -> list[ProfileInput]:
    size = draw(st.integers(min_size, max_size))
    ids = draw(st.lists(st.integers(1, 10_000), unique=True, min_size=size, max_size=size))
    return [draw(profile_strategy(profile_id=i)) for i in ids]


@dataclass(frozen=True)
class Strategies:
    profile: Callable[..., st.SearchStrategy[ProfileInput]]
    mission: Callable[..., st.SearchStrategy[MissionInput]]
    pool: Callable[..., st.SearchStrategy[list[ProfileInput]]]


@pytest.fixture(scope="session")
def strategies() -> Strategies:
    return Strategies(profile=profile_strategy, mission=mission_strategy, pool=pool_strategy)

"""“Did you mean …?”: the closest known ids by id and labels, ignoring case, accents and separators."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from models.enums import COMPETENCE_KINDS
from service.fixture_files import TAXONOMY
from service.suggestions import Candidate, closest, closest_ids, normalise, similarity


def _taxonomy(kinds: frozenset[str] | None = None) -> list[Candidate]:
    items = json.loads(TAXONOMY.read_text(encoding="utf-8"))["items"]
    return [
        Candidate(item["id"], (item["label_fr"], item["label_en"]))
        for item in items
        if kinds is None or item["kind"] in kinds
    ]


COMPETENCES = _taxonomy(frozenset(str(k) for k in COMPETENCE_KINDS))


def test_normalise_drops_case_accents_and_separators() -> None:
    assert normalise("  Sécurité_Informatique--IT ") == "securite informatique it"
    assert normalise("Œuvre À Capacité d'adaptation") == "oeuvre a capacite d adaptation"
    assert normalise("***") == ""


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("cybersecurite", "it_security"),  # a word of the French label, run together with a prefix
        ("Cybersécurité", "it_security"),
        ("IT-Security", "it_security"),
        ("leadrship", "leadership"),
        ("gestion projet", "project_management"),  # the French label's words
        ("recette", "acceptance_testing"),  # the French label of an English id
        ("crm", "crm_rollout"),
    ],
)
def test_a_typed_value_finds_the_taxonomy_item_meant(typed: str, expected: str) -> None:
    assert closest(typed, COMPETENCES, limit=1)[0].id == expected


def test_nothing_close_suggests_nothing() -> None:
    assert closest("xyzzy", COMPETENCES) == []
    assert closest("", COMPETENCES) == []
    assert closest("des", COMPETENCES) == []  # a filler word of the labels names no item


def test_only_candidates_of_the_kinds_given_are_suggested() -> None:
    """`information_security` is a certification: never suggested for a competence."""
    assert "information_security" not in {c.id for c in closest("information security", COMPETENCES)}
    certifications = _taxonomy(frozenset({"certification"}))
    assert closest("information security", certifications, limit=1)[0].id == "information_security"


def test_best_first_and_limited() -> None:
    found = closest("management", COMPETENCES, limit=2)
    assert [c.id for c in found] == ["project_management", "stakeholder_management"]  # tie: by id
    assert len(closest("management", COMPETENCES, limit=1)) == 1


def test_plain_values_such_as_enum_values_and_field_names() -> None:
    assert closest_ids("hybride", ["remote", "hybrid", "onsite", "flexible"]) == ["hybrid"]
    assert closest_ids("emial", ["email", "name", "size"], limit=1) == ["email"]
    assert closest_ids("zz", ["1-10", "11-50", "51-200"]) == []


@given(index=st.integers(0, len(COMPETENCES) - 1), upper=st.booleans(), dashes=st.booleans())
def test_an_id_however_written_is_its_own_best_suggestion(index: int, upper: bool, dashes: bool) -> None:
    candidate = COMPETENCES[index]
    typed = candidate.id.upper() if upper else candidate.id
    typed = typed.replace("_", "-") if dashes else typed
    assert similarity(typed, candidate) == 1.0
    best = closest(typed, COMPETENCES, limit=len(COMPETENCES))
    assert candidate in best and similarity(typed, best[0]) == 1.0


@given(
    query=st.text(max_size=20),
    limit=st.integers(1, 5),
    cutoff=st.floats(0.0, 1.0, allow_nan=False),
)
def test_suggestions_respect_the_limit_the_cutoff_and_the_order(
    query: str, limit: int, cutoff: float
) -> None:
    found = closest(query, COMPETENCES, limit=limit, cutoff=cutoff)
    scores = [similarity(query, c) for c in found]
    assert len(found) <= limit
    assert all(score >= cutoff for score in scores)
    assert scores == sorted(scores, reverse=True)

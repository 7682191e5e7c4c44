"""The concept lexicon: normalisation, finding concepts whatever the language, case, accents or plural
of the text, the words it reports, and the validation of the table."""

from __future__ import annotations

import json
import pickle
import re
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from matching.concepts import ConceptHit, Lexicon, normalise_words
from matching.text import strip_accents

ROOT = Path(__file__).resolve().parents[3]
DOCUMENT: dict[str, Any] = json.loads((ROOT / "fixtures" / "lexicon.json").read_text(encoding="utf-8"))
LEXICON = Lexicon.from_mapping(DOCUMENT)
EXPRESSIONS = [e for c in DOCUMENT["concepts"] for lang in ("fr", "en") for e in c[lang]]

#: The five pairs of the issue: a French expression and an English one of the same concept.
FIVE = [
    ("recette", "acceptance testing", "acceptance_testing"),
    ("cahier des charges", "technical specifications", "technical_specifications"),
    ("appel d'offres", "pre-sales and tenders", "presales_tender"),
    ("refonte de l'application mobile", "mobile application", "mobile_application"),
    ("veille technologique", "innovation watch", "innovation_watch"),
]


def lexicon(*concepts: dict[str, Any]) -> Lexicon:
    return Lexicon.from_mapping({"concepts": list(concepts)})


# --- normalisation ----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("Cahier des Charges", ["cahier", "charge"]),
        ("cahier de charges", ["cahier", "charge"]),
        ("L'APPLICATION mobile", ["application", "mobile"]),
        ("appels d’offres", ["appel", "offre"]),
        ("Déploiement en production", ["deploiement", "production"]),
        ("pré-sales/tenders", ["pre", "sale", "tender"]),
        ("réseaux, iOS, bus", ["reseau", "ios", "bus"]),
        ("qu'il s'adapte", ["il", "adapte"]),
        ("Œuvre, cœur", ["oeuvre", "coeur"]),
        ("CI/CD_pipelines 2024", ["ci", "cd", "pipeline", "2024"]),
        ("— ; !", []),
    ],
)
def test_normalise_words(text: str, words: list[str]) -> None:
    assert normalise_words(text) == words


# --- the five examples, both ways ---------------------------------------------------------------------
@pytest.mark.parametrize(("french", "english", "concept_id"), FIVE)
def test_french_and_english_name_the_same_concept(french: str, english: str, concept_id: str) -> None:
    mission = f"Nous cherchons un CTO : {french}, le tout en trois mois."
    profile = f"I led the {english} of several products."
    assert concept_id in LEXICON.concept_ids(mission)
    assert concept_id in LEXICON.concept_ids(profile)
    assert LEXICON.concept_ids(mission) == LEXICON.concept_ids(french)
    assert LEXICON.concept_ids(profile) == LEXICON.concept_ids(english)


def test_a_french_mission_and_an_english_profile_share_their_concepts() -> None:
    mission = (
        "Refonte de l'application mobile : rédaction du cahier des charges, étude des appels d'offres, "
        "suivi de la recette et veille technologique."
    )
    profile = (
        "Pre-sales and tenders, technical specifications, acceptance testing of a mobile application, "
        "innovation watch."
    )
    five = tuple(sorted(c for _, _, c in FIVE))
    assert LEXICON.concept_ids(mission) == five
    assert LEXICON.concept_ids(profile) == five


# --- the words of a hit ---------------------------------------------------------------------------
def test_hits_carry_the_words_as_written_in_text_order_once_each() -> None:
    text = "Recette de l'Application Mobile ; cahier de charges, puis la RECETTE et la recette finale."
    assert LEXICON.find(text) == (
        ConceptHit("acceptance_testing", ("Recette",)),
        ConceptHit("mobile_application", ("Application Mobile",)),
        ConceptHit("technical_specifications", ("cahier de charges",)),
    )


def test_a_hit_running_over_a_line_break_reads_as_one_line() -> None:
    (hit,) = LEXICON.find("le cahier\n  des charges")
    assert hit.words == ("cahier des charges",)


def test_hits_are_sorted_by_concept_id() -> None:
    hits = LEXICON.find("veille technologique, recette, CRM, cahier des charges")
    assert [h.concept_id for h in hits] == sorted(h.concept_id for h in hits)
    assert [h.concept_id for h in hits] == list(
        LEXICON.concept_ids("veille technologique, recette, CRM, cahier des charges")
    )


def test_the_longest_expression_wins_and_matches_do_not_overlap() -> None:
    assert LEXICON.concept_ids("Diriger la gestion de projet") == ("project_delivery",)
    assert LEXICON.concept_ids("gestion de projet") == ("project_management",)
    assert LEXICON.concept_ids("sécurité des systèmes d'information") == ("it_security",)
    assert LEXICON.concept_ids("systèmes d'information") == ("information_systems",)
    assert LEXICON.concept_ids("parties prenantes non techniques") == ("technical_communication",)
    table = lexicon({"id": "a", "fr": ["bb cc"]}, {"id": "x", "fr": ["cc dd"]})
    assert table.concept_ids("bb cc dd") == ("a",)  # read left to right: "cc" is taken by "bb cc"


def test_generic_words_alone_name_nothing() -> None:
    text = "Un projet, une équipe, des données, la data, le produit, un site, la sécurité."
    assert LEXICON.concept_ids(text) == ()


# --- properties -----------------------------------------------------------------------------------
FRENCH_TEXT = st.text(
    alphabet=st.sampled_from(list("aàâbcçdeéèêfghiîjlmnoôpqrsStTuùûvxyzœ ,.;:'’-_/\n0123456789ÉÀ")),
    max_size=120,
)


_LETTERS = re.compile(r"(?<![^\W_])[^\W\d_]{3,}(?![^\W_])")
"""A word of 3 letters or more (no digit): the words a writer puts in the plural."""


def _variant(phrase: str, shout: bool, plain: bool, plural: bool) -> str:
    """The phrase written otherwise: upper case, without accents, its words in the plural."""
    if plural:
        phrase = _LETTERS.sub(lambda m: m[0] if m[0][-1] in "sxSX" else m[0] + "s", phrase)
    if plain:
        phrase = strip_accents(phrase)
    return phrase.upper() if shout else phrase


@settings(max_examples=300, deadline=None)
@given(
    st.sampled_from(EXPRESSIONS),
    FRENCH_TEXT,
    FRENCH_TEXT,
    st.booleans(),
    st.booleans(),
    st.booleans(),
)
def test_case_accents_and_plural_do_not_change_what_is_found(
    phrase: str, before: str, after: str, shout: bool, plain: bool, plural: bool
) -> None:
    text = f"{before} {phrase} {after}"
    other = f"{before} {_variant(phrase, shout, plain, plural)} {after}"
    assert LEXICON.concept_ids(other) == LEXICON.concept_ids(text)
    assert [h.concept_id for h in LEXICON.find(other)] == [h.concept_id for h in LEXICON.find(text)]
    assert LEXICON.concept_ids(f" {phrase} ") == LEXICON.concept_ids(
        f" {_variant(phrase, shout, plain, plural)} "
    )


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(FRENCH_TEXT, st.sampled_from(EXPRESSIONS)), max_size=8))
def test_find_and_the_fast_path_agree(pieces: list[str]) -> None:
    text = " ".join(pieces)
    hits = LEXICON.find(text)
    assert tuple(h.concept_id for h in hits) == LEXICON.concept_ids(text)
    for hit in hits:
        assert hit.words and all(w and " ".join(w.split()) == w for w in hit.words)
        assert all(normalise_words(w) for w in hit.words)
        flat = " ".join(text.split())
        assert all(w in flat for w in hit.words)


def test_every_expression_finds_its_own_concept() -> None:
    for concept in DOCUMENT["concepts"]:
        for expression in concept["fr"] + concept["en"]:
            assert LEXICON.concept_ids(expression) == (concept["id"],), expression


# --- the table ------------------------------------------------------------------------------------
def test_ids_and_index_follow_the_table() -> None:
    table = lexicon({"id": "b", "fr": ["x"]}, {"id": "a", "en": ["y"]})
    assert table.ids == ("b", "a")
    assert dict(table.concept_index) == {"b": 0, "a": 1}


def test_equality_compares_the_content() -> None:
    one = lexicon({"id": "a", "fr": ["Recette"], "en": ["acceptance tests"]})
    same = lexicon({"id": "a", "fr": ["recettes", "recette"], "en": ["Acceptance test"]})
    other = lexicon({"id": "a", "fr": ["recette"]})
    assert one == same and hash(one) == hash(same)
    assert one != other
    assert Lexicon.from_mapping(DOCUMENT) == LEXICON


@pytest.mark.parametrize(
    ("concepts", "known", "message"),
    [
        ([{"id": "typo_id", "fr": ["recette"]}], {"acceptance_testing"}, "unknown concept id 'typo_id'"),
        ([{"id": "a", "fr": ["de la"]}], None, "empty expression 'de la' in concept 'a' (fr)"),
        ([{"id": "a", "en": ["  !? "]}], None, "empty expression '  !? ' in concept 'a' (en)"),
        (
            [{"id": "a", "fr": ["Recette"]}, {"id": "b", "en": ["recettes"]}],
            None,
            "expression 'recettes' of concept 'b' is also 'Recette' of concept 'a'",
        ),
        ([{"id": "a", "fr": ["x"]}, {"id": "a", "fr": ["y"]}], None, "concept id 'a' is listed twice"),
        ([{"id": "a", "fr": "recette"}], None, "'fr' must be a list of expressions"),
        ([{"fr": ["recette"]}], None, "concept #1 has no string 'id'"),
    ],
)
def test_a_bad_table_is_refused_naming_what_is_wrong(
    concepts: list[dict[str, Any]], known: set[str] | None, message: str
) -> None:
    with pytest.raises(ValueError, match=re.escape(message)):
        Lexicon.from_mapping({"concepts": concepts}, known_ids=known)


def test_a_lexicon_survives_pickling() -> None:
    copy = pickle.loads(pickle.dumps(LEXICON))  # noqa: S301 - our own bytes
    assert copy == LEXICON and copy.digest == LEXICON.digest
    assert copy.concept_ids("la recette") == ("acceptance_testing",)


def test_a_document_without_concepts_is_refused() -> None:
    with pytest.raises(ValueError, match="'concepts' list"):
        Lexicon.from_mapping({"items": []})

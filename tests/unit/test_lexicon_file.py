"""fixtures/lexicon.json: it covers every competence and CTO mission of the taxonomy with its labels,
and a lexicon naming an id the taxonomy does not have is refused at load, naming the file and the id."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from service.fixture_files import LEXICON, TAXONOMY
from service.reference.lexicon import CONCEPT_KINDS, LexiconFileError, concept_lexicon, load_lexicon

DOCUMENT: dict[str, Any] = json.loads(LEXICON.read_text(encoding="utf-8"))
ITEMS: list[dict[str, Any]] = json.loads(TAXONOMY.read_text(encoding="utf-8"))["items"]
CONCEPT_ITEMS = [i for i in ITEMS if i["kind"] in CONCEPT_KINDS]


def test_every_competence_and_cto_mission_has_its_concept_in_taxonomy_order() -> None:
    assert len(CONCEPT_ITEMS) == 29
    assert [c["id"] for c in DOCUMENT["concepts"]] == [i["id"] for i in CONCEPT_ITEMS]
    assert concept_lexicon().ids == tuple(i["id"] for i in CONCEPT_ITEMS)


@pytest.mark.parametrize("item", CONCEPT_ITEMS, ids=lambda i: i["id"])
def test_each_concept_lists_its_labels_and_several_expressions_per_language(item: dict[str, Any]) -> None:
    (concept,) = [c for c in DOCUMENT["concepts"] if c["id"] == item["id"]]
    lexicon = concept_lexicon()
    assert lexicon.concept_ids(item["label_fr"]) == (item["id"],)
    assert lexicon.concept_ids(item["label_en"]) == (item["id"],)
    assert len(concept["fr"]) >= 3 and len(concept["en"]) >= 3


def test_the_required_pairs_map_to_their_taxonomy_items() -> None:
    lexicon = concept_lexicon()
    pairs = {
        "recette": "acceptance_testing",
        "acceptance testing": "acceptance_testing",
        "cahier des charges": "technical_specifications",
        "technical specifications": "technical_specifications",
        "appel d'offres": "presales_tender",
        "pre-sales and tenders": "presales_tender",
        "refonte de l'application mobile": "mobile_application",
        "mobile application": "mobile_application",
        "veille technologique": "innovation_watch",
        "innovation watch": "innovation_watch",
    }
    for text, concept_id in pairs.items():
        assert lexicon.concept_ids(text) == (concept_id,), text


def test_a_lexicon_naming_an_unknown_id_is_refused_naming_the_file_and_the_id(tmp_path: Path) -> None:
    broken = tmp_path / "lexicon.json"
    concepts = [*DOCUMENT["concepts"], {"id": "acceptance_tests", "fr": ["recette usine"], "en": []}]
    broken.write_text(json.dumps({"source": "test", "concepts": concepts}), encoding="utf-8")
    with pytest.raises(LexiconFileError) as refused:
        load_lexicon(broken)
    assert str(broken) in str(refused.value)
    assert "'acceptance_tests'" in str(refused.value)


def test_a_lexicon_naming_a_sector_is_refused(tmp_path: Path) -> None:
    broken = tmp_path / "lexicon.json"
    broken.write_text(json.dumps({"concepts": [{"id": "fintech", "fr": ["néobanque"]}]}), "utf-8")
    with pytest.raises(LexiconFileError, match="unknown concept id 'fintech'"):
        load_lexicon(broken)


def test_a_lexicon_that_is_not_json_is_refused_naming_the_file(tmp_path: Path) -> None:
    broken = tmp_path / "lexicon.json"
    broken.write_text('{"concepts": [', encoding="utf-8")
    with pytest.raises(LexiconFileError, match=r"lexicon\.json: "):
        load_lexicon(broken)


def test_the_packaged_lexicon_is_read_once() -> None:
    assert concept_lexicon() is concept_lexicon()
    assert load_lexicon() == concept_lexicon()

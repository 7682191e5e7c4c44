"""The concept lexicon (fixtures/lexicon.json), read and checked against the taxonomy once per process.

Every concept id must be a competence or a CTO mission of the packaged taxonomy: a lexicon naming an
unknown id stops the process that loads it with an error naming the file and the id, rather than
scoring with expressions that point nowhere. The API, the web app and the scoring engine share the
one `Lexicon` this module returns.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from functools import cache
from importlib.resources.abc import Traversable
from typing import Any

from matching.concepts import Lexicon
from matching.inputs import COMPETENCE_KINDS, CTO_MISSION_KIND
from service.fixture_files import LEXICON, TAXONOMY

CONCEPT_KINDS: frozenset[str] = frozenset({*COMPETENCE_KINDS, CTO_MISSION_KIND})
"""The taxonomy kinds the lexicon covers: what a profile holds and a mission asks for."""


class LexiconFileError(ValueError):
    """A lexicon file that cannot be used; the message names the file and what is wrong."""


def concept_item_ids(taxonomy: Mapping[str, Any]) -> tuple[str, ...]:
    """The ids of the taxonomy items a concept may name, in the taxonomy's order."""
    return tuple(str(i["id"]) for i in taxonomy["items"] if i["kind"] in CONCEPT_KINDS)


def load_lexicon(lexicon_file: Traversable = LEXICON, taxonomy_file: Traversable = TAXONOMY) -> Lexicon:
    """Read and validate a lexicon file against a taxonomy file (no cache: `concept_lexicon` keeps it)."""
    taxonomy = json.loads(taxonomy_file.read_text(encoding="utf-8"))
    try:
        document = json.loads(lexicon_file.read_text(encoding="utf-8"))
        if not isinstance(document, Mapping):
            raise ValueError("the lexicon must be a JSON object")
        return Lexicon.from_mapping(document, known_ids=concept_item_ids(taxonomy))
    except ValueError as error:  # json.JSONDecodeError is one
        raise LexiconFileError(f"{_name(lexicon_file)}: {error}") from error


@cache
def concept_lexicon() -> Lexicon:
    """The packaged lexicon, read and checked once per process."""
    return load_lexicon()


def _name(file: Traversable) -> str:
    return str(file)

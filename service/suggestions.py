"""“Did you mean …?” for a value nobody knows: the closest known ids, by their ids and their labels.

A reader types `cybersecurite`, `Hybride` or `emial`; naming the closest known value turns a refusal
into a one-click fix. Matching ignores case, accents and separators (`it_security`, "IT security" and
"Sécurité informatique" all count for the id `it_security`), and compares whole names as well as their
words, since a typed word is often one word of a label. Pure functions (difflib, unicodedata), so the
API's problems and the web forms suggest alike.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher

#: Below this similarity (0 to 1, difflib's ratio) a candidate is not worth suggesting.
DEFAULT_CUTOFF = 0.6
#: Words shorter than this ("it", "de") match too much to count on their own.
MIN_WORD_LENGTH = 3
#: Words of labels that name nothing on their own (French and English).
_FILLER_WORDS = frozenset(
    {"and", "aux", "dans", "des", "for", "les", "par", "pour", "sur", "the", "une", "with"}
)
_SEPARATORS = re.compile(r"[^0-9a-z]+")
_LIGATURES = str.maketrans({"œ": "oe", "æ": "ae"})


@dataclass(frozen=True)
class Candidate:
    """A known value: its id and the names a person may know it by (labels in each language)."""

    id: str
    labels: tuple[str, ...] = ()


def normalise(text: str) -> str:
    """Lower case, no accents, each run of other characters one space: "Sécurité_IT" → "securite it"."""
    folded = text.casefold().translate(_LIGATURES)  # "œ" and "æ" do not decompose: spell them out
    decomposed = unicodedata.normalize("NFKD", folded)
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return _SEPARATORS.sub(" ", bare).strip()


def _forms(candidate: Candidate) -> set[str]:
    """Every name the candidate answers to, whole and word by word (normalised)."""
    forms: set[str] = set()
    for name in (candidate.id, *candidate.labels):
        whole = normalise(name)
        if not whole:
            continue
        forms.add(whole)
        forms.add(whole.replace(" ", ""))
        forms.update(w for w in whole.split() if len(w) >= MIN_WORD_LENGTH and w not in _FILLER_WORDS)
    return forms


def similarity(query: str, candidate: Candidate) -> float:
    """How close `query` is to the candidate's nearest name (1.0: the same once normalised)."""
    wanted = normalise(query)
    if not wanted:
        return 0.0
    squashed = wanted.replace(" ", "")
    best = 0.0
    for form in _forms(candidate):
        for probe in {wanted, squashed}:
            best = max(best, SequenceMatcher(None, probe, form, autojunk=False).ratio())
    return best


def closest(
    query: str, candidates: Iterable[Candidate], *, limit: int = 3, cutoff: float = DEFAULT_CUTOFF
) -> list[Candidate]:
    """The candidates closest to `query`, best first (ties by id), at most `limit`, none below `cutoff`."""
    scored = [(similarity(query, c), c) for c in candidates]
    kept = sorted((pair for pair in scored if pair[0] >= cutoff), key=lambda pair: (-pair[0], pair[1].id))
    return [candidate for _score, candidate in kept[:limit]]


def closest_ids(
    query: str, ids: Sequence[str], *, limit: int = 3, cutoff: float = DEFAULT_CUTOFF
) -> list[str]:
    """`closest` for plain values (enum values, field names) that have no labels."""
    return [c.id for c in closest(query, (Candidate(i) for i in ids), limit=limit, cutoff=cutoff)]

"""Stateless text vectorisation for the free-text part of the competence factor.

A `HashingVectorizer` has no fitted vocabulary or IDF, so a profile's vector (and therefore its score)
never depends on who else is in the pool, and a new profile can be encoded without refitting anything.
The stop-word list is fixed here rather than taken from scikit-learn so a library upgrade cannot move
scores; words are written accent-free and lower-case because stop words are removed after the
vectoriser's own lower-casing and accent stripping.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from functools import lru_cache

import numpy as np
from scipy import sparse
from sklearn.feature_extraction.text import HashingVectorizer

from matching.inputs import MissionInput, ProfileInput

TEXT_FEATURES = 2**20
"""Hash space; large enough that collisions between real words are rare, free for sparse matrices."""
HASH_BATCH = 4_096
"""Texts hashed per call of the vectoriser (bounds its transient memory)."""

_ENGLISH_STOP_WORDS = """
a about above after again against all also am an and any are as at be because been before being below
between both but by can could did do does doing down during each few for from further had has have having
he her here hers herself him himself his how i if in into is it its itself just me more most my myself no
nor not now of off on once only or other our ours ourselves out over own same she should so some such than
that the their theirs them themselves then there these they this those through to too under until up very
was we were what when where which while who whom why will with would you your yours yourself yourselves
"""

_FRENCH_STOP_WORDS = """
au aux avec ce ces cet cette ci dans de des du elle elles en est et etre eu il ils je la le les leur leurs
lui ma mais me meme mes moi mon ne nos notre nous on ont ou par pas pour qu que qui sa se ses son sont sur
ta te tes toi ton tu un une vos votre vous ai as avons avez suis es sommes etes etait etaient sera seront
ceci cela ca ici la ou donc or ni car si tres plus moins aussi tout tous toute toutes autre autres sans
sous chez entre vers depuis pendant deja encore ainsi comme dont leur lors afin peu bien fait faire
"""

STOP_WORDS: frozenset[str] = frozenset((_ENGLISH_STOP_WORDS + _FRENCH_STOP_WORDS).split())


#: The combining diacritics block, less U+034F (the grapheme joiner: combining class 0, which
#: scikit-learn keeps).
_LATIN_MARKS = re.compile("[\u0300-\u034e\u0350-\u036f]+")
"""The combining diacritics of Latin text (every one is `unicodedata.combining`)."""


def strip_accents(text: str) -> str:
    """What scikit-learn's `strip_accents_unicode` returns, faster: after NFKD, the Latin diacritics
    go in one regular-expression pass, and only text still not ASCII (other scripts) is filtered a
    character at a time as scikit-learn does. That per-character filter was half of the cost of
    encoding a pool of French and English profiles."""
    if text.isascii():
        return text
    stripped = _LATIN_MARKS.sub("", unicodedata.normalize("NFKD", text))
    if stripped.isascii():
        return stripped
    return "".join(c for c in stripped if not unicodedata.combining(c))


@lru_cache(maxsize=1)
def text_vectorizer() -> HashingVectorizer:
    """The one vectoriser used by the engine, the reference and the benchmark (stateless, cached)."""
    return HashingVectorizer(
        n_features=TEXT_FEATURES,
        alternate_sign=False,
        norm="l2",
        ngram_range=(1, 2),
        lowercase=True,
        strip_accents=strip_accents,
        stop_words=sorted(STOP_WORDS),
        dtype=np.float32,
    )


def profile_text(profile: ProfileInput) -> str:
    """What a profile says about itself: headline, summary and stack."""
    return "\n".join((profile.headline, profile.summary, " ".join(profile.stack)))


def mission_text(mission: MissionInput) -> str:
    return "\n".join((mission.title, mission.description))


def vectorise_texts(texts: Iterable[str]) -> sparse.csr_matrix:
    """L2-normalised, non-negative float32 CSR rows with sorted column indices (one row per text)."""
    docs = list(texts)
    if not docs:  # the hasher cannot transform an empty list
        return sparse.csr_matrix((0, TEXT_FEATURES), dtype=np.float32)
    # In slices: the hasher holds every token of what it transforms as Python objects, which for a
    # pool of 100,000 profiles at once was hundreds of MB of peak memory in each worker process.
    parts = [
        sparse.csr_matrix(text_vectorizer().transform(docs[i : i + HASH_BATCH]), dtype=np.float32)
        for i in range(0, len(docs), HASH_BATCH)
    ]
    csr = parts[0] if len(parts) == 1 else sparse.vstack(parts, format="csr", dtype=np.float32)
    csr.sum_duplicates()
    csr.sort_indices()
    return sparse.csr_matrix(csr)


def text_vector(text: str) -> dict[int, float]:
    """One text as {hashed feature: weight}, for the per-pair reference implementation."""
    row = vectorise_texts([text])
    return {int(j): float(v) for j, v in zip(row.indices, row.data, strict=True)}


def text_similarity_of(text_a: str, text_b: str) -> float:
    """Cosine similarity of two texts (both vectors are L2-normalised); used for one-pair explanations."""
    a, b = text_vector(text_a), text_vector(text_b)
    return sum(v * b[j] for j, v in a.items() if j in b)

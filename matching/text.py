"""Stateless text vectorisation for the free-text part of the competence factor.

A text's vector has two parts: its hashed words, and the concepts of the lexicon it names
(`matching.concepts`: "recette" and "acceptance testing" are one concept), each part L2-normalised and
scaled so that the dot product of two vectors is (1 − CONCEPT_SHARE) × the cosine of their words +
CONCEPT_SHARE × the cosine of their concepts: a French mission text and an English profile text meet
on their concepts even when they share no word.

A `HashingVectorizer` has no fitted vocabulary or IDF, so a profile's vector (and therefore its score)
never depends on who else is in the pool, and a new profile can be encoded without refitting anything.
The stop-word list is fixed here rather than taken from scikit-learn so a library upgrade cannot move
scores; words are written accent-free and lower-case because stop words are removed after the
vectoriser's own lower-casing and accent stripping.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Iterable
from functools import lru_cache

import numpy as np
from scipy import sparse
from sklearn.feature_extraction.text import HashingVectorizer

from matching.concepts import Lexicon
from matching.inputs import MissionInput, ProfileInput

TEXT_FEATURES = 2**20
"""Hash space; large enough that collisions between real words are rare, free for sparse matrices."""
HASH_BATCH = 4_096
"""Texts hashed per call of the vectoriser (bounds its transient memory)."""
CONCEPT_SHARE = 0.5
"""Share of the text similarity that compares concepts rather than words: concepts carry the meaning
across languages, the words the rest (names of technologies, of sectors, turns of phrase)."""

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


def vectorise_texts(texts: Iterable[str], lexicon: Lexicon | None = None) -> sparse.csr_matrix:
    """Non-negative float32 CSR rows with sorted column indices (one row per text): the hashed words
    (columns below TEXT_FEATURES) and, with a lexicon, the concepts (TEXT_FEATURES + concept index),
    each part of unit norm times the square root of its share, so two rows' dot product is in [0, 1]."""
    docs = list(texts)
    words = hashed_words(docs)
    if lexicon is None:
        return words
    concepts = concept_matrix(docs, lexicon)
    combined = sparse.hstack(
        (words * np.float32(math.sqrt(1.0 - CONCEPT_SHARE)), concepts * np.float32(math.sqrt(CONCEPT_SHARE))),
        format="csr",
        dtype=np.float32,
    )
    combined.sort_indices()
    return sparse.csr_matrix(combined)


def concept_matrix(docs: list[str], lexicon: Lexicon) -> sparse.csr_matrix:
    """One L2-normalised row per text over the lexicon's concepts (1 per concept named, then scaled)."""
    indptr, indices, data = [0], [], []
    index = lexicon.concept_index
    for doc in docs:
        found = lexicon.concept_ids(doc)
        if found:
            indices.extend(sorted(index[c] for c in found))
            data.extend([1.0 / math.sqrt(len(found))] * len(found))
        indptr.append(len(indices))
    return sparse.csr_matrix(
        (np.asarray(data, np.float32), np.asarray(indices, np.int32), np.asarray(indptr, np.int64)),
        shape=(len(docs), len(lexicon.ids)),
    )


def hashed_words(docs: list[str]) -> sparse.csr_matrix:
    """L2-normalised, non-negative float32 CSR rows of hashed words, sorted column indices."""
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


def text_vector(text: str, lexicon: Lexicon | None = None) -> dict[int, float]:
    """One text as {feature: weight}, for the per-pair reference implementation."""
    row = vectorise_texts([text], lexicon)
    return {int(j): float(v) for j, v in zip(row.indices, row.data, strict=True)}


def text_similarity_of(text_a: str, text_b: str, lexicon: Lexicon | None = None) -> float:
    """The text similarity of two texts (words and, with a lexicon, concepts); for one-pair explanations."""
    a, b = text_vector(text_a, lexicon), text_vector(text_b, lexicon)
    return sum(v * b[j] for j, v in a.items() if j in b)

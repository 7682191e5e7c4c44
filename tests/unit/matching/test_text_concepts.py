"""The text part of the competence factor compares concepts across French and English.

Hashed words do not cross languages ("recette" and "acceptance testing" share no word); the lexicon's
concepts do. These cases hold the engine (vectorised), the reference and the explanation together.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

import pytest

from matching.engine import score_mission_against_pool
from matching.explain import explain_pair
from matching.inputs import MissionInput, ProfileInput, RateGrid, Vocabulary, Weights
from matching.pool import encode_profiles
from matching.reference import reference_pair_score
from matching.text import CONCEPT_SHARE, text_similarity_of
from service.reference.lexicon import concept_lexicon

ProfileFactory = Callable[..., ProfileInput]
MissionFactory = Callable[..., MissionInput]

FRENCH_MISSION = (
    "Nous répondons à des appels d'offres : rédiger le cahier des charges, piloter la recette avec le "
    "client et assurer la veille technologique."
)
ENGLISH_PROFILE = (
    "I study tenders with the sales team, write technical specifications, run acceptance testing until "
    "sign-off and keep an innovation watch."
)
ENGLISH_ELSEWHERE = "I scale cloud platforms, hire engineers and lower the infrastructure bill."


@pytest.fixture(scope="module")
def lexical_vocab(vocab: Vocabulary) -> Vocabulary:
    return replace(vocab, lexicon=concept_lexicon())


def test_a_french_mission_text_meets_an_english_profile_text_on_its_concepts() -> None:
    lexicon = concept_lexicon()
    words_only = text_similarity_of(FRENCH_MISSION, ENGLISH_PROFILE)
    with_concepts = text_similarity_of(FRENCH_MISSION, ENGLISH_PROFILE, lexicon)
    assert words_only < 0.05  # the two languages share almost no word
    # four concepts named on both sides, whatever the language: most of the concept half
    assert with_concepts > CONCEPT_SHARE * 0.8
    assert text_similarity_of(FRENCH_MISSION, ENGLISH_ELSEWHERE, lexicon) < 0.05


def test_the_english_profile_that_speaks_of_the_mission_ranks_first_for_a_french_mission(
    lexical_vocab: Vocabulary,
    grid: RateGrid,
    profile_factory: ProfileFactory,
    mission_factory: MissionFactory,
) -> None:
    mission = mission_factory(title="CTO d'agence", description=FRENCH_MISSION)
    speaks = profile_factory(id=1, headline="Agency CTO", summary=ENGLISH_PROFILE, stack=())
    elsewhere = profile_factory(id=2, headline="Agency CTO", summary=ENGLISH_ELSEWHERE, stack=())
    pool = encode_profiles([speaks, elsewhere], lexical_vocab, grid)
    result = score_mission_against_pool(mission, pool, grid, Weights())
    assert result.factors["competences"][0] > result.factors["competences"][1]
    assert result.total[0] > result.total[1]
    for i, profile in enumerate((speaks, elsewhere)):
        ref = reference_pair_score(mission, profile, lexical_vocab, grid, Weights())
        assert float(result.factors["competences"][i]) == pytest.approx(ref.factors["competences"], abs=1e-6)
    # without the lexicon the two English texts are alike for the French mission
    plain = encode_profiles([speaks, elsewhere], replace(lexical_vocab, lexicon=None), grid)
    words = score_mission_against_pool(mission, plain, grid, Weights()).factors["competences"]
    assert abs(float(words[0]) - float(words[1])) < 0.01


def test_the_explanation_names_the_concepts_both_texts_speak_of(
    lexical_vocab: Vocabulary,
    grid: RateGrid,
    profile_factory: ProfileFactory,
    mission_factory: MissionFactory,
) -> None:
    mission = mission_factory(description=FRENCH_MISSION)
    profile = profile_factory(summary=ENGLISH_PROFILE)
    scores = score_mission_against_pool(
        mission, encode_profiles([profile], lexical_vocab, grid), grid, Weights()
    )
    explanation = explain_pair(mission, profile, scores.factor_scores(0), grid, vocab=lexical_vocab)
    shared = [r for r in explanation.reasons if r.code == "shared_concepts"]
    assert len(shared) == 1
    assert set(shared[0].params["concepts"]) >= {
        "presales_tender",
        "technical_specifications",
        "acceptance_testing",
        "innovation_watch",
    }

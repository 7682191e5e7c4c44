"""Profile completeness: adding information never lowers the percentage, a full profile is 100 %, and
each hint names what is missing and what it is worth, with the engine's weights."""

from __future__ import annotations

import dataclasses

from hypothesis import given
from hypothesis import strategies as st

from matching import Weights
from service.freelancers.completeness import ProfileFacts, completeness
from service.i18n import use_locale

COUNTS = st.integers(min_value=0, max_value=12)
FACTS = st.builds(
    ProfileFacts,
    competences=COUNTS,
    cto_missions=COUNTS,
    summary_chars=st.integers(min_value=0, max_value=2000),
    past_roles=COUNTS,
    references=COUNTS,
    sectors=COUNTS,
    certifications=COUNTS,
    stack=COUNTS,
    location=st.booleans(),
    phone=st.booleans(),
    linkedin=st.booleans(),
    availability_confirmed=st.booleans(),
)
NUMBERS = [f.name for f in dataclasses.fields(ProfileFacts) if f.type in ("int", int)]
FLAGS = [f.name for f in dataclasses.fields(ProfileFacts) if f.type in ("bool", bool)]


def _more(facts: ProfileFacts, field: str, amount: int) -> ProfileFacts:
    current = getattr(facts, field)
    if field in FLAGS:
        return dataclasses.replace(facts, **{field: True})
    return dataclasses.replace(facts, **{field: current + amount})


@given(
    FACTS, st.lists(st.tuples(st.sampled_from(NUMBERS + FLAGS), st.integers(1, 500)), min_size=1, max_size=8)
)
def test_adding_information_never_lowers_the_completeness(
    facts: ProfileFacts, additions: list[tuple[str, int]]
) -> None:
    result = completeness(facts)
    for field, amount in additions:
        richer = _more(facts, field, amount)
        after = completeness(richer)
        assert after.percent >= result.percent
        assert {h.item for h in after.hints} <= {h.item for h in result.hints}
        facts, result = richer, after


@given(FACTS)
def test_the_percentage_is_between_0_and_100_and_hints_only_when_below(facts: ProfileFacts) -> None:
    result = completeness(facts)
    assert 0 <= result.percent <= 100
    assert (result.percent == 100) == (not result.hints)


def test_a_full_profile_is_complete_and_an_empty_one_gets_every_hint() -> None:
    full = ProfileFacts(
        competences=5,
        cto_missions=3,
        summary_chars=300,
        past_roles=1,
        references=1,
        sectors=1,
        certifications=1,
        stack=1,
        location=True,
        phone=True,
        linkedin=True,
        availability_confirmed=True,
    )
    assert completeness(full).percent == 100 and completeness(full).hints == []
    empty = completeness(ProfileFacts())
    assert empty.percent == 0
    assert empty.hints[0].item == "competences"  # worth most: the competences criterion


def test_hints_say_what_the_criterion_weighs_in_the_readers_language() -> None:
    facts = ProfileFacts(competences=2)
    with use_locale("fr"):
        french = {h.item: h.text for h in completeness(facts).hints}
    with use_locale("en"):
        english = {h.item: h.text for h in completeness(facts, {"competences": 0.30, "tjm": 0.12}).hints}
    assert "Ajoutez au moins 5 compétences avec leur niveau" in french["competences"]
    assert f"{round(Weights().competences * 100)}" in french["competences"]
    assert "30%" in english["competences"]
    assert "Confirmez votre disponibilité" in french["availability"]
    assert "postes de CTO passés et leur contexte" in french["past_roles"]

"""The rules that flag two profiles as possibly one person: phone and LinkedIn in a normal form, and
near-identical names together with near-identical headlines (vectorised, thresholds as constants)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from service.people.duplicates import (
    HEADLINE_SIMILARITY,
    NAME_SIMILARITY,
    DuplicateRule,
    PersonFacts,
    PossibleDuplicate,
    find_duplicates,
    normalise_linkedin,
    normalise_phone,
    normalise_text,
)

HEADLINE = "CTO fractionnel pour fintechs, Python et AWS"
nine_digits = st.text(alphabet="0123456789", min_size=9, max_size=9).filter(lambda d: d[0] != "0")
separators = st.sampled_from(["", " ", ".", "-", "  "])


def _grouped(digits: str, separator: str) -> str:
    return separator.join([digits[0], *(digits[i : i + 2] for i in range(1, 9, 2))])


@given(nine_digits, separators, separators)
def test_a_french_number_is_the_same_in_every_written_form(digits: str, one: str, other: str) -> None:
    national = "0" + _grouped(digits, one)
    forms = [national, "+33 " + _grouped(digits, other), "+33" + digits, "0033 " + _grouped(digits, other)]
    assert {normalise_phone(form) for form in forms} == {"0" + digits}


@given(nine_digits, nine_digits)
def test_two_different_numbers_stay_different(first: str, second: str) -> None:
    if first != second:
        assert normalise_phone("+33 " + first) != normalise_phone("0" + second)


def test_a_number_too_short_to_be_one_is_not_compared() -> None:
    assert normalise_phone("06 12") is None and normalise_phone("") is None and normalise_phone(None) is None


slugs = st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789-", min_size=2, max_size=30).filter(
    lambda s: s.strip("-") == s
)


@given(
    slugs,
    st.sampled_from(["https://", "http://", ""]),
    st.sampled_from(["www.", "", "fr."]),
    st.sampled_from(["", "/", "?trk=public_profile", "/?utm_source=x#about"]),
    st.booleans(),
)
def test_a_linkedin_url_ignores_scheme_www_case_query_and_trailing_slash(
    slug: str, scheme: str, host: str, tail: str, upper: bool
) -> None:
    url = f"{scheme}{host}linkedin.com/in/{slug}{tail}"
    assert normalise_linkedin(url.upper() if upper else url) == f"linkedin.com/in/{slug}"


def test_two_linkedin_profiles_stay_different() -> None:
    assert normalise_linkedin("linkedin.com/in/claire-martin") != normalise_linkedin(
        "linkedin.com/in/claire-martin-2"
    )
    assert normalise_linkedin("https://linkedin.com/") is None and normalise_linkedin("  ") is None


def test_a_name_is_compared_without_accents_case_or_extra_spaces() -> None:
    assert normalise_text("  Claire  MARTÍN ") == normalise_text("claire martin") == "claire martin"


def _people(*rows: tuple[str, str]) -> list[PersonFacts]:
    return [PersonFacts(i + 1, name, headline) for i, (name, headline) in enumerate(rows)]


def test_claire_martin_written_twice_is_flagged() -> None:
    people = _people(
        ("Claire Martin", HEADLINE), ("claire  martín", HEADLINE.lower()), ("Julien Roux", HEADLINE)
    )
    found = find_duplicates(people)
    assert found == {
        1: [PossibleDuplicate(2, (DuplicateRule.NAME_HEADLINE,))],
        2: [PossibleDuplicate(1, (DuplicateRule.NAME_HEADLINE,))],
    }


def test_two_people_with_the_same_headline_or_close_names_are_not() -> None:
    people = _people(
        ("Claire Martin", HEADLINE),
        ("Clara Martin", HEADLINE),  # another first name
        ("Claire Martinez", HEADLINE),  # another family name
        ("Julien Roux", HEADLINE),
        ("Claire Martin", "DSI de transition, industrie et SAP"),  # same name, another trade
    )
    assert find_duplicates(people) == {}


def test_a_typo_in_a_long_name_is_still_flagged() -> None:
    people = _people(("Jean-Baptiste Lefèvre", HEADLINE), ("Jean Baptiste Lefevre", HEADLINE + " "))
    assert list(find_duplicates(people)) == [1, 2]


def test_the_thresholds_say_near_identical() -> None:
    assert 0.85 <= NAME_SIMILARITY < 1 and 0.7 <= HEADLINE_SIMILARITY < 1


def test_every_rule_that_matches_is_named_and_dismissed_pairs_are_not_flagged() -> None:
    people = [
        PersonFacts(1, "Claire Martin", HEADLINE, "+33 6 12 34 56 78", "https://linkedin.com/in/cm"),
        PersonFacts(2, "Claire Martin", HEADLINE, "06 12 34 56 78", "linkedin.com/in/CM/"),
        PersonFacts(3, "Sophie Bernard", "DSI", "06 12 34 56 78", None),
    ]
    found = find_duplicates(people, {1})
    assert found == {
        1: [
            PossibleDuplicate(2, (DuplicateRule.PHONE, DuplicateRule.LINKEDIN, DuplicateRule.NAME_HEADLINE)),
            PossibleDuplicate(3, (DuplicateRule.PHONE,)),
        ]
    }
    assert find_duplicates(people, {1}, dismissed={frozenset((1, 2))}) == {
        1: [PossibleDuplicate(3, (DuplicateRule.PHONE,))]
    }


def test_only_the_asked_profiles_are_answered_for() -> None:
    people = _people(("Claire Martin", HEADLINE), ("Claire Martin", HEADLINE), ("Julien Roux", "DSI"))
    assert set(find_duplicates(people, {2, 3})) == {2}
    assert find_duplicates(people, set()) == {} and find_duplicates([], None) == {}

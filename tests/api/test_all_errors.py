"""A refused request names every invalid field at once, in the reader's language, with a code a program
can act on and, where it helps, the allowed values and the closest one."""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from litestar.testing import AsyncTestClient

from tests.factories import Caller, company_payload, freelancer_payload, mission_payload

Client = AsyncTestClient[Any]
ENGLISH = {"accept-language": "en"}
SIZES = ["1-10", "11-50", "51-200", "201-1000", "1000+"]
REMOTE_PREFERENCES = ["remote", "hybrid", "onsite", "flexible"]


def _problem(response: Any) -> dict[str, Any]:
    assert response.status_code == 422, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    body: dict[str, Any] = response.json()
    assert body["type"] == "https://ctomatch.dev/problems/validation-error"
    return body


def _by_field(problem: dict[str, Any]) -> dict[str, dict[str, Any]]:
    errors = problem["errors"]
    fields = [e["field"] for e in errors]
    assert len(fields) == len(set(fields)), errors  # one entry per field
    return {e["field"]: e for e in errors}


async def test_a_freelancer_body_with_four_bad_fields_gets_one_422_naming_all_four(client: Client) -> None:
    body = freelancer_payload(tjm="beaucoup", years_experience=99, remote_preference="hybride")
    del body["email"]
    problem = _problem(await client.post("/api/v1/freelancers", json=body))
    errors = _by_field(problem)
    assert errors == {
        "body.email": {"field": "body.email", "reason": "est obligatoire", "code": "missing"},
        "body.tjm": {
            "field": "body.tjm",
            "reason": "doit être un nombre entier écrit avec les chiffres 0-9",
            "code": "type",
        },
        "body.years_experience": {
            "field": "body.years_experience",
            "reason": "doit valoir au plus 60",
            "code": "too_large",
        },
        "body.remote_preference": {
            "field": "body.remote_preference",
            "reason": "valeur inconnue « hybride » ; vouliez-vous dire « hybrid » ? Valeurs possibles : "
            "remote, hybrid, onsite, flexible",
            "code": "not_allowed",
            "allowed": REMOTE_PREFERENCES,
            "suggestion": "hybrid",
        },
    }
    assert problem["title"] == "Saisie invalide"
    assert all(f"{field}: {e['reason']}" in problem["detail"] for field, e in errors.items())


async def test_a_company_body_with_every_kind_of_mistake(client: Client) -> None:
    """The example of the README: the first error only, before; now each one, with its code."""
    body = {"name": "", "email": "bad", "size": "zz", "contexts": ["nope"]}
    errors = _by_field(_problem(await client.post("/api/v1/companies", json=body)))
    assert {field: e["code"] for field, e in errors.items()} == {
        "body.name": "too_short",
        "body.email": "pattern",
        "body.size": "not_allowed",
        "body.context": "missing",
        "body.contexts": "unknown_field",
    }
    assert errors["body.name"]["reason"] == "doit contenir au moins 1 caractère"
    assert errors["body.size"]["reason"] == (
        "valeur inconnue « zz » ; valeurs possibles : 1-10, 11-50, 51-200, 201-1000, 1000+"
    )
    assert errors["body.size"]["allowed"] == SIZES and "suggestion" not in errors["body.size"]
    assert errors["body.contexts"]["suggestion"] == "context"
    assert "context" in errors["body.contexts"]["allowed"]
    assert errors["body.email"]["reason"] == "n'a pas la forme attendue, par exemple jane.doe@example.com"


async def test_english_on_request(client: Client) -> None:
    body = {"name": "", "email": "bad", "size": "zz", "context": "agency"}
    response = await client.post("/api/v1/companies", json=body, headers=ENGLISH)
    problem = _problem(response)
    errors = _by_field(problem)
    assert response.headers["content-language"] == "en"
    assert problem["title"] == "Invalid input"
    assert errors["body.name"]["reason"] == "must contain at least 1 character"
    assert errors["body.size"]["reason"] == "unknown value 'zz'; allowed values: " + ", ".join(SIZES)
    assert errors["body.email"]["reason"] == "does not have the expected form, e.g. jane.doe@example.com"
    assert set(errors) == {"body.name", "body.email", "body.size"}


async def test_nested_items_are_named_by_their_position(client: Client) -> None:
    competences = [
        {"id": "it_security", "level": 4},
        {"id": "leadership", "level": 5},
        {"id": "communication", "level": 9},
        {"id": "", "lvl": 2},
    ]
    body = freelancer_payload(competences=competences, past_roles=[{"title": "CTO", "company": "A"}])
    errors = _by_field(_problem(await client.post("/api/v1/freelancers", json=body, headers=ENGLISH)))
    assert {field: e["code"] for field, e in errors.items()} == {
        "body.competences[2].level": "too_large",
        "body.competences[3].id": "too_short",
        "body.competences[3].lvl": "unknown_field",
        "body.past_roles[0].context": "missing",
        "body.past_roles[0].start_year": "missing",
    }
    assert errors["body.competences[2].level"]["reason"] == "must be at most 5"
    assert errors["body.competences[3].lvl"]["suggestion"] == "level"


async def test_an_unknown_taxonomy_id_suggests_the_item_meant(client: Client) -> None:
    body = freelancer_payload(
        competences=[{"id": "leadership", "level": 5}, {"id": "cybersecurite", "level": 4}]
    )
    french = _by_field(_problem(await client.post("/api/v1/freelancers", json=body)))
    assert french == {
        "body.competences[1].id": {
            "field": "body.competences[1].id",
            "reason": (
                "« cybersecurite » est inconnu : vouliez-vous dire « Sécurité informatique » (it_security) ?"
            ),
            "code": "unknown_id",
            "suggestion": "it_security",
        }
    }
    english = _by_field(_problem(await client.post("/api/v1/freelancers", json=body, headers=ENGLISH)))
    assert english["body.competences[1].id"]["reason"] == (
        "'cybersecurite' is unknown: did you mean 'IT security' (it_security)?"
    )


async def test_a_mission_with_a_shape_error_and_an_unknown_competence_gets_both(
    client: Client, company: Caller
) -> None:
    """The decoder refuses `tjm_min`; the ids of the fields it accepted are still checked."""
    body = mission_payload(tjm_min="six cents", required_competences=["cybersecurite", "leadership"])
    errors = _by_field(_problem(await client.post("/api/v1/missions", json=body, headers=company.headers)))
    assert {field: e["code"] for field, e in errors.items()} == {
        "body.tjm_min": "type",
        "body.required_competences[0]": "unknown_id",
    }
    assert errors["body.required_competences[0]"]["suggestion"] == "it_security"
    assert errors["body.required_competences[0]"]["reason"].startswith("« cybersecurite » est inconnu")


async def test_a_mission_with_only_rule_errors_gets_them_all(client: Client, company: Caller) -> None:
    body = mission_payload(
        seniority="y11",
        tjm_min=800,
        tjm_max=700,
        required_competences=["leadership", "leadership"],
        nice_competences=["leadership", "communicaton"],
    )
    response = await client.post("/api/v1/missions", json=body, headers={**company.headers, **ENGLISH})
    errors = _by_field(_problem(response))
    assert {field: e["code"] for field, e in errors.items()} == {
        "body.seniority": "not_allowed",
        "body.tjm_min": "inconsistent",
        "body.required_competences[1]": "duplicate",
        "body.nice_competences[0]": "duplicate",
        "body.nice_competences[1]": "unknown_id",
    }
    seniority = errors["body.seniority"]
    assert seniority["suggestion"] == "y11_15" and seniority["allowed"][0] == "lt1"
    assert "'11 to 15 years' (y11_15)" in seniority["reason"]
    assert errors["body.nice_competences[1]"]["suggestion"] == "communication"
    assert errors["body.tjm_min"]["reason"] == "tjm_min 800 is above tjm_max 700"


async def test_every_bad_query_parameter_is_listed(client: Client, company: Caller) -> None:
    response = await client.get(
        "/api/v1/freelancers?limit=0&tjm_min=abc&remote=hybride", headers={**company.headers, **ENGLISH}
    )
    errors = _by_field(_problem(response))
    assert errors["query.limit"] == {
        "field": "query.limit",
        "reason": "must be at least 1",
        "code": "too_small",
    }
    assert errors["query.tjm_min"]["code"] == "type"
    assert errors["query.remote"]["allowed"] == REMOTE_PREFERENCES
    assert errors["query.remote"]["suggestion"] == "hybrid"
    assert set(errors) == {"query.limit", "query.tjm_min", "query.remote"}


async def test_an_unknown_sort_key_suggests_one(client: Client, company: Caller) -> None:
    response = await client.get("/api/v1/freelancers?sort=-tjn", headers=company.headers)
    (error,) = _problem(response)["errors"]
    assert error["field"] == "query.sort" and error["code"] == "not_allowed"
    assert error["suggestion"] == "tjm" and "tjm" in error["allowed"]
    assert error["reason"].startswith("clé de tri inconnue « tjn »")


async def test_other_problems_are_in_the_reader_language_too(client: Client) -> None:
    french = await client.get("/api/v1/nothing-here")
    assert french.status_code == 404 and french.headers["content-language"] == "fr"
    assert french.json()["title"] == "Introuvable"
    assert french.json()["detail"] == "aucune route ni ressource à l'adresse /api/v1/nothing-here"
    english = await client.get("/api/v1/nothing-here", headers=ENGLISH)
    assert english.json()["title"] == "Not Found"
    assert english.json()["detail"] == "no route or resource at /api/v1/nothing-here"
    nul = await client.get("/api/v1/taxonomy?kind=%00")
    assert nul.json()["errors"] == [
        {
            "field": "query.kind",
            "reason": "ne doit pas contenir de caractère NUL (U+0000)",
            "code": "invalid_text",
        }
    ]


async def test_a_missing_record_reads_in_french_by_default(client: Client, company: Caller) -> None:
    response = await client.get("/api/v1/missions/999999", headers=company.headers)
    assert response.status_code == 404
    assert response.json()["detail"] == "mission 999999 introuvable"


#: Per company field: a value that breaks it, and the field path that must be named.
COMPANY_BREAKS: dict[str, tuple[Any, str]] = {
    "email": ("not-an-e-mail", "body.email"),
    "name": ("", "body.name"),
    "context": ("bakery", "body.context"),
    "size": ("zz", "body.size"),
    "sector": ("", "body.sector"),
    "city": ("x" * 121, "body.city"),
    "description": (5, "body.description"),
    "phone": ("call me", "body.phone"),
}

#: The same for a freelancer, nested fields included.
FREELANCER_BREAKS: dict[str, tuple[Any, str]] = {
    "email": ("@", "body.email"),
    "full_name": ("", "body.full_name"),
    "years_experience": (-1, "body.years_experience"),
    "tjm": (50, "body.tjm"),
    "available_from": ("tomorrow", "body.available_from"),
    "remote_preference": ("sometimes", "body.remote_preference"),
    "days_per_week": (6, "body.days_per_week"),
    "competences": ([{"id": "it_security", "level": 0}], "body.competences[0].level"),
    "sectors": ("fintech", "body.sectors"),
    "past_roles": (
        [{"title": "CTO", "company": "A", "context": "x", "start_year": 2020}],
        "body.past_roles[0].context",
    ),
    "linkedin_url": ("linkedin", "body.linkedin_url"),
    "unexpected": (True, "body.unexpected"),
}

FUZZ = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@FUZZ
@given(broken=st.sets(st.sampled_from(sorted(COMPANY_BREAKS)), min_size=1))
async def test_exactly_the_company_fields_made_invalid_are_named(client: Client, broken: set[str]) -> None:
    body = company_payload(**{name: COMPANY_BREAKS[name][0] for name in broken})
    problem = _problem(await client.post("/api/v1/companies", json=body))
    assert set(_by_field(problem)) == {COMPANY_BREAKS[name][1] for name in broken}
    assert all(e["reason"] and e["code"] != "invalid" for e in problem["errors"])


@FUZZ
@given(broken=st.sets(st.sampled_from(sorted(FREELANCER_BREAKS)), min_size=1), drop_tjm=st.booleans())
async def test_exactly_the_freelancer_fields_made_invalid_are_named(
    client: Client, broken: set[str], drop_tjm: bool
) -> None:
    body = freelancer_payload(**{name: FREELANCER_BREAKS[name][0] for name in broken})
    expected = {FREELANCER_BREAKS[name][1] for name in broken}
    if drop_tjm:  # a required field left out is named too
        body.pop("tjm")
        expected |= {"body.tjm"}
    problem = _problem(await client.post("/api/v1/freelancers", json=body, headers=ENGLISH))
    assert set(_by_field(problem)) == expected
    assert all(e["reason"] and e["code"] != "invalid" for e in problem["errors"])

"""A service's refusal explains itself in the reader's language: French by default, English on request.

Only the words change with the language (`title`, `detail`); what a program acts on (the problem's
`type`, its status, the other members) is the same in both.
"""

from __future__ import annotations

from typing import Any

from litestar.testing import AsyncTestClient

from tests.factories import Caller

Client = AsyncTestClient[Any]
ENGLISH = {"Accept-Language": "en"}
PROBLEMS = "https://ctomatch.dev/problems/"


def _problem(response: Any, status: int, language: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    assert response.headers["content-language"] == language
    body: dict[str, Any] = response.json()
    assert body["status"] == status
    return body


def _same_problem(french: dict[str, Any], english: dict[str, Any]) -> None:
    """Everything but the words is the same in both languages."""
    words = {"title", "detail"}
    assert {k: v for k, v in french.items() if k not in words} == {
        k: v for k, v in english.items() if k not in words
    }
    assert french["title"] != english["title"] and french["detail"] != english["detail"]


async def test_an_unknown_api_key_is_refused_in_the_reader_language(client: Client) -> None:
    unknown = {"X-API-Key": "ctf_not-a-key-of-this-service"}
    french = _problem(await client.get("/api/v1/me", headers=unknown), 401, "fr")
    english = _problem(await client.get("/api/v1/me", headers={**unknown, **ENGLISH}), 401, "en")
    assert french["type"] == english["type"] == PROBLEMS + "unauthenticated"
    assert french["title"] == "Authentification requise"
    assert french["detail"] == "la clé d'API de l'en-tête X-API-Key est inconnue ou révoquée"
    assert english["title"] == "Authentication required"
    assert english["detail"] == "the API key in the X-API-Key header is unknown or revoked"
    _same_problem(french, english)

    french = _problem(await client.get("/api/v1/me"), 401, "fr")
    english = _problem(await client.get("/api/v1/me", headers=ENGLISH), 401, "en")
    assert french["detail"] == "envoyez une clé d'API valide dans l'en-tête X-API-Key"
    assert english["detail"] == "send a valid API key in the X-API-Key header"
    _same_problem(french, english)


async def test_an_unknown_match_is_missing_in_the_reader_language(client: Client, operator: Caller) -> None:
    path = "/api/v1/matches/999999"
    french = _problem(await client.get(path, headers=operator.headers), 404, "fr")
    english = _problem(await client.get(path, headers={**operator.headers, **ENGLISH}), 404, "en")
    assert french["type"] == english["type"] == PROBLEMS + "not-found"
    assert french["title"] == "Introuvable" and french["detail"] == "match 999999 introuvable"
    assert english["title"] == "Not found" and english["detail"] == "no match 999999"
    _same_problem(french, english)


async def test_a_conflict_is_explained_in_the_reader_language(
    client: Client, operator: Caller, freelancer: Caller
) -> None:
    account_id = (await client.get("/api/v1/me", headers=freelancer.headers)).json()["account_id"]
    path = f"/api/v1/accounts/{account_id}/erase"
    first = await client.post(path, headers=operator.headers)
    assert first.status_code == 200, first.text
    french = _problem(await client.post(path, headers=operator.headers), 409, "fr")
    english = _problem(await client.post(path, headers={**operator.headers, **ENGLISH}), 409, "en")
    assert french["type"] == english["type"] == PROBLEMS + "conflict"
    assert french["title"] == "Conflit"
    assert french["detail"] == f"le compte {account_id} a déjà été effacé"
    assert english["title"] == "Conflict"
    assert english["detail"] == f"account {account_id} was already erased"
    _same_problem(french, english)

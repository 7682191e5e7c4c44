"""The forms' suggestions over HTTP: the profile editor and the mission form offer the button, and
`POST /suggestions` answers a signed-in account (with the page's CSRF token) with the competences and
CTO missions its text names, in the reader's language; an empty or oversized text is refused in words,
a post without the token or without a session gets no suggestions."""

from __future__ import annotations

from typing import Any

from litestar.testing import AsyncTestClient

from models.enums import Role
from service.db import Database
from tests.api.test_portal_company import signed_in_company
from tests.web_client import WebBrowser, create_web_account

Client = AsyncTestClient[Any]
SUMMARY = "J'ai piloté la recette et rédigé le cahier des charges de la refonte de l'application mobile."


async def _freelancer(client: Client, database: Database, language: str | None = None) -> WebBrowser:
    email = f"amelie.{language or 'fr'}@example.fr"
    await create_web_account(database, Role.FREELANCER, email, name="Amélie Durand")
    browser = WebBrowser(client, language=language)
    await browser.sign_in(email)
    return browser


async def test_the_profile_editor_offers_suggestions_and_gets_them_in_french(
    client: Client, database: Database
) -> None:
    browser = await _freelancer(client, database)
    editor = await browser.get("/profile/edit")
    assert 'data-suggest-source="summary"' in editor.text
    assert "Proposer des compétences d’après ce texte" in editor.text
    assert "/static/suggestions.js" in editor.text
    token = await browser.token("/profile/edit")
    response = await browser.request("POST", "/suggestions", data={"text": SUMMARY, "_csrf_token": token})
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("application/json")
    items = response.json()["items"]
    assert [(i["id"], i["label"], i["words"]) for i in items] == [
        ("mobile_application", "Application mobile", ["application mobile"]),
        (
            "technical_specifications",
            "Spécifications techniques et cahier des charges",
            ["cahier des charges"],
        ),
        ("acceptance_testing", "Recette", ["recette"]),
    ]


async def test_an_english_reader_of_the_mission_form_gets_english_labels(
    client: Client, database: Database
) -> None:
    browser = await signed_in_company(client, database, "rh@neobanque.fr", language="en")
    form = await browser.get("/missions/new")
    assert 'data-suggest-source="description"' in form.text
    assert "Suggest competences from this text" in form.text
    token = await browser.token("/missions/new")
    response = await browser.request("POST", "/suggestions", data={"text": SUMMARY, "_csrf_token": token})
    assert response.status_code == 200, response.text
    labels = {i["id"]: i["label"] for i in response.json()["items"]}
    assert labels["acceptance_testing"] == "Acceptance testing"
    assert labels["technical_specifications"] == "Technical specifications and requirements"


async def test_an_empty_or_oversized_text_is_refused_in_words(client: Client, database: Database) -> None:
    browser = await _freelancer(client, database)
    token = await browser.token("/profile/edit")
    for text, words in (
        ("   ", "Écrivez d’abord un texte"),
        ("recette " * 2_600, "caractères au plus"),
    ):
        response = await browser.request("POST", "/suggestions", data={"text": text, "_csrf_token": token})
        assert response.status_code == 422
        assert words in response.json()["error"]


async def test_no_suggestions_without_the_form_token_or_a_session(client: Client, database: Database) -> None:
    browser = await _freelancer(client, database)
    await browser.get("/profile/edit")
    forged = await browser.request("POST", "/suggestions", data={"text": SUMMARY})
    assert forged.status_code == 403
    visitor = WebBrowser(client)
    token = await visitor.token("/sign-in")
    anonymous = await visitor.request("POST", "/suggestions", data={"text": SUMMARY, "_csrf_token": token})
    assert anonymous.status_code == 303
    assert anonymous.headers["location"].startswith("/sign-in")

"""The web app's home page, sign-in and sign-out over HTTP (SQLite and PostgreSQL): French first,
fresh session ids, lockouts said plainly, CSRF on every form, each role sent to its own pages."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from litestar.testing import AsyncTestClient

from models.enums import Role
from service.app import create_app
from service.db import Database
from service.portal.session import SESSION_COOKIE
from tests.conftest import Backend
from tests.web_client import PASSWORD, WebBrowser, create_web_account
from tests.work_queue import RecordingWorkQueue

Client = AsyncTestClient[Any]


async def test_the_home_page_is_french_by_default_and_english_on_request(client: Client) -> None:
    french = await WebBrowser(client).get("/")
    english = await WebBrowser(client, language="en-GB,en;q=0.8").get("/")
    assert french.status_code == english.status_code == 200
    assert '<html lang="fr">' in french.text and "Le bon CTO freelance" in french.text
    assert '<html lang="en">' in english.text and "The right freelance CTO" in english.text
    assert "/sign-up?role=freelancer" in french.text and "/sign-up?role=company" in french.text


async def test_signing_in_opens_a_fresh_session_and_lands_on_the_roles_page(
    client: Client, database: Database
) -> None:
    await create_web_account(database, Role.COMPANY, "rh@neobanque.fr")
    browser = WebBrowser(client)
    await browser.get("/sign-in")
    before = browser.jar.get(SESSION_COOKIE)
    response = await browser.sign_in("rh@neobanque.fr")
    assert response.headers["location"] == "/missions"
    cookie = response.headers.get_list("set-cookie")
    session_cookie = next(c for c in cookie if c.startswith(f"{SESSION_COOKIE}="))
    assert "HttpOnly" in session_cookie and "SameSite=lax" in session_cookie and "Path=/" in session_cookie
    assert "Secure" not in session_cookie  # development: plain HTTP on 127.0.0.1
    assert browser.jar.get(SESSION_COOKIE) not in {None, before}
    assert (await browser.get("/")).headers["location"] == "/missions"


async def test_a_wrong_password_is_refused_in_words_and_keeps_the_email(
    client: Client, database: Database
) -> None:
    await create_web_account(database, Role.FREELANCER, "amelie@example.fr")
    browser = WebBrowser(client)
    refused = await browser.submit(
        "/sign-in", "/sign-in", {"email": "amelie@example.fr", "password": "nope nope"}
    )
    assert refused.status_code == 401
    assert "E-mail ou mot de passe incorrect." in refused.text
    assert 'value="amelie@example.fr"' in refused.text and "nope nope" not in refused.text
    assert SESSION_COOKIE not in browser.jar or "account" not in refused.text


async def test_a_locked_account_says_for_how_long(backend: Backend, database: Database) -> None:
    settings = replace(backend.settings, sign_in_max_failures=2)
    app = create_app(settings, work_queue=RecordingWorkQueue(settings))
    await create_web_account(database, Role.FREELANCER, "amelie@example.fr")
    async with AsyncTestClient(app=app) as client:
        browser = WebBrowser(client, language="en")
        for _ in range(2):
            await browser.submit(
                "/sign-in", "/sign-in", {"email": "amelie@example.fr", "password": "guess guess"}
            )
        locked = await browser.submit(
            "/sign-in", "/sign-in", {"email": "amelie@example.fr", "password": PASSWORD}
        )
    assert locked.status_code == 429
    assert int(locked.headers["retry-after"]) > 0
    assert "sign-in is paused" in locked.text and "15 minutes" in locked.text


async def test_every_form_needs_its_token(client: Client, database: Database) -> None:
    await create_web_account(database, Role.FREELANCER, "amelie@example.fr")
    browser = WebBrowser(client)
    await browser.get("/sign-in")
    forged = await browser.request(
        "POST", "/sign-in", data={"email": "amelie@example.fr", "password": PASSWORD}
    )
    assert forged.status_code == 403
    assert "Formulaire expiré" in forged.text
    await browser.sign_in("amelie@example.fr")
    no_token = await browser.request("POST", "/sign-out")
    assert no_token.status_code == 403


async def test_an_operator_is_sent_to_the_console(client: Client, database: Database) -> None:
    await create_web_account(database, Role.OPERATOR, "ops@ctomatch.fr")
    browser = WebBrowser(client)
    response = await browser.submit(
        "/sign-in", "/sign-in", {"email": "ops@ctomatch.fr", "password": PASSWORD}
    )
    assert response.status_code == 303 and response.headers["location"] == "/console/sign-in"


async def test_next_never_leaves_the_site(client: Client, database: Database) -> None:
    await create_web_account(database, Role.FREELANCER, "amelie@example.fr")
    browser = WebBrowser(client)
    response = await browser.sign_in("amelie@example.fr", next_path="https://evil.example/")
    assert response.headers["location"] == "/profile"


async def test_an_unknown_page_is_a_page_and_an_unknown_api_path_a_problem(client: Client) -> None:
    page = await WebBrowser(client).get("/no-such-page")
    assert page.status_code == 404 and page.headers["content-type"].startswith("text/html")
    assert "Page introuvable" in page.text and page.headers["content-language"] == "fr"
    english = await WebBrowser(client, language="en").get("/no-such-page")
    assert "Page not found" in english.text and english.headers["content-language"] == "en"
    assert "Page introuvable" not in english.text
    api = await client.get("/api/v1/no-such-thing")
    assert api.status_code == 404 and api.headers["content-type"] == "application/problem+json"


async def test_an_english_page_holds_no_french(client: Client, database: Database) -> None:
    """English entries of the catalogs stay empty: a French text pasted there showed on English pages."""
    await create_web_account(database, Role.FREELANCER, "james@example.com")
    browser = WebBrowser(client, language="en")
    await browser.sign_in("james@example.com")
    page = (await browser.get("/profile/edit")).text
    assert "My profile" in page and "Proposals" in page
    for french in ("Mon profil", "Propositions", "Mon compte"):
        assert french not in page

"""The console's language over HTTP (SQLite and PostgreSQL): French by default, English when the browser
asks for it, and the remembered switch (cookie) before either; messages, errors, money and dates follow."""

from __future__ import annotations

import html
import re
from typing import Any

import httpx
import pytest
from litestar.testing import AsyncTestClient

from service.i18n import LOCALE_COOKIE
from tests.factories import Caller, post_mission, register_company, register_freelancer
from tests.work_queue import RecordingWorkQueue

Client = AsyncTestClient[Any]
NBSP = "\u00a0"


@pytest.fixture
def web(client: Client) -> Client:
    client.follow_redirects = False
    return client


def _csrf(page: str) -> str:
    found = re.search(r'name="_csrf_token" value="([0-9a-f]+)"', page)
    assert found, "no CSRF field in the page"
    return found.group(1)


def _text(response: httpx.Response) -> str:
    """The page as a reader sees it: no tags, entities decoded, spaces collapsed (no-break ones kept)."""
    without_tags = re.sub(r"<[^>]+>", " ", response.text)
    return re.sub(r"[ \t\r\n]+", " ", html.unescape(without_tags))


def _lang(response: httpx.Response) -> str:
    found = re.search(r'<html lang="([a-z]+)">', response.text)
    assert found, "no lang attribute"
    return found.group(1)


def _set_language_cookie(web: Client, code: str) -> None:
    web.cookies.set(LOCALE_COOKIE, code, domain=httpx.URL(str(web.base_url)).host, path="/")


async def _sign_in(web: Client, key: str) -> None:
    form = await web.get("/console/sign-in")
    response = await web.post("/console/sign-in", data={"api_key": key, "_csrf_token": _csrf(form.text)})
    assert response.status_code == 303, response.text


@pytest.mark.parametrize(
    ("accept_language", "expected"),
    [
        (None, "fr"),
        ("de-DE,de;q=0.9", "fr"),
        ("fr-FR", "fr"),
        ("en-GB,en;q=0.9", "en"),
        ("de, en;q=0.5", "en"),
    ],
)
async def test_the_sign_in_page_speaks_the_browsers_language(
    web: Client, accept_language: str | None, expected: str
) -> None:
    headers = {"Accept-Language": accept_language} if accept_language else {}
    page = await web.get("/console/sign-in", headers=headers)
    assert page.status_code == 200 and page.headers["content-language"] == expected
    assert _lang(page) == expected
    heading = {"fr": "Connexion à la console", "en": "Sign in to the console"}[expected]
    assert f'<h1 id="sign-in-title">{heading}</h1>' in page.text
    assert ("Adresse e-mail" in page.text) == (expected == "fr")


async def test_the_remembered_switch_wins_over_accept_language(web: Client) -> None:
    _set_language_cookie(web, "fr")
    french = await web.get("/console/sign-in", headers={"Accept-Language": "en"})
    assert _lang(french) == "fr" and "Connexion à la console" in french.text
    _set_language_cookie(web, "en")
    english = await web.get("/console/sign-in", headers={"Accept-Language": "fr-FR,fr;q=0.9"})
    assert _lang(english) == "en" and "Sign in to the console" in english.text


async def test_the_header_switch_links_back_to_this_page(web: Client, operator: Caller) -> None:
    await _sign_in(web, operator.api_key)
    page = await web.get("/console/queue?status=approved&flagged=1")
    assert page.status_code == 200
    back = "next=/console/queue%3Fstatus%3Dapproved%26flagged%3D1"
    assert f'<a href="/language/en?{back}" lang="en" hreflang="en">English</a>' in page.text
    assert (
        f'<a href="/language/fr?{back}" lang="fr" hreflang="fr" aria-current="true">Français</a>' in page.text
    )
    switched = await web.get(f"/language/en?{back}")
    assert (switched.status_code, switched.headers["location"]) == (
        303,
        "/console/queue?status=approved&flagged=1",
    )
    english = await web.get(switched.headers["location"])
    assert _lang(english) == "en" and "<h1>Review queue</h1>" in english.text
    assert 'hreflang="en" aria-current="true">English</a>' in english.text


async def test_a_decision_is_confirmed_in_the_readers_language(
    web: Client, operator: Caller, work_queue: RecordingWorkQueue
) -> None:
    work_queue.inline = True
    await register_freelancer(web, full_name="Camille Laurent")
    await register_freelancer(web, full_name="Jules Martin")
    await post_mission(web, await register_company(web), title="CTO de transition")
    await _sign_in(web, operator.api_key)
    queue = (await web.get("/api/v1/review-queue", headers=operator.headers)).json()["items"]
    first, second = queue[0]["match"]["id"], queue[1]["match"]["id"]

    for match_id, language in [(first, "fr"), (second, "en")]:
        headers = {"Accept-Language": language}
        page = await web.get("/console/queue", headers=headers)
        form = {
            "action": "approve",
            "version": "1",
            "next": "/console/queue",
            "_csrf_token": _csrf(page.text),
        }
        decided = await web.post(f"/console/matches/{match_id}/decisions", data=form, headers=headers)
        assert decided.status_code == 303
        after = _text(await web.get("/console/queue", headers=headers))
        if language == "fr":
            assert f"Approuvé{NBSP}: " in after
            assert (
                f"pour «{NBSP}CTO de transition{NBSP}» (match n°{NBSP}{first}, désormais approuvé)." in after
            )
        else:
            assert (
                "Approved: " in after and f"for “CTO de transition” (match #{second}, now approved)." in after
            )

    stale = await web.get("/console/queue")  # French, and the first match is no longer pending
    form = {"action": "reject", "version": "1", "reason": "trop tard", "_csrf_token": _csrf(stale.text)}
    await web.post(f"/console/matches/{first}/decisions", data=form)
    assert "Quelqu'un d'autre a déjà décidé de ce match" in _text(await web.get("/console/queue"))


async def test_money_dates_and_grid_labels_follow_the_language(web: Client, operator: Caller) -> None:
    await _sign_in(web, operator.api_key)
    french = _text(await web.get("/console/rate-grid"))
    assert re.search(
        r"plus de 15 ans gt15 16 et plus 400\u00a0€ 775\u00a0€ 1[\u202f\u00a0]075\u00a0€", french
    )
    assert "Grille des TJM" in french and "more than 15 years" not in french
    english = _text(await web.get("/console/rate-grid", headers={"Accept-Language": "en"}))
    assert "more than 15 years gt15 16 and more €400 €775 €1,075" in english
    assert "plus de 15 ans" not in english

    company = await register_company(web)
    mission = await post_mission(web, company, start_date="2027-03-15", tjm_min=1000, tjm_max=1075)
    facts = _text(await web.get(f"/console/missions/{mission['id']}"))
    assert "15/03/2027" in facts and "1\u202f000\u00a0€–1\u202f075\u00a0€ par jour" in facts
    facts_en = _text(await web.get(f"/console/missions/{mission['id']}", headers={"Accept-Language": "en"}))
    assert "15 Mar 2027" in facts_en and "€1,000–€1,075 a day" in facts_en


async def test_error_pages_are_translated(web: Client, operator: Caller) -> None:
    expired = await web.post("/console/sign-in", data={"api_key": "x"})
    assert expired.status_code == 403 and _lang(expired) == "fr"
    assert "Formulaire expiré" in expired.text
    # Refused by a middleware, answered outside the locale middleware: still the reader's language.
    expired_en = await web.post("/console/sign-in", data={"api_key": "x"}, headers={"Accept-Language": "en"})
    assert _lang(expired_en) == "en" and '<h1 id="error-title">Form expired</h1>' in expired_en.text
    await _sign_in(web, operator.api_key)
    missing = await web.get("/console/missions/999999")
    assert missing.status_code == 404 and '<h1 id="error-title">Introuvable</h1>' in missing.text
    assert "Erreur 404" in missing.text
    bad = await web.get("/console/queue?min_score=abc", headers={"Accept-Language": "en"})
    assert '<h1 id="error-title">Invalid input</h1>' in bad.text
    assert bad.status_code == 422 and "min_score: must be a number from 0 to 100, not “abc”" in html.unescape(
        bad.text
    )
    bad_fr = _text(await web.get("/console/queue?min_score=abc"))
    assert f"min_score{NBSP}: doit être un nombre de 0 à 100, et non «{NBSP}abc{NBSP}»" in bad_fr

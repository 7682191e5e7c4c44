"""The reader's language over HTTP: French by default, `Accept-Language`, the remembered switch."""

from __future__ import annotations

from typing import Any

from litestar.testing import AsyncTestClient

from service.i18n import LOCALE_COOKIE

Client = AsyncTestClient[Any]


async def test_responses_say_their_language_and_vary_with_it(client: Client) -> None:
    french = await client.get("/api/v1/taxonomy")
    english = await client.get("/api/v1/taxonomy", headers={"Accept-Language": "en-GB,en;q=0.9"})
    assert french.headers["content-language"] == "fr"
    assert english.headers["content-language"] == "en"
    assert "accept-language" in english.headers["vary"].lower()
    assert "cookie" in english.headers["vary"].lower()


async def test_the_switch_is_remembered_and_goes_back_to_the_page(client: Client) -> None:
    switched = await client.get("/language/en", params={"next": "/docs"}, follow_redirects=False)
    assert switched.status_code == 303
    assert switched.headers["location"] == "/docs"
    assert f"{LOCALE_COOKIE}=en" in switched.headers["set-cookie"]
    assert "samesite=lax" in switched.headers["set-cookie"].lower()
    later = await client.get("/api/v1/taxonomy", headers={"Accept-Language": "fr"})
    assert later.headers["content-language"] == "en"


async def test_the_switch_refuses_other_sites_and_unknown_languages(client: Client) -> None:
    outside = await client.get(
        "/language/fr", params={"next": "https://evil.example/"}, follow_redirects=False
    )
    assert outside.headers["location"] == "/"
    unknown = await client.get("/language/de", follow_redirects=False)
    assert unknown.status_code == 404
    assert "fr, en" in unknown.json()["detail"]

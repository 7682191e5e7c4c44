"""The mobility in the web pages over HTTP (SQLite and PostgreSQL): the freelancer's editor takes places
separated by commas or lines and the "anywhere in France" box, keeps them, says what is wrong in words,
and the operator console's freelancer page shows them."""

from __future__ import annotations

import html
from typing import Any

from litestar.testing import AsyncTestClient
from sqlalchemy import select

from models import Account, FreelancerProfile
from models.enums import Role
from service.db import Database
from tests.console_client import page_text, sign_in_console
from tests.factories import Caller, register_freelancer
from tests.web_client import WebBrowser, create_web_account

Client = AsyncTestClient[Any]

FORM: dict[str, Any] = {
    "creating": "1",
    "full_name": "Amélie Durand",
    "headline": "CTO à temps partagé pour fintechs",
    "years_experience": "12",
    "tjm": "680",
    "available_from": "2027-01-04",
    "days_per_week": "4",
    "remote_preference": "hybrid",
    "location": "Paris",
    "orientation": "cto",
}


async def _browser(client: Client, database: Database, language: str | None = None) -> WebBrowser:
    await create_web_account(database, Role.FREELANCER, "amelie@example.fr", name="Amélie Durand")
    browser = WebBrowser(client, language=language)
    await browser.sign_in("amelie@example.fr")
    return browser


async def _stored(database: Database) -> FreelancerProfile:
    async with database.session() as session:
        account_id = await session.scalar(select(Account.id).where(Account.email == "amelie@example.fr"))
        profile = await session.scalar(
            select(FreelancerProfile).where(FreelancerProfile.account_id == account_id)
        )
    assert profile is not None
    return profile


async def test_the_editor_saves_and_shows_the_mobility(client: Client, database: Database) -> None:
    browser = await _browser(client, database)
    editor = await browser.get("/profile/edit")
    assert "Mobilité" in editor.text and "Partout en France" in editor.text
    assert "où vous pouvez venir sur site" in html.unescape(editor.text)  # the hint says what it is for
    typed = {**FORM, "mobility": "lyon, Bretagne\nNantes;  lyon ", "mobility_anywhere": "1"}
    created = await browser.submit("/profile/edit", "/profile/edit", typed)
    assert created.status_code == 303, created.text[:2000]
    profile = await _stored(database)
    assert (profile.mobility, profile.mobility_anywhere) == (["Lyon", "Bretagne", "Nantes"], True)
    shown = page_text((await browser.get("/profile")).text)
    assert "Mobilité Partout en France" in shown

    editor = await browser.get("/profile/edit")
    assert ">Lyon\nBretagne\nNantes</textarea>" in editor.text
    assert (
        'name="mobility_anywhere" value="1" aria-describedby="mobility_anywhere-hint" checked' in editor.text
    )
    edited = {**FORM, "creating": "", "revision": str(profile.revision), "mobility": "Grenoble"}
    saved = await browser.submit("/profile/edit", "/profile/edit", edited)  # the box left unticked
    assert saved.status_code == 303, saved.text[:2000]
    profile = await _stored(database)
    assert (profile.mobility, profile.mobility_anywhere) == (["Grenoble"], False)
    assert "Mobilité Grenoble" in page_text((await browser.get("/profile")).text)


async def test_too_many_or_too_long_places_are_refused_in_words(client: Client, database: Database) -> None:
    browser = await _browser(client, database)
    many = ", ".join(f"Ville {i}" for i in range(31))
    refused = await browser.submit("/profile/edit", "/profile/edit", {**FORM, "mobility": many})
    assert refused.status_code == 400
    text = html.unescape(refused.text)
    assert "30 lieux au plus (vous en avez saisi 31)" in text and 'id="mobility-error"' in text
    assert many in text  # kept as typed
    long = "Lyon, " + "Saint-" * 15 + "sur-Mer"
    refused = await browser.submit("/profile/edit", "/profile/edit", {**FORM, "mobility": long})
    assert "dépasse 80 caractères" in html.unescape(refused.text)

    english = await _browser_en(client, database)
    refused = await english.submit("/profile/edit", "/profile/edit", {**FORM, "mobility": many})
    assert "At most 30 places (you typed 31)" in html.unescape(refused.text)
    assert "Anywhere in France" in refused.text


async def _browser_en(client: Client, database: Database) -> WebBrowser:
    await create_web_account(database, Role.FREELANCER, "amelia@example.com", name="Amelia Durand")
    browser = WebBrowser(client, language="en")
    await browser.sign_in("amelia@example.com")
    return browser


async def test_the_console_shows_the_mobility(client: Client, operator: Caller) -> None:
    mobile = await register_freelancer(client, mobility=["Lyon", "Bretagne"], mobility_anywhere=True)
    still = await register_freelancer(client, email="still@example.test")
    client.follow_redirects = False
    await sign_in_console(client, operator.api_key)
    page = page_text((await client.get(f"/console/freelancers/{mobile.id}")).text)
    assert "Mobilité Partout en France Lyon Bretagne" in page
    page = page_text((await client.get(f"/console/freelancers/{still.id}")).text)
    assert "Mobilité Aucune" in page

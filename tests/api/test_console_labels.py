"""Labels an operator decides from (SQLite and PostgreSQL, HTTP client): the missions list places a
budget below, within or above its band's market range and shows nothing for a closed mission; an
unknown console address is the console's own error page; a mission page names its context once."""

from __future__ import annotations

import html
import re
from typing import Any

import httpx
import pytest
from litestar.testing import AsyncTestClient
from sqlalchemy import select

from models import RateBand
from service.db import Database
from tests.factories import Caller, post_mission, register_company

Client = AsyncTestClient[Any]
ENGLISH = {"Accept-Language": "en"}


@pytest.fixture
def web(client: Client) -> Client:
    client.follow_redirects = False
    return client


def _text(response: httpx.Response) -> str:
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", response.text)))


async def _sign_in(web: Client, key: str) -> None:
    form = await web.get("/console/sign-in")
    token = re.search(r'name="_csrf_token" value="([0-9a-f]+)"', form.text)
    assert token
    response = await web.post("/console/sign-in", data={"api_key": key, "_csrf_token": token.group(1)})
    assert response.status_code == 303, response.text


def _position_cell(page: str, title: str) -> str:
    """The 'budget vs market' cell of the row of the mission called `title`."""
    row = re.search(rf"<tr>\s*<th scope=\"row\"><a [^>]*>{re.escape(title)}</a>.*?</tr>", page, re.S)
    assert row, f"no row for {title}"
    cell = re.search(r'<td class="budget-position">(.*?)</td>', row.group(0), re.S)
    assert cell, f"no budget position in the row of {title}"
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html.unescape(cell.group(1)))).strip()


async def _band(database: Database, band_id: str) -> RateBand:
    async with database.session() as session:
        band = await session.scalar(select(RateBand).where(RateBand.id == band_id))
        assert band is not None
        return band


async def test_budget_vs_market_reads_below_within_above_and_nothing_when_closed(
    web: Client, operator: Caller, database: Database
) -> None:
    senior, band = await _band(database, "gt15"), await _band(database, "y11_15")
    company = await register_company(web)
    cases = {
        # The issue's own example: 900-1,075 € for more than 15 years is above the 400-775 € range.
        "Above": dict(seniority="gt15", tjm_min=senior.tjm_high + 125, tjm_max=senior.tjm_ceiling),
        "Below": dict(seniority="y11_15", tjm_min=band.tjm_low - 200, tjm_max=band.tjm_low - 50),
        "Within": dict(seniority="y11_15", tjm_min=band.tjm_low - 50, tjm_max=band.tjm_high),
        "Closed": dict(seniority="gt15", tjm_min=senior.tjm_high + 125, tjm_max=senior.tjm_ceiling),
    }
    ids = {}
    for title, overrides in cases.items():
        ids[title] = (await post_mission(web, company, title=f"Mission {title}", **overrides))["id"]
    closed = await web.post(f"/api/v1/missions/{ids['Closed']}/close", headers={**company.headers, **ENGLISH})
    assert closed.status_code in (200, 204), closed.text
    await _sign_in(web, operator.api_key)

    english = (await web.get("/console/missions?status=all", headers=ENGLISH)).text
    assert _position_cell(english, "Mission Above") == "Above market"
    assert _position_cell(english, "Mission Below").endswith("Below market")
    assert _position_cell(english, "Mission Within") == "Within market"
    assert _position_cell(english, "Mission Closed") == "—"
    french = (await web.get("/console/missions?status=all")).text
    assert _position_cell(french, "Mission Above") == "Au-dessus du marché"
    assert _position_cell(french, "Mission Within") == "Dans le marché"


async def test_an_unknown_console_address_is_the_consoles_error_page(web: Client, operator: Caller) -> None:
    await _sign_in(web, operator.api_key)
    for path in ("/console/no-such-page", "/console/missions/1/nothing"):
        page = await web.get(path, headers=ENGLISH)
        assert page.status_code == 404, path
        assert page.headers["content-type"].startswith("text/html"), path
        assert 'href="/console/static/console.css"' in page.text  # the console's layout
        assert "this mission, match or page does not exist" in _text(page)
    french = await web.get("/console/no-such-page")
    assert french.status_code == 404 and "n'existe pas" in _text(french)
    api = await web.get("/api/v1/no-such-thing")
    assert api.headers["content-type"] == "application/problem+json"


def _facts(page: str) -> dict[str, str]:
    """The mission page's facts, term → description, as read."""
    pairs = re.findall(r"<dt>(.*?)</dt><dd>(.*?)</dd>", page, re.S)
    clean = [
        re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", p))).strip() for pair in pairs for p in pair
    ]
    return dict(zip(clean[::2], clean[1::2], strict=True))


async def test_a_mission_page_names_its_context_once(web: Client, operator: Caller) -> None:
    company = await register_company(web)
    same = await post_mission(web, company, title="Payments", context="fintech", sector="fintech")
    other = await post_mission(web, company, title="Portal", context="startup", sector="agency")
    await _sign_in(web, operator.api_key)
    facts = _facts((await web.get(f"/console/missions/{same['id']}", headers=ENGLISH)).text)
    assert facts["Context"].lower().count("fintech") == 1, facts["Context"]
    assert "Sector" not in facts
    facts = _facts((await web.get(f"/console/missions/{other['id']}", headers=ENGLISH)).text)
    assert facts["Context"].startswith("start-up")
    assert facts["Sector"] == "Communication / digital agency"

"""The console's rate grid with care, through the HTTP client (SQLite and PostgreSQL), in French as an
operator's browser asks by default: a refused form comes back with what was typed and the problem in
words beside its field, "Prévisualiser" shows the effect without saving, the history lists every
revision, and a match's page names the grid revision it was scored with."""

from __future__ import annotations

import html
import re
from typing import Any

import pytest
from litestar.testing import AsyncTestClient
from sqlalchemy import func, select

from models import GridRevision, RateBand
from service.db import Database
from tests.console_client import csrf_token, page_text, sign_in_console
from tests.factories import Caller, post_mission, register_freelancer
from tests.work_queue import RecordingWorkQueue

Client = AsyncTestClient[Any]
BAND = "y11_15"


@pytest.fixture
async def web(client: Client, operator: Caller) -> Client:
    client.follow_redirects = False
    await sign_in_console(client, operator.api_key)
    return client


async def _form(web: Client, **values: str) -> dict[str, str]:
    page = await web.get("/console/rate-grid")
    assert page.status_code == 200
    fields = {"tjm_low": "650", "tjm_high": "685", "tjm_ceiling": "", "note": "", "reason": ""}
    return {**fields, **values, "_csrf_token": csrf_token(page.text)}


def _value(page: str, field: str) -> str:
    found = re.search(rf'id="edit-{field}" name="{field}" type="text"[^>]*value="([^"]*)"', page)
    assert found, f"no kept field {field} in the page"
    return html.unescape(found.group(1))


def _field_error(page: str, field: str) -> str:
    found = re.search(rf'<p class="field-error" id="edit-{field}-error">(.*?)</p>', page, re.S)
    assert found, f"no error beside {field}"
    return page_text(found.group(1)).strip().replace("\u202f", " ").replace("\xa0", " ")


async def _revision_count(database: Database) -> int:
    async with database.session() as session:
        return int(await session.scalar(select(func.count()).select_from(GridRevision)) or 0)


async def test_a_refused_form_keeps_what_was_typed_and_says_why_in_words(
    web: Client, database: Database
) -> None:
    before = await _revision_count(database)
    data = await _form(web, tjm_low="700", tjm_high="690", note="Relevé de décembre")
    response = await web.post(f"/console/rate-grid/{BAND}", data=data)
    assert response.status_code == 422
    page = response.text
    assert (_value(page, "tjm_low"), _value(page, "tjm_high"), _value(page, "note")) == (
        "700",
        "690",
        "Relevé de décembre",
    )
    assert _field_error(page, "tjm_low") == "Le bas de la fourchette (700 €) est supérieur au haut (690 €)"
    shown = page_text(page)
    assert "body.tjm_low" not in shown and "tjm_low" not in shown and "Rien n'a été enregistré" in shown
    assert await _revision_count(database) == before, "nothing was saved"

    typo = await web.post(f"/console/rate-grid/{BAND}", data={**data, "tjm_low": "6S0", "tjm_high": "50"})
    assert typo.status_code == 422
    assert _value(typo.text, "tjm_low") == "6S0"
    assert _field_error(typo.text, "tjm_low") == (
        "Le bas de la fourchette doit être un nombre entier d'euros (saisi : « 6S0 »)."
    )
    assert _field_error(typo.text, "tjm_high") == (
        "Le haut de la fourchette (50 €) doit être compris entre 100 € et 5 000 €."
    )


async def test_preview_shows_the_effect_and_saves_nothing(
    web: Client, database: Database, company: Caller, work_queue: RecordingWorkQueue
) -> None:
    work_queue.inline = True
    await register_freelancer(web, tjm=680)
    mission = await post_mission(web, company, title="CTO fintech lyonnaise", tjm_min=600, tjm_max=700)
    work_queue.inline = False
    calls = list(work_queue.calls)
    async with database.session() as session:
        updated = await session.scalar(select(func.max(RateBand.updated_at)))
    before = await _revision_count(database)

    data = await _form(web, tjm_low="720", tjm_high="760")
    response = await web.post(f"/console/rate-grid/{BAND}/preview", data=data)
    assert response.status_code == 200, response.text
    page = response.text
    assert (_value(page, "tjm_low"), _value(page, "tjm_high")) == ("720", "760")
    appearing = page_text(
        re.search(r'<ul class="preview-missions" id="warnings-appearing">(.*?)</ul>', page, re.S)[1]
    )
    assert "CTO fintech lyonnaise" in appearing and f"/console/missions/{mission['id']}" in page
    assert "dans le marché → sous le marché" in appearing
    moves = page_text(re.search(r'id="preview-moves">(.*?)</p>', page, re.S)[1])
    # With the default weights a grid change moves a score by at most 4.2 points (the market share of the
    # TJM fit); French puts 0 in the singular.
    assert moves.strip() == (
        "0 match enregistré bougerait de plus de 5 points "
        "(1 match enregistré recalculé ; plus grand écart : 0 points)"
    ), moves
    assert f'formaction="/console/rate-grid/{BAND}/preview"' in page and "Enregistrer" in page

    assert await _revision_count(database) == before and work_queue.calls == calls
    async with database.session() as session:
        assert await session.scalar(select(func.max(RateBand.updated_at))) == updated


async def test_a_save_shows_in_the_history_with_who_and_before_after(
    web: Client, database: Database, operator: Caller
) -> None:
    history = await web.get("/console/rate-grid/history")
    assert history.status_code == 200
    assert page_text(history.text).count("chargement initial") == 6
    data = await _form(web, tjm_low="640", reason="Relevé du trimestre")
    saved = await web.post(f"/console/rate-grid/{BAND}", data=data)
    assert saved.status_code == 303
    history = await web.get("/console/rate-grid/history")
    newest = re.search(r'<tr id="revision-(\d+)">(.*?)</tr>', history.text, re.S)
    assert newest, "the history lists revisions"
    row = page_text(newest[2]).replace("\u202f", " ").replace("\xa0", " ")
    email = (await web.get("/api/v1/me", headers=operator.headers)).json()["email"]
    assert email in row and "11-15 ans" in row
    assert "650 €–685 € → 640 €–685 €" in row and "Motif : Relevé du trimestre" in row
    assert re.search(r"\d{2}/\d{2}/\d{4}", row), "when, as a date a reader in France reads"


async def test_the_match_page_names_the_grid_revision(
    web: Client, operator: Caller, company: Caller, work_queue: RecordingWorkQueue
) -> None:
    work_queue.inline = True
    await register_freelancer(web)
    mission = await post_mission(web, company)
    work_queue.inline = False
    matches = await web.get(f"/api/v1/missions/{mission['id']}/matches", headers=operator.headers)
    match = matches.json()["items"][0]
    revision = match["grid_revision_id"]
    assert revision is not None
    page = await web.get(f"/console/matches/{match['id']}")
    line = page_text(re.search(r'<p class="muted small" id="grid-revision">(.*?)</p>', page.text, re.S)[1])
    assert re.fullmatch(
        rf"Grille : révision n° {revision} du \d{{2}}/\d{{2}}/\d{{4}} · historique de la grille", line.strip()
    )


async def test_the_grid_pages_need_a_console_session(client: Client) -> None:
    client.follow_redirects = False
    assert (await client.get("/console/rate-grid/history")).status_code in (302, 303)
    page = await client.get("/console/sign-in")
    data = {"tjm_low": "640", "tjm_high": "685", "_csrf_token": csrf_token(page.text)}
    refused = await client.post(f"/console/rate-grid/{BAND}/preview", data=data)
    assert refused.status_code in (302, 303, 403)


async def test_an_unknown_band_is_a_404(web: Client) -> None:
    data = await _form(web)
    assert (await web.post("/console/rate-grid/y99/preview", data=data)).status_code == 404
    assert (await web.post("/console/rate-grid/y99", data=data)).status_code == 404

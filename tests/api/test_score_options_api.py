"""What would raise my score, over HTTP: the freelancer's options on a mission proposed to them or open,
404 for any other mission, 403 for other roles; and the block of the proposals inbox, in French and
English."""

from __future__ import annotations

import html
import re
from typing import Any

from litestar.testing import AsyncTestClient

from service.db import Database
from tests.factories import Caller, post_mission, register_company, register_freelancer
from tests.web_client import WebBrowser, give_web_password
from tests.work_queue import RecordingWorkQueue

Client = AsyncTestClient[Any]
NBSP = ("\u00a0", "\u202f")


def _plain(text: str) -> str:
    for space in NBSP:
        text = text.replace(space, " ")
    return html.unescape(text)


async def _decide(client: Client, caller: Caller, match_id: int, action: str) -> None:
    current = (await client.get(f"/api/v1/matches/{match_id}", headers=caller.headers)).json()
    response = await client.post(
        f"/api/v1/matches/{match_id}/decisions",
        json={"action": action},
        headers={**caller.headers, "If-Match": f'"{current["version"]}"'},
    )
    assert response.status_code == 200, response.text


async def _propose(client: Client, operator: Caller, mission_id: int, freelancer_id: int) -> int:
    matches = await client.get(
        f"/api/v1/missions/{mission_id}/matches?limit=50&include_excluded=true", headers=operator.headers
    )
    (match_id,) = [m["id"] for m in matches.json()["items"] if m["freelancer_id"] == freelancer_id]
    await _decide(client, operator, match_id, "approve")
    await _decide(client, operator, match_id, "propose")
    return int(match_id)


def _url(mission_id: int) -> str:
    return f"/api/v1/me/missions/{mission_id}/score-options"


async def _late_freelancer(client: Client) -> Caller:
    """Free eleven weeks after the mission's start (2027-01-15, six months), 10 € over its budget."""
    return await register_freelancer(client, full_name="Claire Martin", available_from="2027-04-05", tjm=710)


async def test_a_freelancer_reads_the_options_of_a_mission_proposed_to_them(
    client: Client, work_queue: RecordingWorkQueue, operator: Caller
) -> None:
    work_queue.inline = True
    me = await _late_freelancer(client)
    other = await register_freelancer(client)
    company = await register_company(client)
    mission = await post_mission(client, company)
    await _propose(client, operator, mission["id"], me.id)

    response = await client.get(_url(mission["id"]), headers=me.headers)
    assert response.status_code == 200, response.text
    assert response.headers["cache-control"] == "no-store"
    body = response.json()
    assert body["mission_id"] == mission["id"] and 0 < body["score"] < 100
    options = body["options"]
    assert [o["kind"] for o in options] == ["availability", "tjm"]
    first, second = options
    assert first["value"] == "2027-01-15" and first["gain"] > second["gain"] > 0.05
    assert first["new_score"] == round(body["score"] + first["gain"], 2)
    assert _plain(first["text"]).startswith("Si vous pouviez commencer le 15/01/2027 : +")
    assert second["value"] == 700
    assert _plain(second["text"]).startswith("Avec un TJM de 700 € (le maximum du budget) : +")
    # No internal figures of the engine: no factor, no text similarity.
    assert "factors" not in body and "similarit" not in response.text.lower()

    english = await client.get(_url(mission["id"]), headers={**me.headers, "Accept-Language": "en"})
    assert [o["text"].split(":")[0] for o in english.json()["options"]] == [
        "If you could start on 15 Jan 2027",
        "With a TJM of €700 (the budget's maximum)",
    ]

    # Still readable once the mission is closed, because it was proposed to me; not by another freelancer.
    closed = await client.post(f"/api/v1/missions/{mission['id']}/close", headers=company.headers)
    assert closed.status_code == 200, closed.text
    assert (await client.get(_url(mission["id"]), headers=me.headers)).status_code == 200
    hidden = await client.get(_url(mission["id"]), headers=other.headers)
    assert hidden.status_code == 404 and hidden.json()["status"] == 404
    assert (await client.get(_url(999_999), headers=me.headers)).status_code == 404


async def test_an_open_mission_is_readable_and_other_roles_are_refused(
    client: Client, work_queue: RecordingWorkQueue, operator: Caller
) -> None:
    me = await _late_freelancer(client)
    company = await register_company(client)
    mission = await post_mission(client, company)
    opened = await client.get(_url(mission["id"]), headers=me.headers)
    assert opened.status_code == 200 and opened.json()["options"][0]["kind"] == "availability"
    fitting = await register_freelancer(client, available_from="2027-01-04", tjm=650)
    assert (await client.get(_url(mission["id"]), headers=fitting.headers)).json()["options"] == []
    for caller in (company, operator):
        assert (await client.get(_url(mission["id"]), headers=caller.headers)).status_code == 403
    assert (await client.get(_url(mission["id"]))).status_code == 401
    # A closed mission that was never proposed to me: the answer of a missing one.
    other_mission = await post_mission(client, company, title="Another mission")
    await client.post(f"/api/v1/missions/{other_mission['id']}/close", headers=company.headers)
    assert (await client.get(_url(other_mission["id"]), headers=me.headers)).status_code == 404


def _block(page: str) -> list[str]:
    """The options listed in the inbox's "what would raise your score" blocks."""
    sections = re.findall(r'<section class="score-options".*?</section>', page, flags=re.S)
    return [_plain(item) for section in sections for item in re.findall(r"<li>(.*?)</li>", section)]


async def test_the_inbox_shows_what_would_raise_my_score_in_french_and_english(
    client: Client, database: Database, work_queue: RecordingWorkQueue, operator: Caller
) -> None:
    work_queue.inline = True
    me = await _late_freelancer(client)
    company = await register_company(client, name="Néobanque SA")
    late_mission = await post_mission(client, company, title="CTO de transition paiements")
    fitting_mission = await post_mission(
        client, company, title="CTO plateforme", start_date="2027-04-12", tjm_max=750
    )
    for mission in (late_mission, fitting_mission):
        await _propose(client, operator, mission["id"], me.id)
    email = await give_web_password(database, me.id)

    french = WebBrowser(client)
    await french.sign_in(email)
    inbox = await french.get("/proposals")
    assert inbox.status_code == 200
    assert inbox.text.count("Ce qui ferait monter votre score") == 1  # the fitting mission has no block
    options = _block(inbox.text)
    assert len(options) == 2 and options[0].startswith("Si vous pouviez commencer le 15/01/2027 : +")
    assert options[1].startswith("Avec un TJM de 700 € (le maximum du budget) : +")
    assert "similarit" not in inbox.text.lower()

    english = WebBrowser(client, language="en")
    await english.sign_in(email)
    page = await english.get("/proposals")
    assert page.text.count("What would raise your score") == 1
    assert _block(page.text)[0].startswith("If you could start on 15 Jan 2027: +")

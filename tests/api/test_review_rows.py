"""A review row carries what an operator decides from (SQLite and PostgreSQL, HTTP client): the TJM
against the budget and how far over, the band against the band asked, the availability against the
start, the days offered against the days asked, the place against the policy, the two strongest
reasons; the console orders rows by score, date or mission and can group them by mission."""

from __future__ import annotations

import html
import re
from typing import Any

import pytest
from litestar.testing import AsyncTestClient

from service.explanations import strongest_reasons
from tests.factories import Caller, post_mission, register_company, register_freelancer
from tests.work_queue import RecordingWorkQueue

Client = AsyncTestClient[Any]
ENGLISH = {"Accept-Language": "en"}


@pytest.fixture
def web(client: Client) -> Client:
    client.follow_redirects = False
    return client


async def _sign_in(web: Client, key: str) -> None:
    form = await web.get("/console/sign-in")
    token = re.search(r'name="_csrf_token" value="([0-9a-f]+)"', form.text)
    assert token
    response = await web.post("/console/sign-in", data={"api_key": key, "_csrf_token": token.group(1)})
    assert response.status_code == 303, response.text


def _text(fragment: str) -> str:
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", fragment))).strip()


def _row(page: str, match_id: int) -> str:
    found = re.search(rf'<tr id="match-{match_id}".*?</tr>', page, re.S)
    assert found, f"no row for match {match_id}"
    return _text(found.group(0))


@pytest.fixture
async def pairs(web: Client, work_queue: RecordingWorkQueue) -> dict[str, Any]:
    """Two missions and two freelancers, scored inline: one within budget, one 26 % over and late."""
    within = await register_freelancer(web, full_name="Alice Within", tjm=650, available_from="2027-01-04")
    over = await register_freelancer(
        web,
        full_name="Bruno Over",
        tjm=882,
        years_experience=7,
        available_from="2027-03-01",
        days_per_week=2,
        remote_preference="remote",
        location="Lyon",
    )
    company = await register_company(web)
    work_queue.inline = True
    first = await post_mission(web, company, title="First mission", tjm_max=700)
    second = await post_mission(web, company, title="Second mission", tjm_max=700)
    return {"within": within, "over": over, "missions": [first["id"], second["id"]]}


async def test_each_item_has_the_facts_side_by_side_and_its_two_strongest_reasons(
    web: Client, operator: Caller, pairs: dict[str, Any]
) -> None:
    response = await web.get(
        f"/api/v1/review-queue?mission_id={pairs['missions'][0]}", headers={**operator.headers, **ENGLISH}
    )
    assert response.status_code == 200, response.text
    items = {item["match"]["freelancer_id"]: item for item in response.json()["items"]}
    over = items[pairs["over"].id]
    assert over["facts"] == {
        "tjm": 882,
        "tjm_min": 600,
        "tjm_max": 700,
        "tjm_over_percent": 26,  # (882 - 700) / 700, rounded up
        "band_asked": "y11_15",
        "available_from": "2027-03-01",
        "start_date": "2027-01-15",
        "days_offered": 2,
        "days_asked": 3,
        "location": "Lyon",
        "remote_preference": "remote",
        "mission_location": "Paris",
        "remote_policy": "hybrid",
        "mobility": [],
        "mobility_anywhere": False,
        "on_site": None,
        "presence_gated": True,  # remote-only on a hybrid mission
    }
    assert over["experience_band"] == "y5_10"
    within = items[pairs["within"].id]
    assert within["facts"]["tjm_over_percent"] == 0
    for item in (over, within):
        strongest = item["strongest_reasons"]
        assert len(strongest) == 2 and set(strongest) <= set(item["match"]["reasons"]), strongest


def test_the_strongest_reasons_are_those_of_the_factors_that_add_most() -> None:
    stored = [
        {"code": "a", "factor": "orientation", "tone": "positive", "params": {}},
        {"code": "b", "factor": "competences", "tone": "positive", "params": {}},
        {"code": "c", "factor": "tjm", "tone": "negative", "params": {}},
        {"code": "d", "factor": "availability", "tone": "positive", "params": {}},
        {"code": "e", "factor": "competences", "tone": "positive", "params": {}},
    ]
    factors = {"orientation": 1.0, "competences": 0.5, "tjm": 1.0, "availability": 0.9}
    weights = {"orientation": 0.04, "competences": 0.28, "tjm": 0.14, "availability": 0.10}
    picked = strongest_reasons(stored, factors, weights)
    # competences 0.14 then availability 0.09; the negative TJM reason and the second competence one never
    assert [r["code"] for r in picked] == ["b", "d"]  # type: ignore[index]


async def test_a_console_row_reads_the_facts_in_words(
    web: Client, operator: Caller, pairs: dict[str, Any]
) -> None:
    await _sign_in(web, operator.api_key)
    queue = await web.get(f"/api/v1/review-queue?mission_id={pairs['missions'][0]}", headers=operator.headers)
    match_of = {item["match"]["freelancer_id"]: item["match"]["id"] for item in queue.json()["items"]}
    page = (await web.get(f"/console/queue?mission_id={pairs['missions'][0]}", headers=ENGLISH)).text
    row = _row(page, match_of[pairs["over"].id])
    assert "TJM €882 for €600–€700 +26 % over" in row
    assert "Band 5 to 10 years for 11 to 15 years" in row
    assert "Available 1 Mar 2027 for 15 Jan 2027" in row
    assert "Days 2 a week for 3" in row
    assert "Place Lyon, remote · mission hybrid, Paris" in row
    french = _row(
        (await web.get(f"/console/queue?mission_id={pairs['missions'][0]}")).text, match_of[pairs["over"].id]
    )
    assert "882 € pour 600 €–700 € +26 % au-dessus" in french.replace("\u202f", " ").replace("\xa0", " ")
    assert "Jours 2 j/sem. pour 3" in french and "Dispo. 01/03/2027, début 15/01/2027" in french


async def test_rows_are_ordered_by_score_date_or_mission_and_grouped_by_mission(
    web: Client, operator: Caller, pairs: dict[str, Any]
) -> None:
    await _sign_in(web, operator.api_key)

    def order(page: str) -> list[int]:
        return [int(i) for i in re.findall(r'<tr id="match-(\d+)"', page)]

    api = (await web.get("/api/v1/review-queue?limit=50", headers=operator.headers)).json()["items"]
    by_score = order((await web.get("/console/queue")).text)
    assert by_score == [item["match"]["id"] for item in api]  # the default: by score, as the API
    scores = {item["match"]["id"]: item["match"]["score"] for item in api}
    assert [scores[i] for i in by_score] == sorted(scores.values(), reverse=True)
    created = {item["match"]["id"]: (item["created_at"], item["match"]["id"]) for item in api}
    newest = order((await web.get("/console/queue?sort=date")).text)
    assert newest == sorted(created, key=lambda i: created[i], reverse=True)
    mission_of = {item["match"]["id"]: item["match"]["mission_id"] for item in api}
    by_mission = order((await web.get("/console/queue?sort=mission")).text)
    assert [mission_of[i] for i in by_mission] == sorted(mission_of[i] for i in by_mission)

    grouped = (await web.get("/console/queue?group=1", headers=ENGLISH)).text
    headings = re.findall(
        r'<tr class="group-row"><th scope="rowgroup" colspan="5"><a [^>]*>([^<]+)</a>', grouped
    )
    assert headings == ["First mission", "Second mission"]
    assert order(grouped) == by_mission
    bad = await web.get("/console/queue?sort=salary", headers=ENGLISH)
    assert bad.status_code == 422 and "must be score, date or mission" in _text(bad.text)


def _form_fields(page: str, match_id: int, action: str) -> dict[str, str]:
    """The hidden fields of the row's form for `action`, as the browser would send them."""
    row = re.search(rf'<tr id="match-{match_id}".*?</tr>', page, re.S)
    assert row
    for form in re.findall(r"<form .*?</form>", row.group(0), re.S):
        fields = dict(re.findall(r'name="([a-z_]+)" value="([^"]*)"', form))
        if fields.get("action") == action:
            return {k: html.unescape(v) for k, v in fields.items()}
    raise AssertionError(f"no {action} form in the row of match {match_id}")


async def test_a_decided_row_stays_in_view_and_approve_and_propose_is_one_step(
    web: Client, operator: Caller, pairs: dict[str, Any]
) -> None:
    await _sign_in(web, operator.api_key)
    mission = pairs["missions"][0]
    queue = await web.get(f"/api/v1/review-queue?mission_id={mission}", headers=operator.headers)
    first, second = (item["match"]["id"] for item in queue.json()["items"][:2])
    page = (await web.get(f"/console/queue?mission_id={mission}", headers=ENGLISH)).text

    approved = await web.post(
        f"/console/matches/{first}/decisions", data=_form_fields(page, first, "approve")
    )
    assert approved.status_code == 303
    back = approved.headers["location"]
    assert back == f"/console/queue?mission_id={mission}&kept={first}"
    page = (await web.get(back, headers=ENGLISH)).text
    assert f'id="match-{first}"' in page, "the approved row is still listed on the pending queue"
    assert "Approved" in _row(page, first)

    both = await web.post(
        f"/console/matches/{second}/decisions", data=_form_fields(page, second, "approve_propose")
    )
    assert both.headers["location"] == f"/console/queue?mission_id={mission}&kept={first}%2C{second}"
    history = (await web.get(f"/api/v1/matches/{second}/history", headers=operator.headers)).json()
    assert [(h["from_status"], h["to_status"]) for h in history] == [
        ("pending", "approved"),
        ("approved", "proposed"),
    ]
    page = (await web.get(both.headers["location"], headers=ENGLISH)).text
    assert "Proposed" in _row(page, second) and "Approved" in _row(page, first)
    flash = await web.get(both.headers["location"], headers=ENGLISH)
    assert flash.status_code == 200
    moved_on = (await web.get(f"/console/queue?mission_id={mission}", headers=ENGLISH)).text
    assert f'id="match-{first}"' not in moved_on and f'id="match-{second}"' not in moved_on


async def test_the_place_fact_says_how_the_freelancer_can_be_on_site_and_flags_a_presence_gate(
    web: Client, operator: Caller, work_queue: RecordingWorkQueue
) -> None:
    """A Lyon freelancer whose mobility covers Paris (its region) is present at a Paris hybrid mission;
    one without mobility is not, and the console flags that place like a rate over the budget."""
    mobile = await register_freelancer(
        web, full_name="Chloé Mobile", location="Lyon", mobility=["Île-de-France"]
    )
    still = await register_freelancer(web, full_name="Denis Stays", location="Lyon")
    company = await register_company(web)
    work_queue.inline = True
    mission = await post_mission(web, company, title="Paris mission", tjm_max=700)
    queue = await web.get(f"/api/v1/review-queue?mission_id={mission['id']}", headers=operator.headers)
    items = {item["match"]["freelancer_id"]: item for item in queue.json()["items"]}
    assert items[mobile.id]["facts"]["on_site"] == "mobility"
    assert items[mobile.id]["facts"]["presence_gated"] is False
    assert items[still.id]["facts"]["on_site"] is None
    assert items[still.id]["facts"]["presence_gated"] is True
    assert items[mobile.id]["match"]["score"] > items[still.id]["match"]["score"]
    await _sign_in(web, operator.api_key)
    page = (await web.get(f"/console/queue?mission_id={mission['id']}", headers=ENGLISH)).text
    mobile_row = _row(page, items[mobile.id]["match"]["id"])
    assert "Place Lyon (mobility: Île-de-France), hybrid · mission hybrid, Paris" in mobile_row
    raw = re.search(rf'<tr id="match-{items[still.id]["match"]["id"]}".*?</tr>', page, re.S)
    assert raw and re.search(r'<li class="fact-wide fact-bad">\s*<span class="fact-name">Place', raw.group(0))
    french = (await web.get(f"/console/queue?mission_id={mission['id']}")).text
    assert "Lyon (mobilité\u00a0: Île-de-France)" in html.unescape(french)

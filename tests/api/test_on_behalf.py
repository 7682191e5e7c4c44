"""An operator answering for a side (SQLite and PostgreSQL, HTTP client): the action needs a reason,
in the console a ticked confirmation too, its button names the side ("Accept on behalf of …"), and the
history records it as made on behalf of that side."""

from __future__ import annotations

import html
import re
from typing import Any

import pytest
from litestar.testing import AsyncTestClient

from tests.factories import Caller, post_mission, register_company, register_freelancer
from tests.work_queue import RecordingWorkQueue

Client = AsyncTestClient[Any]
ENGLISH = {"Accept-Language": "en"}


@pytest.fixture
def web(client: Client) -> Client:
    client.follow_redirects = False
    return client


@pytest.fixture
async def proposed(web: Client, operator: Caller, work_queue: RecordingWorkQueue) -> dict[str, Any]:
    """One match, proposed to the company "Néobanque Azur" and the freelancer "Claire Martin"."""
    freelancer = await register_freelancer(web, full_name="Claire Martin")
    company = await register_company(web, name="Néobanque Azur")
    work_queue.inline = True
    mission = await post_mission(web, company)
    queue = await web.get(f"/api/v1/review-queue?mission_id={mission['id']}", headers=operator.headers)
    match_id = queue.json()["items"][0]["match"]["id"]
    for action, version in (("approve", 1), ("propose", 2)):
        done = await web.post(
            f"/api/v1/matches/{match_id}/decisions",
            json={"action": action, "version": version},
            headers=operator.headers,
        )
        assert done.status_code == 200, done.text
    return {"match_id": match_id, "company": company, "freelancer": freelancer}


async def _sign_in(web: Client, key: str) -> None:
    form = await web.get("/console/sign-in")
    token = re.search(r'name="_csrf_token" value="([0-9a-f]+)"', form.text)
    assert token
    response = await web.post("/console/sign-in", data={"api_key": key, "_csrf_token": token.group(1)})
    assert response.status_code == 303, response.text


def _text(page: str) -> str:
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", page)))


async def test_the_api_needs_a_reason_and_records_the_side(
    web: Client, operator: Caller, proposed: dict[str, Any]
) -> None:
    match_id = proposed["match_id"]
    url = f"/api/v1/matches/{match_id}/decisions"
    bare = await web.post(
        url, json={"action": "accept", "version": 3}, headers={**operator.headers, **ENGLISH}
    )
    assert bare.status_code == 422
    assert [e["field"] for e in bare.json()["errors"]] == ["body.reason"]
    assert "on behalf of a side" in bare.json()["errors"][0]["reason"]
    done = await web.post(
        url,
        json={"action": "express_interest", "version": 3, "reason": "Claire called: she is interested"},
        headers=operator.headers,
    )
    assert done.status_code == 200, done.text
    company_own = await web.post(
        url, json={"action": "accept", "version": 4}, headers=proposed["company"].headers
    )
    assert company_own.status_code == 200, company_own.text
    history = (await web.get(f"/api/v1/matches/{match_id}/history", headers=operator.headers)).json()
    assert [(h["to_status"], h["on_behalf_of"]) for h in history] == [
        ("approved", None),
        ("proposed", None),
        ("freelancer_interested", "freelancer"),
        ("accepted", None),  # the company's own decision
    ]


async def test_the_console_labels_confirms_and_records_a_decision_on_behalf(
    web: Client, operator: Caller, proposed: dict[str, Any]
) -> None:
    match_id = proposed["match_id"]
    await _sign_in(web, operator.api_key)
    page = (await web.get(f"/console/matches/{match_id}", headers=ENGLISH)).text
    assert "Accept on behalf of Néobanque Azur" in html.unescape(page)
    assert "Interested, on behalf of Claire Martin" in html.unescape(page)
    assert "Accepting hands the freelancer's contact details to the company." in html.unescape(page)
    token = re.search(r'name="_csrf_token" value="([0-9a-f]+)"', page)
    assert token
    form = {
        "action": "accept",
        "version": "3",
        "reason": "Phoned by their CTO",
        "_csrf_token": token.group(1),
    }

    unconfirmed = await web.post(f"/console/matches/{match_id}/decisions", data=form, headers=ENGLISH)
    assert unconfirmed.status_code == 303
    status = (await web.get(f"/api/v1/matches/{match_id}", headers=operator.headers)).json()["match"][
        "status"
    ]
    assert status == "proposed", "nothing is decided for a side without the confirmation"
    refused = _text((await web.get(unconfirmed.headers["location"], headers=ENGLISH)).text)
    assert "confirm that the side asked you to act on its behalf" in refused

    confirmed = await web.post(
        f"/console/matches/{match_id}/decisions", data={**form, "confirm": "yes"}, headers=ENGLISH
    )
    assert confirmed.status_code == 303
    status = (await web.get(f"/api/v1/matches/{match_id}", headers=operator.headers)).json()["match"][
        "status"
    ]
    assert status == "accepted"
    detail = _text((await web.get(f"/console/matches/{match_id}", headers=ENGLISH)).text)
    assert "Accepted on behalf of the company" in detail  # the flash
    assert "on behalf of Néobanque Azur" in detail and "Phoned by their CTO" in detail
    french = _text((await web.get(f"/console/matches/{match_id}")).text)
    assert "au nom de Néobanque Azur" in french


async def test_nobody_is_acted_for_once_their_account_is_erased(
    web: Client, operator: Caller, proposed: dict[str, Any]
) -> None:
    match_id, freelancer = proposed["match_id"], proposed["freelancer"]
    before = (await web.get(f"/api/v1/matches/{match_id}", headers=operator.headers)).json()
    assert {"express_interest", "decline_interest"} <= set(before["allowed_actions"])
    me = (await web.get("/api/v1/me", headers=freelancer.headers)).json()
    erased = await web.post(
        "/api/v1/me/erase", json={"confirm_email": me["email"]}, headers=freelancer.headers
    )
    assert erased.status_code == 200, erased.text
    after = (await web.get(f"/api/v1/matches/{match_id}", headers=operator.headers)).json()
    assert not {"express_interest", "decline_interest"} & set(after["allowed_actions"])
    assert "accept" in after["allowed_actions"] or "decline" in after["allowed_actions"]  # the company's
    refused = await web.post(
        f"/api/v1/matches/{match_id}/decisions",
        json={"action": "decline_interest", "version": after["version"], "reason": "called"},
        headers={**operator.headers, **ENGLISH},
    )
    assert refused.status_code == 409, refused.text
    assert "freelancer's account was erased" in refused.json()["detail"]

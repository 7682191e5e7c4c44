"""Deciding on several queue rows at once (SQLite and PostgreSQL, HTTP client): one reason for all,
each match decided as itself with its own history row, a row that changed meanwhile left alone and
named, every bad field named before anything changes, and the decided rows kept in view."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from litestar.testing import AsyncTestClient

from tests.console_client import csrf_token, page_text, sign_in_console
from tests.factories import Caller, post_mission, register_company, register_freelancer
from tests.work_queue import RecordingWorkQueue

Client = AsyncTestClient[Any]
ENGLISH = {"Accept-Language": "en"}
NAMES = ("Claire Martin", "Julien Roux", "Sophie Bernard", "Karim Haddad")


@pytest.fixture
def web(client: Client) -> Client:
    client.follow_redirects = False
    return client


@pytest.fixture
async def pending(web: Client, operator: Caller, work_queue: RecordingWorkQueue) -> list[dict[str, Any]]:
    """Four pending matches of one mission, one per freelancer, as the queue lists them."""
    for name in NAMES:
        await register_freelancer(web, full_name=name)
    company = await register_company(web, name="Néobanque Azur")
    work_queue.inline = True
    mission = await post_mission(web, company)
    queue = await web.get(f"/api/v1/review-queue?mission_id={mission['id']}", headers=operator.headers)
    items: list[dict[str, Any]] = queue.json()["items"]
    assert sorted(i["match"]["freelancer_name"] for i in items) == sorted(NAMES)
    return items


def _selection(items: list[dict[str, Any]]) -> list[dict[str, int]]:
    return [{"id": i["match"]["id"], "version": i["version"]} for i in items]


async def test_one_reason_decides_each_match_as_itself(
    web: Client, operator: Caller, pending: list[dict[str, Any]]
) -> None:
    chosen = pending[:3]
    reason = "Budget trop bas pour ce niveau"
    done = await web.post(
        "/api/v1/review-queue/decisions",
        json={"action": "reject", "reason": reason, "matches": _selection(chosen)},
        headers=operator.headers,
    )
    assert done.status_code == 200, done.text
    assert done.json() == {"decided": [i["match"]["id"] for i in chosen], "refused": []}
    for item in chosen:
        match_id = item["match"]["id"]
        detail = (await web.get(f"/api/v1/matches/{match_id}", headers=operator.headers)).json()
        assert (detail["match"]["status"], detail["version"]) == ("rejected", item["version"] + 1)
        history = (await web.get(f"/api/v1/matches/{match_id}/history", headers=operator.headers)).json()
        assert [(h["from_status"], h["to_status"], h["reason"]) for h in history] == [
            ("pending", "rejected", reason)
        ]
    untouched = pending[3]["match"]["id"]
    detail = (await web.get(f"/api/v1/matches/{untouched}", headers=operator.headers)).json()
    assert detail["match"]["status"] == "pending"


async def test_a_row_that_changed_meanwhile_is_left_alone_and_named(
    web: Client, operator: Caller, pending: list[dict[str, Any]]
) -> None:
    first, second, third = pending[:3]
    # Someone else approves the first match after the page was drawn.
    other = await web.post(
        f"/api/v1/matches/{first['match']['id']}/decisions",
        json={"action": "approve", "version": first["version"]},
        headers=operator.headers,
    )
    assert other.status_code == 200
    # The second is shortlisted: shortlisting it again is not a move it can make.
    shortlisted = await web.post(
        f"/api/v1/matches/{second['match']['id']}/decisions",
        json={"action": "shortlist", "version": second["version"]},
        headers=operator.headers,
    )
    second_version = shortlisted.json()["version"]
    selection = [
        {"id": first["match"]["id"], "version": first["version"]},
        {"id": second["match"]["id"], "version": second_version},
        {"id": third["match"]["id"], "version": third["version"]},
    ]
    done = await web.post(
        "/api/v1/review-queue/decisions",
        json={"action": "shortlist", "matches": selection},
        headers={**operator.headers, **ENGLISH},
    )
    assert done.status_code == 200, done.text
    body = done.json()
    assert body["decided"] == [third["match"]["id"]]
    refused = {r["match_id"]: r for r in body["refused"]}
    assert refused[first["match"]["id"]]["status"] == "approved"
    assert refused[first["match"]["id"]]["version"] == first["version"] + 1
    assert "changed since version" in refused[first["match"]["id"]]["detail"]
    assert refused[second["match"]["id"]]["status"] == "shortlisted"
    assert "cannot shortlist" in refused[second["match"]["id"]]["detail"]
    history = (
        await web.get(f"/api/v1/matches/{first['match']['id']}/history", headers=operator.headers)
    ).json()
    assert [h["to_status"] for h in history] == ["approved"]  # the bulk decision wrote nothing there


async def test_every_bad_field_is_named_and_nothing_changes(
    web: Client, operator: Caller, pending: list[dict[str, Any]]
) -> None:
    empty = await web.post(
        "/api/v1/review-queue/decisions",
        json={"action": "reject", "matches": []},
        headers={**operator.headers, **ENGLISH},
    )
    assert empty.status_code == 422
    reasons = {e["field"]: e["reason"] for e in empty.json()["errors"]}
    assert set(reasons) == {"body.reason", "body.matches"}
    assert "reason is required" in reasons["body.reason"]
    proposing = await web.post(
        "/api/v1/review-queue/decisions",
        json={"action": "propose", "matches": _selection(pending[:1] * 2)},
        headers={**operator.headers, **ENGLISH},
    )
    assert proposing.status_code == 422
    fields = [e["field"] for e in proposing.json()["errors"]]
    assert fields == ["body.action", "body.matches"]
    queue = await web.get("/api/v1/review-queue", headers=operator.headers)
    assert {i["match"]["status"] for i in queue.json()["items"]} == {"pending"}
    french = await web.post(
        "/api/v1/review-queue/decisions", json={"action": "reject", "matches": []}, headers=operator.headers
    )
    assert "motif" in {e["field"]: e["reason"] for e in french.json()["errors"]}["body.reason"]


async def test_only_operators_decide_in_bulk(web: Client, pending: list[dict[str, Any]]) -> None:
    company = await register_company(web)
    refused = await web.post(
        "/api/v1/review-queue/decisions",
        json={"action": "approve", "matches": _selection(pending)},
        headers=company.headers,
    )
    assert refused.status_code == 403
    anonymous = await web.post(
        "/api/v1/review-queue/decisions", json={"action": "approve", "matches": _selection(pending)}
    )
    assert anonymous.status_code == 401


async def test_the_queue_form_decides_the_ticked_rows_and_keeps_them_in_view(
    web: Client, operator: Caller, pending: list[dict[str, Any]]
) -> None:
    await sign_in_console(web, operator.api_key)
    page = await web.get("/console/queue")
    assert page.status_code == 200
    for item in pending:
        assert f'name="selected" value="{item["match"]["id"]}:{item["version"]}"' in page.text
    assert 'form="bulk-form"' in page.text and 'action="/console/queue/decisions"' in page.text
    chosen = pending[:2]
    sent = await web.post(
        "/console/queue/decisions",
        data={
            "_csrf_token": csrf_token(page.text),
            "action": "reject",
            "reason": "Profil trop junior pour ce client",
            "next": "/console/queue",
            "selected": [f"{i['match']['id']}:{i['version']}" for i in chosen],
        },
    )
    assert sent.status_code == 303
    location = sent.headers["location"]
    kept = parse_qs(urlsplit(location).query)["kept"][0].split(",")
    assert kept == [str(i["match"]["id"]) for i in chosen]
    after = page_text((await web.get(location)).text)
    assert "2 matchs rejetés." in after
    for item in chosen:  # still in view, with their new status
        row = (await web.get(location)).text.split(f'id="match-{item["match"]["id"]}"')[1].split("</tr>")[0]
        assert "Rejeté" in page_text(row)
    # The same rows sent again (their old versions): nothing moves, and the message names them.
    again = await web.post(
        "/console/queue/decisions",
        data={
            "_csrf_token": csrf_token(page.text),
            "action": "reject",
            "reason": "Profil trop junior pour ce client",
            "next": "/console/queue",
            "selected": [f"{i['match']['id']}:{i['version']}" for i in chosen],
        },
        headers=ENGLISH,
    )
    message = page_text((await web.get(again.headers["location"], headers=ENGLISH)).text)
    assert "0 matches rejected." in message
    assert f"#{chosen[0]['match']['id']} (now rejected)" in message


async def test_the_queue_form_without_a_reason_keeps_everything(
    web: Client, operator: Caller, pending: list[dict[str, Any]]
) -> None:
    await sign_in_console(web, operator.api_key)
    page = await web.get("/console/queue")
    sent = await web.post(
        "/console/queue/decisions",
        data={
            "_csrf_token": csrf_token(page.text),
            "action": "reject",
            "next": "/console/queue",
            "selected": [f"{pending[0]['match']['id']}:{pending[0]['version']}"],
        },
    )
    assert sent.status_code == 303
    message = page_text((await web.get(sent.headers["location"])).text)
    assert "Rien n’a été modifié" in message or "Rien n'a été modifié" in message
    queue = await web.get("/api/v1/review-queue", headers=operator.headers)
    assert {i["match"]["status"] for i in queue.json()["items"]} == {"pending"}
    forged = await web.post(
        "/console/queue/decisions",
        data={"action": "approve", "selected": [f"{pending[0]['match']['id']}:{pending[0]['version']}"]},
    )
    assert forged.status_code == 403

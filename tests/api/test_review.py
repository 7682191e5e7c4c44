"""Operator review: the queue, the status machine with optimistic concurrency, the audit trail,
what each side sees, rescoring that keeps decisions, and notifications through the outbox."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Any

import pytest
from litestar.testing import AsyncTestClient
from sqlalchemy import func, select

from models import Notification
from models.enums import NotificationState
from service.db import Database
from service.notifications.delivery import deliver_pending
from tests.factories import Caller, create_operator, post_mission, register_company, register_freelancer
from tests.work_queue import RecordingWorkQueue

Client = AsyncTestClient[Any]


@dataclass
class Scene:
    company: Caller
    mission_id: int
    strong: Caller
    cheap: Caller
    pricey: Caller

    def match_of(self, queue: dict[str, Any], freelancer: Caller) -> dict[str, Any]:
        return next(i for i in queue["items"] if i["match"]["freelancer_id"] == freelancer.id)


@pytest.fixture
async def scene(client: Client, work_queue: RecordingWorkQueue) -> Scene:
    work_queue.inline = True
    strong = await register_freelancer(client, full_name="Strong Fit")
    cheap = await register_freelancer(client, full_name="Junior Cheap", years_experience=6, tjm=430)
    pricey = await register_freelancer(client, full_name="Pricey Veteran", years_experience=20, tjm=1000)
    company = await register_company(client)
    mission = await post_mission(client, company)
    return Scene(company, mission["id"], strong, cheap, pricey)


async def _queue(client: Client, operator: Caller, query: str = "") -> dict[str, Any]:
    response = await client.get(f"/api/v1/review-queue?{query}", headers=operator.headers)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


async def _decide(
    client: Client, caller: Caller, match_id: int, action: str, version: int | None, reason: str = ""
) -> Any:
    headers = dict(caller.headers)
    if version is not None:
        headers["If-Match"] = f'"{version}"'
    return await client.post(
        f"/api/v1/matches/{match_id}/decisions", json={"action": action, "reason": reason}, headers=headers
    )


async def test_queue_lists_pending_by_score_with_breakdown(
    client: Client, scene: Scene, operator: Caller
) -> None:
    queue = await _queue(client, operator)
    scores = [i["match"]["score"] for i in queue["items"]]
    assert queue["total"] == 3 and scores == sorted(scores, reverse=True)
    first = queue["items"][0]
    assert first["match"]["freelancer_id"] == scene.strong.id
    assert first["match"]["reasons"] and len(first["match"]["factors"]) == 8
    assert first["version"] == 1 and first["match"]["status"] == "pending"
    assert set(first["allowed_actions"]) == {"shortlist", "approve", "reject"}
    assert (first["experience_band"], first["tjm_position"]) == ("y11_15", "within")


async def test_queue_filters(client: Client, scene: Scene, operator: Caller) -> None:
    async def ids(query: str) -> list[int]:
        return sorted(i["match"]["freelancer_id"] for i in (await _queue(client, operator, query))["items"])

    assert await ids("band=gt15") == [scene.pricey.id]
    assert await ids("tjm_position=above") == [scene.pricey.id]
    assert await ids("tjm_position=below") == [scene.cheap.id]
    assert await ids(f"mission_id={scene.mission_id}") == sorted(
        [scene.strong.id, scene.cheap.id, scene.pricey.id]
    )
    assert await ids("mission_id=999") == []
    assert await ids(f"company_id={scene.company.id}&limit=1") == [scene.strong.id]
    top = (await _queue(client, operator))["items"][0]["match"]["score"]
    assert await ids(f"min_score={top}") == [scene.strong.id]
    bad = await client.get("/api/v1/review-queue?tjm_position=sideways", headers=operator.headers)
    assert bad.status_code == 422


async def test_queue_is_for_operators_only(client: Client, scene: Scene) -> None:
    assert (await client.get("/api/v1/review-queue", headers=scene.company.headers)).status_code == 403
    assert (await client.get("/api/v1/review-queue", headers=scene.strong.headers)).status_code == 403
    assert (await client.get("/api/v1/review-queue")).status_code == 401


async def test_full_flow_to_acceptance_reveals_contact(
    client: Client, scene: Scene, operator: Caller
) -> None:
    match = scene.match_of(await _queue(client, operator), scene.strong)["match"]
    match_id = match["id"]
    etag = (await client.get(f"/api/v1/matches/{match_id}", headers=operator.headers)).headers["etag"]
    assert etag == '"1"'
    for action, version, status in [
        ("shortlist", 1, "shortlisted"),
        ("approve", 2, "approved"),
        ("propose", 3, "proposed"),
    ]:
        response = await _decide(client, operator, match_id, action, version)
        assert response.status_code == 200, response.text
        assert response.json()["match"]["status"] == status
        assert response.headers["etag"] == f'"{version + 1}"'
    profile = f"/api/v1/freelancers/{scene.strong.id}"
    assert "phone" not in (await client.get(profile, headers=scene.company.headers)).json()
    accepted = await _decide(client, scene.company, match_id, "accept", 4)
    assert accepted.status_code == 200 and accepted.json()["match"]["status"] == "accepted"
    revealed = (await client.get(profile, headers=scene.company.headers)).json()
    assert revealed["contact_visible"] is True and revealed["phone"] == "+33 6 12 34 56 78"
    assert revealed["view"] == "private"


async def test_freelancer_answers_a_proposal(client: Client, scene: Scene, operator: Caller) -> None:
    match_id = scene.match_of(await _queue(client, operator), scene.strong)["match"]["id"]
    for action, version in [("approve", 1), ("propose", 2)]:
        assert (await _decide(client, operator, match_id, action, version)).status_code == 200
    interested = await _decide(client, scene.strong, match_id, "express_interest", 3)
    assert interested.status_code == 200 and interested.json()["match"]["status"] == "freelancer_interested"
    refused = await _decide(client, scene.strong, match_id, "accept", 4)
    assert refused.status_code == 403
    other = await _decide(client, scene.cheap, match_id, "decline_interest", 4)
    assert other.status_code == 404


async def test_illegal_transition_is_409_naming_the_status(
    client: Client, scene: Scene, operator: Caller
) -> None:
    match_id = scene.match_of(await _queue(client, operator), scene.strong)["match"]["id"]
    response = await _decide(client, operator, match_id, "propose", 1)
    assert response.status_code == 409
    problem = response.json()
    assert problem["current_status"] == "pending" and "pending" in problem["detail"]


async def test_version_is_required_and_checked(client: Client, scene: Scene, operator: Caller) -> None:
    match_id = scene.match_of(await _queue(client, operator), scene.strong)["match"]["id"]
    missing = await _decide(client, operator, match_id, "approve", None)
    assert missing.status_code == 428
    stale = await _decide(client, operator, match_id, "approve", 7)
    assert stale.status_code == 409 and stale.json()["version"] == 1
    by_body = await client.post(
        f"/api/v1/matches/{match_id}/decisions",
        json={"action": "approve", "version": 1},
        headers=operator.headers,
    )
    assert by_body.status_code == 200
    garbage = await client.post(
        f"/api/v1/matches/{match_id}/decisions",
        json={"action": "propose"},
        headers={**operator.headers, "If-Match": "yesterday"},
    )
    assert garbage.status_code == 422


async def test_reject_needs_a_reason(client: Client, scene: Scene, operator: Caller) -> None:
    match_id = scene.match_of(await _queue(client, operator), scene.pricey)["match"]["id"]
    blank = await _decide(client, operator, match_id, "reject", 1, reason="   ")
    assert blank.status_code == 422 and blank.json()["errors"][0]["field"] == "body.reason"
    done = await _decide(client, operator, match_id, "reject", 1, reason="rate 1000 € far above 700 € budget")
    assert done.status_code == 200 and done.json()["match"]["status"] == "rejected"
    assert scene.pricey.id not in [
        i["match"]["freelancer_id"] for i in (await _queue(client, operator))["items"]
    ]


async def test_two_operators_at_once_exactly_one_wins(
    client: Client, scene: Scene, operator: Caller, database: Database, backend: Any
) -> None:
    second = await create_operator(database, backend.settings.secret_key)
    match_id = scene.match_of(await _queue(client, operator), scene.strong)["match"]["id"]
    results = await asyncio.gather(
        _decide(client, operator, match_id, "approve", 1),
        _decide(client, second, match_id, "reject", 1, reason="not convinced"),
    )
    codes = sorted(r.status_code for r in results)
    assert codes == [200, 409]
    loser = next(r for r in results if r.status_code == 409).json()
    winner = next(r for r in results if r.status_code == 200).json()
    assert loser["current_status"] == winner["match"]["status"]
    history = (await client.get(f"/api/v1/matches/{match_id}/history", headers=operator.headers)).json()
    assert len(history) == 1


async def test_history_is_the_audit_trail(client: Client, scene: Scene, operator: Caller) -> None:
    match_id = scene.match_of(await _queue(client, operator), scene.cheap)["match"]["id"]
    await _decide(client, operator, match_id, "shortlist", 1)
    await _decide(client, operator, match_id, "reject", 2, reason="only 6 years for a 11-15 role")
    await _decide(client, operator, match_id, "reopen", 3)
    history = (await client.get(f"/api/v1/matches/{match_id}/history", headers=operator.headers)).json()
    assert [(h["from_status"], h["to_status"]) for h in history] == [
        ("pending", "shortlisted"),
        ("shortlisted", "rejected"),
        ("rejected", "pending"),
    ]
    assert history[1]["reason"] == "only 6 years for a 11-15 role"
    assert all(h["actor_account_id"] == operator.id and h["actor_role"] == "operator" for h in history)
    assert history[0]["created_at"] <= history[1]["created_at"] <= history[2]["created_at"]
    assert (
        await client.get(f"/api/v1/matches/{match_id}/history", headers=scene.company.headers)
    ).status_code == 403
    assert (await client.get("/api/v1/matches/9999/history", headers=operator.headers)).status_code == 404


async def test_rescoring_keeps_the_decision_and_flags_a_big_move(
    client: Client, scene: Scene, operator: Caller
) -> None:
    match_id = scene.match_of(await _queue(client, operator), scene.strong)["match"]["id"]
    approved = await _decide(client, operator, match_id, "approve", 1)
    score_before = approved.json()["match"]["score"]
    await client.patch(
        f"/api/v1/freelancers/{scene.strong.id}",
        json={"tjm": 1400, "remote_preference": "onsite", "available_from": "2027-06-01"},
        headers=scene.strong.headers,
    )
    after = (await client.get(f"/api/v1/matches/{match_id}", headers=operator.headers)).json()
    assert after["match"]["status"] == "approved" and after["version"] == 2
    assert score_before - after["match"]["score"] > 10
    assert after["needs_review"] is True
    flagged = await _queue(client, operator, "flagged=true")
    assert [i["match"]["id"] for i in flagged["items"]] == [match_id]
    assert flagged["items"][0]["score_at_decision"] == score_before
    default = await _queue(client, operator)
    assert default["items"][0]["match"]["id"] == match_id  # flagged ones come first
    again = await _decide(client, operator, match_id, "propose", 2)
    assert again.status_code == 200 and again.json()["needs_review"] is False


async def test_small_moves_do_not_flag(client: Client, scene: Scene, operator: Caller) -> None:
    match_id = scene.match_of(await _queue(client, operator), scene.strong)["match"]["id"]
    await _decide(client, operator, match_id, "approve", 1)
    await client.patch(
        f"/api/v1/freelancers/{scene.strong.id}", json={"tjm": 690}, headers=scene.strong.headers
    )
    assert (await client.get(f"/api/v1/matches/{match_id}", headers=operator.headers)).json()[
        "needs_review"
    ] is False


async def test_each_side_sees_only_what_is_proposed_to_it(
    client: Client, scene: Scene, operator: Caller
) -> None:
    other_company = await register_company(client)
    queue = await _queue(client, operator)
    proposed = scene.match_of(queue, scene.strong)["match"]["id"]
    not_proposed = scene.match_of(queue, scene.cheap)["match"]["id"]
    await _decide(client, operator, proposed, "approve", 1)
    await _decide(client, operator, proposed, "propose", 2)

    company_view = (
        await client.get(f"/api/v1/missions/{scene.mission_id}/matches", headers=scene.company.headers)
    ).json()
    assert [m["id"] for m in company_view["items"]] == [proposed]
    assert (await client.get(f"/api/v1/matches/{proposed}", headers=scene.company.headers)).status_code == 200
    assert (
        await client.get(f"/api/v1/matches/{not_proposed}", headers=scene.company.headers)
    ).status_code == 404
    assert (await client.get(f"/api/v1/matches/{proposed}", headers=other_company.headers)).status_code == 404

    mine = (
        await client.get(f"/api/v1/freelancers/{scene.strong.id}/matches", headers=scene.strong.headers)
    ).json()
    assert [m["id"] for m in mine["items"]] == [proposed]
    theirs = (
        await client.get(f"/api/v1/freelancers/{scene.cheap.id}/matches", headers=scene.cheap.headers)
    ).json()
    assert theirs["items"] == []
    assert (await client.get(f"/api/v1/matches/{proposed}", headers=scene.cheap.headers)).status_code == 404
    assert (
        await client.get(f"/api/v1/matches/{not_proposed}", headers=scene.cheap.headers)
    ).status_code == 404
    assert (
        await client.get(f"/api/v1/freelancers/{scene.strong.id}/matches", headers=scene.cheap.headers)
    ).status_code == 403


async def test_company_cannot_act_before_a_proposal(client: Client, scene: Scene, operator: Caller) -> None:
    match_id = scene.match_of(await _queue(client, operator), scene.strong)["match"]["id"]
    assert (await _decide(client, scene.company, match_id, "accept", 1)).status_code == 404
    assert (await _decide(client, scene.company, match_id, "approve", 1)).status_code == 404


async def _notifications(database: Database) -> list[Notification]:
    async with database.session() as session:
        return list((await session.scalars(select(Notification).order_by(Notification.id))).all())


async def test_decision_and_notifications_are_written_together(
    client: Client, scene: Scene, operator: Caller, database: Database, work_queue: RecordingWorkQueue
) -> None:
    match_id = scene.match_of(await _queue(client, operator), scene.strong)["match"]["id"]
    await _decide(client, operator, match_id, "approve", 1)
    assert await _notifications(database) == []
    failed = await _decide(client, operator, match_id, "propose", 1)  # stale version: nothing written
    assert failed.status_code == 409 and await _notifications(database) == []
    await _decide(client, operator, match_id, "propose", 2)
    rows = await _notifications(database)
    assert sorted(n.kind for n in rows) == ["proposal_to_company", "proposal_to_freelancer"]
    assert all(n.state is NotificationState.PENDING and n.match_id == match_id for n in rows)
    assert ("notifications", None) in work_queue.calls


async def test_delivery_survives_a_crash_without_loss_or_duplicate(
    client: Client, scene: Scene, operator: Caller, database: Database, backend: Any
) -> None:
    match_id = scene.match_of(await _queue(client, operator), scene.strong)["match"]["id"]
    await _decide(client, operator, match_id, "approve", 1)
    await _decide(client, operator, match_id, "propose", 2)

    def crash(_: Notification) -> None:
        raise RuntimeError("worker died between delivering and marking")

    async with database.session() as session:
        with pytest.raises(RuntimeError):
            await deliver_pending(session, backend.settings, after_send=crash)
    assert all(n.state is NotificationState.PENDING for n in await _notifications(database))
    async with database.session() as session:
        report = await deliver_pending(session, backend.settings)
    assert report.delivered == 2
    async with database.session() as session:
        again = await deliver_pending(session, backend.settings)
        sent = await session.scalar(
            select(func.count()).select_from(Notification).where(Notification.state == NotificationState.SENT)
        )
    assert again.delivered == 0 and sent == 2


async def test_smtp_crash_resends_with_the_same_message_id(
    client: Client, scene: Scene, operator: Caller, database: Database, backend: Any
) -> None:
    import dataclasses

    match_id = scene.match_of(await _queue(client, operator), scene.strong)["match"]["id"]
    await _decide(client, operator, match_id, "approve", 1)
    await _decide(client, operator, match_id, "propose", 2)
    settings = dataclasses.replace(backend.settings, smtp_url="smtp://mail.invalid:25")
    outbox: list[str] = []
    crashed: list[int] = []

    def crash_once(notification: Notification) -> None:
        if not crashed:
            crashed.append(notification.id)
            raise RuntimeError("crash after the mail left, before it was marked")

    async with database.session() as session:
        with pytest.raises(RuntimeError):
            await deliver_pending(
                session, settings, sender=lambda m: outbox.append(m["Message-ID"]), after_send=crash_once
            )
    async with database.session() as session:
        await deliver_pending(session, settings, sender=lambda m: outbox.append(m["Message-ID"]))
    rows = await _notifications(database)
    assert all(n.state is NotificationState.SENT for n in rows)
    assert sorted(set(outbox)) == sorted(f"<notification-{n.id}@ctomatch>" for n in rows)
    assert len(outbox) == 3  # the crashed one was sent twice, under the same Message-ID


async def test_listed_matches_carry_the_version_to_decide_with(
    client: Client, scene: Scene, operator: Caller
) -> None:
    listed = (
        await client.get(f"/api/v1/missions/{scene.mission_id}/matches", headers=operator.headers)
    ).json()["items"][0]
    assert listed["version"] == 1
    decided = await _decide(client, operator, listed["id"], "approve", listed["version"])
    assert decided.status_code == 200 and decided.json()["match"]["version"] == 2

"""GDPR: a copy of everything stored about an account (art. 20) and its erasure (art. 17), checked
in the database on SQLite and PostgreSQL, through the JSON API and the web app."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from litestar.testing import AsyncTestClient
from sqlalchemy import func, select

from models import Account, FreelancerProfile, MatchDecision, Mission, Notification, ProfileCompetence
from models.enums import MissionStatus
from service.db import Database
from service.privacy.erasure import ERASED_TEXT, ERASURE_REASON
from tests.factories import Caller, post_mission, register_company, register_freelancer
from tests.web_client import PASSWORD, WebBrowser
from tests.work_queue import RecordingWorkQueue

Client = AsyncTestClient[Any]


@dataclass
class Proposed:
    freelancer: Caller
    company: Caller
    mission_id: int
    match_id: int


async def _decide(client: Client, caller: Caller, match_id: int, action: str, reason: str = "") -> None:
    current = await client.get(f"/api/v1/matches/{match_id}", headers=caller.headers)
    version = current.json()["match"]["version"]
    response = await client.post(
        f"/api/v1/matches/{match_id}/decisions",
        json={"action": action, "reason": reason, "version": version},
        headers=caller.headers,
    )
    assert response.status_code == 200, response.text


@pytest.fixture
async def proposed(client: Client, operator: Caller, work_queue: RecordingWorkQueue) -> Proposed:
    """A freelancer proposed to a company's mission, who answered with a reason of their own."""
    work_queue.inline = True
    freelancer = await register_freelancer(client, full_name="Amélie Martin", phone="+33 6 11 22 33 44")
    company = await register_company(client)
    mission = await post_mission(client, company)
    matches = await client.get(f"/api/v1/missions/{mission['id']}/matches", headers=operator.headers)
    match_id = next(m["id"] for m in matches.json()["items"] if m["freelancer_id"] == freelancer.id)
    for action in ("approve", "propose"):
        await _decide(client, operator, match_id, action)
    await _decide(
        client, freelancer, match_id, "express_interest", "Disponible dès lundi, joignable au 06 11 22 33 44"
    )
    return Proposed(freelancer, company, mission["id"], match_id)


async def test_the_copy_holds_everything_but_secrets(client: Client, proposed: Proposed) -> None:
    response = await client.get("/api/v1/me/data", headers=proposed.freelancer.headers)
    assert response.status_code == 200 and response.headers["cache-control"] == "no-store"
    data = response.json()
    assert data["account"]["role"] == "freelancer"
    assert data["freelancer_profile"]["full_name"] == "Amélie Martin"
    assert data["freelancer_profile"]["phone"] == "+33 6 11 22 33 44"
    assert data["freelancer_profile"]["competences"], "competence rows are part of the profile"
    match = next(m for m in data["matches"] if m["id"] == proposed.match_id)
    assert [d["to_status"] for d in match["decisions"]] == ["approved", "proposed", "freelancer_interested"]
    assert data["decisions_made"][0]["reason"].startswith("Disponible")
    text = response.text
    for secret in ("password_hash", "api_key_hash", "token_hash", proposed.freelancer.api_key):
        assert secret not in text


async def test_a_company_copy_has_its_missions_and_not_other_accounts(
    client: Client, proposed: Proposed
) -> None:
    data = (await client.get("/api/v1/me/data", headers=proposed.company.headers)).json()
    assert [m["id"] for m in data["missions"]] == [proposed.mission_id]
    assert "freelancer_profile" not in data
    assert all(n["recipient_account_id"] == data["account"]["id"] for n in data["notifications"])


async def test_erasure_needs_the_callers_own_email(client: Client, proposed: Proposed) -> None:
    response = await client.post(
        "/api/v1/me/erase", json={"confirm_email": "someone@else.fr"}, headers=proposed.freelancer.headers
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "body.confirm_email"


async def test_erasing_a_freelancer_removes_personal_data_and_keeps_the_audit(
    client: Client, database: Database, proposed: Proposed, operator: Caller, work_queue: RecordingWorkQueue
) -> None:
    me = (await client.get("/api/v1/me", headers=proposed.freelancer.headers)).json()
    erased = await client.post(
        "/api/v1/me/erase", json={"confirm_email": me["email"].upper()}, headers=proposed.freelancer.headers
    )
    assert erased.status_code == 200, erased.text
    assert erased.json()["matches_marked"] >= 1
    # The key stops working at once.
    assert (await client.get("/api/v1/me", headers=proposed.freelancer.headers)).status_code == 401
    async with database.session() as session:
        account = await session.get(Account, me["account_id"])
        profile = await session.get(FreelancerProfile, proposed.freelancer.id)
        assert account is not None and profile is not None
        assert account.email.endswith("@erased.invalid") and account.erased_at is not None
        assert account.password_hash is None and not account.active
        assert (
            not profile.active
            and profile.phone is None
            and profile.summary == ""
            and profile.references == []
        )
        assert "Amélie" not in profile.full_name
        assert (
            await session.scalar(
                select(func.count())
                .select_from(ProfileCompetence)
                .where(ProfileCompetence.profile_id == profile.id)
            )
            == 0
        )
        reasons = list(
            await session.scalars(
                select(MatchDecision.reason).where(MatchDecision.match_id == proposed.match_id)
            )
        )
        assert not any("06 11" in r for r in reasons) and ERASED_TEXT in reasons
        mine = await session.scalar(
            select(func.count())
            .select_from(Notification)
            .where(Notification.recipient_account_id == me["account_id"])
        )
        assert mine == 0
        about = list(
            await session.scalars(select(Notification.body).where(Notification.match_id == proposed.match_id))
        )
        assert all("Amélie" not in body for body in about)
    history = await client.get(f"/api/v1/matches/{proposed.match_id}/history", headers=operator.headers)
    assert history.status_code == 200
    assert history.json()[-1]["reason"] == ERASURE_REASON
    assert (
        "profile",
        proposed.freelancer.id,
    ) in work_queue.calls  # scoring hears of it, to exclude the matches
    listed = await client.get("/api/v1/freelancers", headers=proposed.company.headers)
    assert proposed.freelancer.id not in [p["id"] for p in listed.json()["items"]]
    again = await client.post(f"/api/v1/accounts/{me['account_id']}/erase", headers=operator.headers)
    assert again.status_code == 409


async def test_an_operator_erases_a_company_and_its_missions_close(
    client: Client, database: Database, proposed: Proposed, operator: Caller
) -> None:
    me = (await client.get("/api/v1/me", headers=proposed.company.headers)).json()
    response = await client.post(f"/api/v1/accounts/{me['account_id']}/erase", headers=operator.headers)
    assert response.status_code == 200 and response.json()["missions_closed"] == 1
    async with database.session() as session:
        mission = await session.get(Mission, proposed.mission_id)
        assert mission is not None and mission.status is MissionStatus.CLOSED
    forbidden = await client.post(
        f"/api/v1/accounts/{me['account_id']}/erase", headers=proposed.freelancer.headers
    )
    assert forbidden.status_code == 403


async def _web_account(client: Client, database: Database, caller: Caller) -> str:
    """Give an API-registered account a password, so it can use the web app."""
    from service.accounts.passwords import hash_password

    email = (await client.get("/api/v1/me", headers=caller.headers)).json()["email"]
    async with database.session() as session:
        account = await session.scalar(select(Account).where(Account.email == email))
        assert account is not None
        account.password_hash = hash_password(PASSWORD)
        await session.commit()
    return str(email)


async def test_the_web_page_downloads_and_erases(
    client: Client, database: Database, proposed: Proposed
) -> None:
    email = await _web_account(client, database, proposed.freelancer)
    browser = WebBrowser(client)
    await browser.sign_in(email)
    page = await browser.get("/account/data")
    assert page.status_code == 200 and "Télécharger mes données" in page.text
    download = await browser.get("/account/data/export")
    assert download.headers["content-type"] == "application/json"
    assert download.headers["content-disposition"].startswith("attachment;")
    assert download.json()["freelancer_profile"]["id"] == proposed.freelancer.id
    refused = await browser.submit(
        "/account/data", "/account/data/delete", {"password": "wrong one", "confirm": "oui"}
    )
    assert refused.status_code == 400
    assert "mot de passe de ce compte" in refused.text and "Saisissez SUPPRIMER" in refused.text
    done = await browser.submit(
        "/account/data", "/account/data/delete", {"password": PASSWORD, "confirm": "supprimer"}
    )
    assert done.status_code == 303 and done.headers["location"] == "/"
    assert "Votre compte a été supprimé" in (await browser.get("/")).text
    assert (await browser.get("/account/data")).status_code == 303  # signed out
    again = await WebBrowser(client).submit("/sign-in", "/sign-in", {"email": email, "password": PASSWORD})
    assert again.status_code == 401

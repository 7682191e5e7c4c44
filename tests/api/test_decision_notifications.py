"""What a decision tells each side: in the recipient's own language, with the page that acts on it,
and by e-mail with the full address of that page (SQLite and PostgreSQL)."""

from __future__ import annotations

from typing import Any

from litestar.testing import AsyncTestClient
from sqlalchemy import select, update

from models import Account, Notification
from service.db import Database
from service.notifications.delivery import build_email
from tests.factories import Caller, post_mission, register_company, register_freelancer
from tests.work_queue import RecordingWorkQueue

Client = AsyncTestClient[Any]
SITE = "https://ctomatch.example.fr"


async def _decide(client: Client, caller: Caller, match_id: int, action: str, reason: str = "") -> None:
    version = (await client.get(f"/api/v1/matches/{match_id}", headers=caller.headers)).json()["match"][
        "version"
    ]
    response = await client.post(
        f"/api/v1/matches/{match_id}/decisions",
        json={"action": action, "reason": reason, "version": version},
        headers=caller.headers,
    )
    assert response.status_code == 200, response.text


async def _rows(database: Database, kind: str) -> list[Notification]:
    async with database.session() as session:
        return list(await session.scalars(select(Notification).where(Notification.kind == kind)))


async def test_each_side_reads_its_notification_in_its_language_with_its_page(
    client: Client, database: Database, operator: Caller, work_queue: RecordingWorkQueue
) -> None:
    work_queue.inline = True
    freelancer = await register_freelancer(client, full_name="Amélie Martin")
    company = await register_company(client, name="Néobanque Azur")
    mission = await post_mission(client, company, title="CTO de transition", tjm_min=900, tjm_max=1075)
    company_email = (await client.get("/api/v1/me", headers=company.headers)).json()["email"]
    async with database.session() as session:  # the company reads English; the freelancer, the default
        await session.execute(update(Account).where(Account.email == company_email).values(locale="en"))
        await session.commit()
    matches = await client.get(f"/api/v1/missions/{mission['id']}/matches", headers=operator.headers)
    match_id = next(m["id"] for m in matches.json()["items"] if m["freelancer_id"] == freelancer.id)
    for action in ("approve", "propose"):
        await _decide(client, operator, match_id, action)

    [to_company] = await _rows(database, "proposal_to_company")
    assert to_company.subject == "A freelance CTO is proposed for “CTO de transition”"
    assert to_company.link == f"/missions/{mission['id']}/proposals/{match_id}"
    [to_freelancer] = await _rows(database, "proposal_to_freelancer")
    assert to_freelancer.subject == "Une mission vous est proposée : « CTO de transition »".replace(
        "« ", "“"
    ).replace(" »", "”")
    body = to_freelancer.body.replace("\u202f", " ").replace("\u00a0", " ")
    assert "de 900 € à 1 075 € par jour" in body and "Néobanque Azur cherche un CTO" in body
    assert to_freelancer.link == f"/proposals/{match_id}"

    await _decide(client, company, match_id, "decline", "Nous cherchons finalement un profil DSI")
    [declined] = await _rows(database, "company_declined")
    assert "n'a pas retenu votre profil" in declined.body
    assert "Motif : « Nous cherchons finalement un profil DSI »" in declined.body

    mail = build_email(declined, "ctomatch <no-reply@ctomatch.local>", site_url=SITE)
    assert f"{SITE}/proposals/{match_id}" in mail.get_content()

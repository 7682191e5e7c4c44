"""Operators see which candidates have not confirmed their availability for 30 days: in the JSON
match bodies and on the console's review queue (SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from litestar.testing import AsyncTestClient
from sqlalchemy import update

from models import FreelancerProfile
from models.base import utcnow
from service.db import Database
from tests.factories import Caller, post_mission, register_company, register_freelancer
from tests.web_client import WebBrowser
from tests.work_queue import RecordingWorkQueue

Client = AsyncTestClient[Any]


async def test_a_stale_availability_is_flagged_to_operators(
    client: Client, database: Database, operator: Caller, work_queue: RecordingWorkQueue
) -> None:
    work_queue.inline = True
    fresh = await register_freelancer(client, full_name="Disponibilité Récente")
    stale = await register_freelancer(client, full_name="Disponibilité Ancienne")
    mission = await post_mission(client, await register_company(client))
    async with database.session() as session:
        await session.execute(
            update(FreelancerProfile)
            .where(FreelancerProfile.id == stale.id)
            .values(availability_confirmed_at=utcnow() - timedelta(days=31))
        )
        await session.commit()
    body = (await client.get(f"/api/v1/missions/{mission['id']}/matches", headers=operator.headers)).json()
    flags = {m["freelancer_id"]: m["availability_confirmed"] for m in body["items"]}
    assert flags[fresh.id] is True and flags[stale.id] is False

    console = WebBrowser(client)
    token = await console.token("/console/sign-in")
    signed = await console.request(
        "POST", "/console/sign-in", data={"api_key": operator.api_key, "_csrf_token": token}
    )
    assert signed.status_code == 303
    queue = (await console.get("/console/queue?limit=100")).text
    stale_row = queue[queue.index("Disponibilité Ancienne") :].split("</tr>", 1)[0]
    fresh_row = queue[queue.index("Disponibilité Récente") :].split("</tr>", 1)[0]
    assert "disponibilité non confirmée" in stale_row
    assert "disponibilité non confirmée" not in fresh_row

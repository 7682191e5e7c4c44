"""Valid request bodies and helpers that register accounts through the real API."""

from __future__ import annotations

import asyncio
import itertools
from dataclasses import dataclass
from typing import Any

import httpx
from litestar.testing import AsyncTestClient
from sqlalchemy import select

from models import Mission
from models.enums import Role
from service import migrations
from service.accounts.services import create_account
from service.db import Database
from service.fixtures_loader import load_demo_data, load_reference_data
from service.scoring.services import score_missions
from service.settings import Settings

_counter = itertools.count(1)


def unique_email(prefix: str) -> str:
    return f"{prefix}.{next(_counter)}@example.test"


def freelancer_payload(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "email": unique_email("cto"),
        "full_name": "Claire Martin",
        "headline": "Fractional CTO for fintech start-ups",
        "summary": "Twelve years building payment platforms; ISO 27001 roll-out; led teams of 25 engineers.",
        "years_experience": 12,
        "tjm": 680,
        "available_from": "2027-01-04",
        "days_per_week": 4,
        "remote_preference": "hybrid",
        "location": "Paris",
        "orientation": "cto",
        "competences": [{"id": "it_security", "level": 4}, {"id": "leadership", "level": 5}],
        "cto_missions": ["technology_strategy", "team_management"],
        "sectors": ["fintech"],
        "certifications": [{"name": "ISO 27001 Lead Implementer", "category": "information_security"}],
        "stack": ["python", "aws", "kafka"],
        "past_roles": [
            {"title": "CTO", "company": "PayNest", "context": "fintech", "start_year": 2019, "end_year": 2024}
        ],
        "references": [
            {
                "name": "Marc Petit",
                "role": "CEO",
                "company": "PayNest",
                "contact": "marc@paynest.test",
                "quote": "Took us through our payment licence audit.",
            }
        ],
        "phone": "+33 6 12 34 56 78",
        "linkedin_url": "https://www.linkedin.com/in/claire-martin",
    }
    body.update(overrides)
    return body


def company_payload(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "email": unique_email("company"),
        "name": "Atelier Numérique",
        "context": "agency",
        "size": "11-50",
        "sector": "agency",
        "city": "Nantes",
        "description": "Digital agency: websites, mobile apps, CRM.",
        "phone": "+33 2 40 00 00 00",
    }
    body.update(overrides)
    return body


def mission_payload(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "title": "Interim CTO for a payments start-up",
        "description": "Define the technology strategy and grow the team from 5 to 15 engineers.",
        "orientation": "cto",
        "seniority": "y11_15",
        "tjm_min": 600,
        "tjm_max": 700,
        "start_date": "2027-01-15",
        "end_date": "2027-07-15",
        "days_per_week": 3,
        "remote_policy": "hybrid",
        "location": "Paris",
        "sector": "fintech",
        "context": "fintech",
        "cto_missions": ["technology_strategy", "team_management"],
        "required_competences": ["it_security", "leadership"],
        "nice_competences": ["communication"],
    }
    body.update(overrides)
    return body


@dataclass(frozen=True)
class Caller:
    """An account the tests act as: its id in its domain (profile or company) and its key header."""

    id: int
    api_key: str

    @property
    def headers(self) -> dict[str, str]:
        return {"X-API-Key": self.api_key}


async def register_freelancer(client: AsyncTestClient[Any], **overrides: Any) -> Caller:
    response = await client.post("/api/v1/freelancers", json=freelancer_payload(**overrides))
    assert response.status_code == 201, response.text
    body = response.json()
    return Caller(body["profile"]["id"], body["api_key"])


async def register_company(client: AsyncTestClient[Any], **overrides: Any) -> Caller:
    response = await client.post("/api/v1/companies", json=company_payload(**overrides))
    assert response.status_code == 201, response.text
    body = response.json()
    return Caller(body["company"]["id"], body["api_key"])


async def create_operator(database: Database, secret_key: str) -> Caller:
    async with database.session() as session:
        account, key = await create_account(
            session,
            email=unique_email("operator"),
            role=Role.OPERATOR,
            display_name="Op",
            secret_key=secret_key,
        )
        await session.commit()
        return Caller(account.id, key)


async def post_mission(client: AsyncTestClient[Any], company: Caller, **overrides: Any) -> dict[str, Any]:
    response = await client.post(
        "/api/v1/missions", json=mission_payload(**overrides), headers=company.headers
    )
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


def send_concurrently(
    client: AsyncTestClient[Any], requests: list[tuple[str, str, dict[str, Any]]]
) -> list[httpx.Response]:
    """Send (method, path, httpx kwargs) requests truly at once, on the event loop the app runs on.

    The test client hands each request to the app's loop and waits for it, so requests gathered on it
    never overlap; an httpx client on the app's own loop makes them concurrent.
    """

    async def send_all() -> list[httpx.Response]:
        transport = httpx.ASGITransport(app=client.app)
        async with httpx.AsyncClient(transport=transport, base_url=str(client.base_url)) as http:
            return list(await asyncio.gather(*(http.request(m, p, **kw) for m, p, kw in requests)))

    return client.blocking_portal.call(send_all)


async def load_scored_demo(settings: Settings) -> dict[str, str]:
    """Migrate, load the reference and demo data and score every mission now (no worker needed).

    Returns the demo API keys by role, as `make run` prints them.
    """
    database = Database(settings)
    try:
        await migrations.upgrade(database.engine)
        async with database.session() as session:
            await load_reference_data(session)
            report = await load_demo_data(session, settings.secret_key)
            mission_ids = list((await session.scalars(select(Mission.id).order_by(Mission.id))).all())
            await score_missions(session, settings, mission_ids)
        return report.demo_keys
    finally:
        await database.dispose()

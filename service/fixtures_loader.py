"""Load fixtures/ into the database, idempotently (natural keys: id, email, ref).

Reference data (taxonomy, rate grid) is needed by every install; demo data is optional. Demo rows go
through the same services as API calls, so they are validated the same way.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from importlib.resources.abc import Traversable
from typing import Any

import msgspec
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from models import Account, Company, Mission, RateBand, TaxonomyItem
from models.base import utcnow
from models.enums import Role, TaxonomyKind
from service.accounts.passwords import hash_password
from service.accounts.services import create_account
from service.auth.actor import Actor
from service.companies.schemas import CompanyCreate
from service.companies.services import register_company
from service.fixture_files import FIXTURES
from service.freelancers.schemas import FreelancerCreate
from service.freelancers.services import register_freelancer
from service.missions.schemas import MissionCreate
from service.missions.services import close_mission, create_mission
from service.reference.grid_history import record_initial_revisions

FIXTURES_DIR: Traversable = FIXTURES


#: The password of the demo sign-ins: documented and printed by `ctomatch demo`, not a secret.
DEMO_PASSWORD = "demo-ctomatch-2026"  # noqa: S105


@dataclass
class LoadReport:
    created: dict[str, int] = field(default_factory=dict)
    demo_keys: dict[str, str] = field(default_factory=dict)
    #: Role -> e-mail of the demo accounts that sign in with DEMO_PASSWORD (one per role).
    demo_sign_ins: dict[str, str] = field(default_factory=dict)

    def count(self, kind: str) -> None:
        self.created[kind] = self.created.get(kind, 0) + 1


def read_json(name: str, directory: Traversable = FIXTURES_DIR) -> Any:
    return json.loads((directory / name).read_text(encoding="utf-8"))


async def load_reference_data(session: AsyncSession, directory: Traversable = FIXTURES_DIR) -> LoadReport:
    """Upsert the taxonomy; insert missing rate bands (operators' later edits are kept), each with its
    initial revision."""
    report = LoadReport()
    for item in read_json("taxonomy.json", directory)["items"]:
        existing = await session.get(TaxonomyItem, item["id"])
        if existing is None:
            session.add(TaxonomyItem(**{**item, "kind": TaxonomyKind(item["kind"])}))
            report.count("taxonomy_items")
        else:
            existing.kind = TaxonomyKind(item["kind"])
            existing.label_en, existing.label_fr = item["label_en"], item["label_fr"]
            existing.description = item["description"]
    for position, band in enumerate(read_json("rate_grid.json", directory)["bands"]):
        if await session.get(RateBand, band["id"]) is None:
            session.add(RateBand(position=position, **band))
            report.count("rate_bands")
    await session.flush()
    # A band loaded here starts the grid's history (the migration did so for the bands it found).
    for _ in range(await record_initial_revisions(session)):
        report.count("grid_revisions")
    await session.commit()
    return report


async def _account_exists(session: AsyncSession, email: str) -> bool:
    return await session.scalar(select(Account.id).where(Account.email == email.lower())) is not None


async def load_demo_data(
    session: AsyncSession, secret_key: str, directory: Traversable = FIXTURES_DIR
) -> LoadReport:
    report = LoadReport()
    demo = directory / "demo"
    for row in read_json("operators.json", demo):
        if not await _account_exists(session, row["email"]):
            await create_account(
                session,
                email=row["email"],
                role=Role.OPERATOR,
                display_name=row["display_name"],
                secret_key=secret_key,
                api_key=row["api_key"],
            )
            await session.commit()
            report.count("operators")
        report.demo_keys.setdefault("operator", row["api_key"])
    for row in read_json("companies.json", demo):
        if not await _account_exists(session, row["email"]):
            company = msgspec.convert({k: v for k, v in row.items() if k != "api_key"}, CompanyCreate)
            await register_company(session, company, secret_key, api_key=row["api_key"])
            report.count("companies")
        report.demo_keys.setdefault("company", row["api_key"])
    for row in read_json("freelancers.json", demo):
        if not await _account_exists(session, row["email"]):
            profile = msgspec.convert({k: v for k, v in row.items() if k != "api_key"}, FreelancerCreate)
            await register_freelancer(session, profile, secret_key, api_key=row["api_key"])
            report.count("freelancers")
        report.demo_keys.setdefault("freelancer", row["api_key"])
    await _load_missions(session, read_json("missions.json", demo), report)
    for role, email in (
        ("operator", read_json("operators.json", demo)[0]["email"]),
        ("company", read_json("companies.json", demo)[0]["email"]),
        ("freelancer", read_json("freelancers.json", demo)[0]["email"]),
    ):
        await _give_demo_password(session, email)
        report.demo_sign_ins[role] = email.lower()
    await session.commit()
    return report


async def _give_demo_password(session: AsyncSession, email: str) -> None:
    """The demo account signs in with DEMO_PASSWORD and counts as verified (set once: idempotent)."""
    account = await session.scalar(select(Account).where(Account.email == email.lower()))
    if account is None:
        raise ValueError(f"demo sign-in: no account {email}")
    if account.password_hash is None:
        account.password_hash = hash_password(DEMO_PASSWORD)
    if account.email_verified_at is None:
        account.email_verified_at = utcnow()


async def _load_missions(session: AsyncSession, rows: list[dict[str, Any]], report: LoadReport) -> None:
    operator = Actor(account_id=0, role=Role.OPERATOR, email="fixtures@ctomatch")
    for row in rows:
        if await session.scalar(select(Mission.id).where(Mission.ref == row["ref"])) is not None:
            continue
        company_id = await session.scalar(
            select(Company.id)
            .join(Account, Company.account_id == Account.id)
            .where(Account.email == row["company_email"].lower())
        )
        if company_id is None:
            raise ValueError(f"mission {row['ref']}: unknown company {row['company_email']}")
        payload = {k: v for k, v in row.items() if k not in {"company_email", "status"}}
        mission = await create_mission(
            session, operator, msgspec.convert({**payload, "company_id": company_id}, MissionCreate)
        )
        if row.get("status") == "closed":
            await close_mission(session, operator, mission.id)
        report.count("missions")

"""Everything stored about one account, as JSON (GDPR art. 20): the account, its profile or company
and missions, every match that concerns it with its decisions, its notifications.

Rows are copied column by column from the mapped tables, so a column added later is exported without
a change here; only secrets (hashes of passwords, keys and tokens) are left out.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import Enum
from typing import Any, Final

from sqlalchemy import inspect, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from models import (
    Account,
    Company,
    FreelancerProfile,
    Match,
    MatchDecision,
    Mission,
    MissionCompetence,
    MissionCtoMission,
    Notification,
    ProfileCompetence,
    ProfileCtoMission,
)
from models.base import Base, utcnow
from service.errors import NotFound
from service.i18n import _

#: Columns never exported: secrets are stored as hashes, and a hash is of no use to its owner.
SECRET_COLUMNS: Final = frozenset({"password_hash", "api_key_hash", "key_hash", "token_hash"})
FORMAT_VERSION: Final = 1


def _value(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    return value


def row_data(row: Base) -> dict[str, Any]:
    """The row's stored columns (not its relationships), JSON-ready."""
    mapper = inspect(type(row))
    return {
        column.key: _value(getattr(row, column.key))
        for column in mapper.column_attrs
        if column.key not in SECRET_COLUMNS
    }


async def _rows(session: AsyncSession, model: type[Base], *where: Any) -> list[dict[str, Any]]:
    return [row_data(r) for r in (await session.scalars(select(model).where(*where))).unique()]


async def _matches(session: AsyncSession, *where: Any) -> list[dict[str, Any]]:
    matches = list(await session.scalars(select(Match).where(*where).order_by(Match.id)))
    decisions = await _rows(session, MatchDecision, MatchDecision.match_id.in_([m.id for m in matches]))
    by_match: dict[int, list[dict[str, Any]]] = {}
    for decision in decisions:
        by_match.setdefault(decision["match_id"], []).append(decision)
    return [{**row_data(m), "decisions": by_match.get(m.id, [])} for m in matches]


async def export_account(session: AsyncSession, account_id: int) -> dict[str, Any]:
    account = await session.get(Account, account_id)
    if account is None:
        raise NotFound(_("no account %(id)s", id=account_id))
    data: dict[str, Any] = {
        "format_version": FORMAT_VERSION,
        "exported_at": utcnow().isoformat(),
        "account": row_data(account),
    }
    profile = await session.scalar(
        select(FreelancerProfile).where(FreelancerProfile.account_id == account_id)
    )
    if profile is not None:
        data["freelancer_profile"] = {
            **row_data(profile),
            "competences": await _rows(
                session, ProfileCompetence, ProfileCompetence.profile_id == profile.id
            ),
            "cto_missions": await _rows(
                session, ProfileCtoMission, ProfileCtoMission.profile_id == profile.id
            ),
        }
        data["matches"] = await _matches(session, Match.freelancer_id == profile.id)
    company = await session.scalar(select(Company).where(Company.account_id == account_id))
    if company is not None:
        data["company"] = row_data(company)
        missions = list(await session.scalars(select(Mission).where(Mission.company_id == company.id)))
        data["missions"] = [
            {
                **row_data(m),
                "competences": await _rows(session, MissionCompetence, MissionCompetence.mission_id == m.id),
                "cto_missions": await _rows(session, MissionCtoMission, MissionCtoMission.mission_id == m.id),
            }
            for m in missions
        ]
        data["matches"] = await _matches(session, Match.mission_id.in_([m.id for m in missions]))
    data["decisions_made"] = await _rows(session, MatchDecision, MatchDecision.actor_account_id == account_id)
    data["notifications"] = await _rows(
        session,
        Notification,
        or_(Notification.recipient_account_id == account_id, Notification.recipient_email == account.email),
    )
    return data

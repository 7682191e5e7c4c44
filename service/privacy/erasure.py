"""Erase an account (GDPR art. 17): its personal data go, the record of what was decided stays.

In one transaction:
- the account: e-mail and name replaced by a pseudonym, password, language and one-time tokens gone,
  deactivated (so every API key and session is refused at once), `erased_at` set;
- a freelancer's profile: every descriptive field emptied (name, headline, summary, contact, roles,
  references, competences …) and deactivated, so it leaves matching at once;
- a company: its contact data emptied, the company and its open missions closed;
- notifications addressed to the account deleted; those about its matches sent to others keep their
  row but lose their text;
- the decisions (audit rows) stay, without the reasons the erased person wrote; each match of the
  account gets one more audit row saying it was erased and by whom, which operators read in its
  history.
Scoring is told afterwards, so the stored matches of the profile are excluded on the next pass.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Final

from sqlalchemy import delete, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from models import (
    Account,
    AccountToken,
    Company,
    FreelancerProfile,
    Match,
    MatchDecision,
    Mission,
    Notification,
    ProfileCompetence,
    ProfileCtoMission,
    SignInFailure,
)
from models.base import utcnow
from models.enums import MissionStatus
from service.background.queue import WorkQueue
from service.errors import Conflict, NotFound
from service.i18n import _

logger = logging.getLogger("ctomatch.privacy")

ERASED_DOMAIN: Final = "erased.invalid"
#: Stored text is read by French and English readers alike: the pseudonyms carry both.
ERASED_NAME: Final = "Compte supprimé / erased account"
ERASED_TEXT: Final = "[supprimé / erased]"
ERASURE_REASON: Final = "Compte supprimé (RGPD art. 17) / account erased (GDPR art. 17)"


@dataclass(frozen=True)
class ErasureReport:
    account_id: int
    profile_id: int | None
    company_id: int | None
    matches_marked: int
    missions_closed: int
    notifications_deleted: int


def pseudonymous_email(account_id: int) -> str:
    return f"erased-{account_id}@{ERASED_DOMAIN}"


async def _erase_profile(session: AsyncSession, profile: FreelancerProfile) -> None:
    profile.full_name = f"{ERASED_NAME} #{profile.id}"
    profile.headline = ""
    profile.summary = ""
    profile.location = ""
    profile.mobility, profile.mobility_anywhere = [], False
    profile.phone = None
    profile.linkedin_url = None
    profile.sectors, profile.certifications, profile.stack = [], [], []
    profile.past_roles, profile.references = [], []
    profile.active = False
    profile.revision = profile.revision + 1
    await session.execute(delete(ProfileCompetence).where(ProfileCompetence.profile_id == profile.id))
    await session.execute(delete(ProfileCtoMission).where(ProfileCtoMission.profile_id == profile.id))


async def _close_company(session: AsyncSession, company: Company) -> list[int]:
    company.phone = None
    company.active = False
    company.revision = company.revision + 1
    open_missions = Mission.company_id == company.id, Mission.status == MissionStatus.OPEN
    closing = list(await session.scalars(select(Mission.id).where(*open_missions)))
    await session.execute(
        update(Mission)
        .where(*open_missions)
        .values(status=MissionStatus.CLOSED, revision=Mission.revision + 1)
        .execution_options(synchronize_session=False)
    )
    return closing


async def _mark_matches(session: AsyncSession, match_ids: list[int], by_account_id: int) -> None:
    """One audit row per match: operators see in its history that the account was erased, and by whom."""
    rows = (await session.execute(select(Match.id, Match.status).where(Match.id.in_(match_ids)))).all()
    for match_id, status in rows:
        session.add(
            MatchDecision(
                match_id=match_id,
                actor_account_id=by_account_id,
                from_status=status,
                to_status=status,
                reason=ERASURE_REASON,
            )
        )


async def erase_account(
    session: AsyncSession, account_id: int, *, by_account_id: int, queue: WorkQueue | None = None
) -> ErasureReport:
    """Erase `account_id` (asked by itself or by an operator, `by_account_id`); see the module docstring."""
    account = await session.scalar(select(Account).where(Account.id == account_id).with_for_update())
    if account is None:
        raise NotFound(_("no account %(id)s", id=account_id))
    if account.erased_at is not None:
        raise Conflict(_("account %(id)s was already erased", id=account_id))
    profile = await session.scalar(
        select(FreelancerProfile)
        .where(FreelancerProfile.account_id == account_id)
        .with_for_update(of=FreelancerProfile)
    )
    company = await session.scalar(
        select(Company).where(Company.account_id == account_id).with_for_update(of=Company)
    )
    match_ids: list[int] = []
    closed: list[int] = []
    if profile is not None:
        await _erase_profile(session, profile)
        match_ids = list(await session.scalars(select(Match.id).where(Match.freelancer_id == profile.id)))
    if company is not None:
        closed = await _close_company(session, company)
        mission_ids = select(Mission.id).where(Mission.company_id == company.id)
        match_ids = list(await session.scalars(select(Match.id).where(Match.mission_id.in_(mission_ids))))
    await session.execute(
        update(MatchDecision)
        .where(MatchDecision.actor_account_id == account_id, MatchDecision.reason != "")
        .values(reason=ERASED_TEXT)
        .execution_options(synchronize_session=False)
    )
    await _mark_matches(session, match_ids, by_account_id)
    deleted = await session.execute(
        delete(Notification).where(
            or_(
                Notification.recipient_account_id == account_id,
                func.lower(Notification.recipient_email) == account.email.lower(),
            )
        )
    )
    if match_ids:
        await session.execute(
            update(Notification)
            .where(Notification.match_id.in_(match_ids))
            .values(subject=ERASED_TEXT, body=ERASED_TEXT)
            .execution_options(synchronize_session=False)
        )
    await session.execute(delete(AccountToken).where(AccountToken.account_id == account_id))
    await session.execute(delete(SignInFailure).where(SignInFailure.email == account.email.lower()))
    account.email = pseudonymous_email(account_id)
    account.display_name = ERASED_NAME
    account.password_hash = None
    account.locale = None
    account.active = False
    account.erased_at = utcnow()
    await session.flush()
    report = ErasureReport(
        account_id=account_id,
        profile_id=profile.id if profile else None,
        company_id=company.id if company else None,
        matches_marked=len(match_ids),
        missions_closed=len(closed),
        notifications_deleted=int(deleted.rowcount or 0),  # type: ignore[attr-defined]
    )
    await session.commit()
    logger.info(
        "account erased",
        extra={"account_id": account_id, "by_account_id": by_account_id, "matches": len(match_ids)},
    )
    if queue is not None:
        if profile is not None:
            await queue.profile_changed(profile.id)
        for mission_id in closed:
            await queue.mission_changed(mission_id)
    return report

"""Is a freelancer's availability still right? Confirmations, and the reminder once it gets old.

A profile's start date and days per week go stale silently: a freelancer who took a mission elsewhere
keeps being proposed. So the freelancer confirms them (a button of the web app, or saving the profile),
operators see a profile unconfirmed for `AVAILABILITY_REMINDER_DAYS` as such, and a periodic task
writes one reminder to the outbox then, never a second one before the next confirmation.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from models import Account, FreelancerProfile, Notification
from models.base import utcnow
from service.auth.actor import Actor
from service.errors import Forbidden, NotFound
from service.i18n import _, format_date, use_locale
from service.settings import Settings

#: The reminder period's default (Settings.availability_reminder_days).
DEFAULT_REMINDER_DAYS = 30
REMINDER_KIND = "availability_reminder"
REMINDER_LINK = "/profile"
#: Most reminders written by one run of the task; the next run takes the rest.
REMINDER_BATCH = 500


def is_confirmed(confirmed_at: datetime | None, now: datetime, days: int = DEFAULT_REMINDER_DAYS) -> bool:
    """Confirmed within the last `days` days (never confirmed: not confirmed)."""
    return confirmed_at is not None and confirmed_at > now - timedelta(days=days)


async def confirm_availability(session: AsyncSession, actor: Actor, profile_id: int) -> datetime:
    """The owner says the availability is right: it is confirmed now, and a later reminder may come.

    The revision does not move: nothing the matching reads changed.
    """
    profile = await session.get(FreelancerProfile, profile_id)
    if profile is None:
        raise NotFound(_("no freelancer profile %(id)s", id=profile_id))
    if actor.freelancer_id != profile.id:
        raise Forbidden(_("only the freelancer themself may confirm their availability"))
    now = utcnow()
    await session.execute(
        update(FreelancerProfile)
        .where(FreelancerProfile.id == profile_id)
        .values(availability_confirmed_at=now, availability_reminded_at=None)
        .execution_options(synchronize_session=False)
    )
    await session.commit()
    return now


@dataclass(frozen=True)
class ReminderText:
    subject: str
    body: str


def reminder_text(full_name: str, available_from: date, days_per_week: int) -> ReminderText:
    """The reminder in the current locale (the caller sets the recipient's with `use_locale`)."""
    start = format_date(available_from)
    return ReminderText(
        subject=_("Is your availability still right?"),
        body=_(
            "Hello %(name)s, your profile says you are available from %(start)s, %(days)s days a week. "
            "Companies are proposed freelancers whose availability is up to date: confirm it, or "
            "change it, on your profile page.",
            name=full_name,
            start=start,
            days=days_per_week,
        ),
    )


async def send_availability_reminders(
    session: AsyncSession, settings: Settings, now: datetime | None = None
) -> int:
    """One reminder per active profile unconfirmed for the reminder period and not reminded since.

    A profile never confirmed counts from its creation. Returns how many reminders were written; the
    rows and the profiles' `availability_reminded_at` are committed together, so a rerun (or a second
    beat) writes none again.
    """
    moment = now or utcnow()
    cutoff = moment - timedelta(days=settings.availability_reminder_days)
    rows = (
        await session.execute(
            select(FreelancerProfile, Account)
            .join(Account, FreelancerProfile.account_id == Account.id)
            .where(
                FreelancerProfile.active.is_(True),
                Account.active.is_(True),
                Account.erased_at.is_(None),
                FreelancerProfile.availability_reminded_at.is_(None),
                or_(
                    FreelancerProfile.availability_confirmed_at < cutoff,
                    (FreelancerProfile.availability_confirmed_at.is_(None))
                    & (FreelancerProfile.created_at < cutoff),
                ),
            )
            .order_by(FreelancerProfile.id)
            .limit(REMINDER_BATCH)
            .with_for_update(of=FreelancerProfile, skip_locked=True)
        )
    ).all()
    for profile, account in rows:
        with use_locale(account.locale):
            text = reminder_text(profile.full_name, profile.available_from, profile.days_per_week)
        session.add(
            Notification(
                recipient_account_id=account.id,
                recipient_email=account.email,
                kind=REMINDER_KIND,
                subject=text.subject,
                body=text.body,
                link=REMINDER_LINK,
            )
        )
    if rows:
        await session.execute(
            update(FreelancerProfile)
            .where(FreelancerProfile.id.in_([profile.id for profile, _ in rows]))
            # A reminder is no change of the profile: its updated_at stays (no onupdate).
            .values(availability_reminded_at=moment, updated_at=FreelancerProfile.updated_at)
            .execution_options(synchronize_session=False)
        )
    await session.commit()
    return len(rows)

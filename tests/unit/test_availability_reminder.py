"""The availability reminder (SQLite and PostgreSQL): one reminder per stale profile, never twice before
the next confirmation, none for a recent confirmation, in the account's language, linking to /profile."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

from sqlalchemy import select

from models import Account, FreelancerProfile, Notification
from models.base import utcnow
from models.enums import Orientation, RemotePreference, Role
from service.auth.actor import Actor
from service.db import Database
from service.freelancers.availability import REMINDER_KIND, confirm_availability, send_availability_reminders
from tests.conftest import Backend


async def _profile(
    database: Database, email: str, *, locale: str | None, confirmed_days_ago: int | None
) -> int:
    async with database.session() as session:
        account = Account(email=email, role=Role.FREELANCER, display_name=email, locale=locale)
        session.add(account)
        await session.flush()
        confirmed = None if confirmed_days_ago is None else utcnow() - timedelta(days=confirmed_days_ago)
        profile = FreelancerProfile(
            account_id=account.id,
            full_name=email.split("@")[0].title(),
            headline="CTO",
            years_experience=12,
            tjm=680,
            available_from=date(2027, 1, 4),
            days_per_week=4,
            remote_preference=RemotePreference.HYBRID,
            orientation=Orientation.CTO,
            availability_confirmed_at=confirmed,
        )
        session.add(profile)
        await session.commit()
        return profile.id


async def _reminders(database: Database) -> list[Notification]:
    async with database.session() as session:
        rows = await session.scalars(
            select(Notification).where(Notification.kind == REMINDER_KIND).order_by(Notification.id)
        )
        return list(rows)


async def test_stale_profiles_are_reminded_once_in_their_language(
    backend: Backend, database: Database
) -> None:
    settings = backend.settings
    await _profile(database, "ancienne@example.fr", locale=None, confirmed_days_ago=45)
    await _profile(database, "old@example.com", locale="en", confirmed_days_ago=31)
    await _profile(database, "recente@example.fr", locale="fr", confirmed_days_ago=3)

    async with database.session() as session:
        assert await send_availability_reminders(session, settings) == 2
    async with database.session() as session:
        assert await send_availability_reminders(session, settings) == 0  # not twice

    by_email = {n.recipient_email: n for n in await _reminders(database)}
    assert set(by_email) == {"ancienne@example.fr", "old@example.com"}
    french, english = by_email["ancienne@example.fr"], by_email["old@example.com"]
    assert french.subject == "Votre disponibilité est-elle toujours exacte ?"
    assert "04/01/2027" in french.body and "4" in french.body
    assert english.subject == "Is your availability still right?" and "Hello Old" in english.body
    assert french.link == english.link == "/profile" and french.match_id is None


async def test_a_confirmation_allows_the_next_reminder_after_the_period(
    backend: Backend, database: Database
) -> None:
    profile_id = await _profile(database, "ancienne@example.fr", locale="fr", confirmed_days_ago=40)
    async with database.session() as session:
        assert await send_availability_reminders(session, backend.settings) == 1
    async with database.session() as session:
        account_id = (await session.get(FreelancerProfile, profile_id)).account_id  # type: ignore[union-attr]
        await confirm_availability(session, Actor(account_id, Role.FREELANCER, "x", profile_id), profile_id)
    async with database.session() as session:
        profile = await session.get(FreelancerProfile, profile_id)
        assert profile is not None and profile.availability_reminded_at is None
        assert await send_availability_reminders(session, backend.settings) == 0  # just confirmed
    later = utcnow() + timedelta(days=31)
    async with database.session() as session:
        assert await send_availability_reminders(session, backend.settings, now=later) == 1
    assert len(await _reminders(database)) == 2


async def test_the_period_is_a_setting_and_inactive_profiles_are_left_alone(
    backend: Backend, database: Database
) -> None:
    profile_id = await _profile(database, "pause@example.fr", locale="fr", confirmed_days_ago=10)
    await _profile(database, "never@example.fr", locale="fr", confirmed_days_ago=None)  # created just now
    async with database.session() as session:
        profile = await session.get(FreelancerProfile, profile_id)
        assert profile is not None
        profile.active = False
        await session.commit()
    short = replace(backend.settings, availability_reminder_days=7)
    async with database.session() as session:
        assert await send_availability_reminders(session, short) == 0
    async with database.session() as session:
        profile = await session.get(FreelancerProfile, profile_id)
        assert profile is not None
        profile.active = True
        await session.commit()
    async with database.session() as session:
        assert await send_availability_reminders(session, short) == 1
    assert [n.recipient_email for n in await _reminders(database)] == ["pause@example.fr"]


def test_beat_runs_the_reminder_task(backend: Backend) -> None:
    from service.background.task_names import TASK_REMIND_AVAILABILITY
    from workers import tasks
    from workers.celery_app import create_celery

    schedule = create_celery(backend.settings).conf.beat_schedule
    assert schedule["remind-availability"]["task"] == TASK_REMIND_AVAILABILITY
    assert tasks.remind_availability.name == TASK_REMIND_AVAILABILITY

"""Password sign-in: argon2 hashes, one answer for unknown and wrong, lockouts per account and per client
(in the database: SQLite and PostgreSQL)."""

from __future__ import annotations

from dataclasses import replace

import pytest
from sqlalchemy import func, select

from models import Account, SignInFailure
from models.enums import Role
from service.accounts.authentication import SignInRefused, authenticate
from service.accounts.passwords import hash_password, password_problems, verify_password
from service.db import Database
from service.i18n import use_locale
from service.settings import Settings
from tests.conftest import Backend

PASSWORD = "correct horse battery"


async def _account(database: Database, email: str = "amelie@example.fr", *, active: bool = True) -> int:
    async with database.session() as session:
        account = Account(
            email=email, role=Role.FREELANCER, display_name="Amélie", password_hash=hash_password(PASSWORD)
        )
        account.active = active
        session.add(account)
        await session.commit()
        return account.id


def _settings(backend: Backend, **changes: object) -> Settings:
    return replace(backend.settings, **changes)  # type: ignore[arg-type]


def test_a_hash_is_argon2id_and_checks_only_its_password() -> None:
    stored = hash_password(PASSWORD)
    assert stored.startswith("$argon2id$") and PASSWORD not in stored
    assert verify_password(stored, PASSWORD)
    assert not verify_password(stored, PASSWORD + "!")
    assert not verify_password(None, PASSWORD)
    assert not verify_password("not a hash", PASSWORD)


def test_password_rules_are_said_in_the_readers_language() -> None:
    with use_locale("en"):
        assert password_problems("short") == ["at least 10 characters"]
    with use_locale("fr"):
        assert password_problems("short") == ["au moins 10 caractères"]
    assert password_problems("amelie-2026-secret", email="amelie@example.fr") != []
    assert password_problems(PASSWORD, email="amelie@example.fr") == []


async def test_the_right_password_signs_in_whatever_the_case_of_the_email(
    database: Database, backend: Backend
) -> None:
    account_id = await _account(database)
    async with database.session() as session:
        account = await authenticate(
            session, " Amelie@Example.FR ", PASSWORD, "203.0.113.5", backend.settings
        )
    assert account.id == account_id


async def test_unknown_email_and_wrong_password_get_the_same_answer(
    database: Database, backend: Backend
) -> None:
    await _account(database)
    messages = []
    for email, password in (("nobody@example.fr", PASSWORD), ("amelie@example.fr", "wrong password!")):
        async with database.session() as session:
            with use_locale("en"), pytest.raises(SignInRefused) as refused:
                await authenticate(session, email, password, "203.0.113.5", backend.settings)
        assert not refused.value.locked
        messages.append(refused.value.message)
    assert messages == ["Wrong e-mail or password."] * 2


async def test_an_account_locks_after_its_failures_and_says_for_how_long(
    database: Database, backend: Backend
) -> None:
    await _account(database)
    settings = _settings(backend, sign_in_max_failures=3, sign_in_window_seconds=600.0)
    for attempt in range(3):
        async with database.session() as session:
            with pytest.raises(SignInRefused):
                await authenticate(
                    session, "amelie@example.fr", f"guess {attempt}", f"198.51.100.{attempt}", settings
                )
    async with database.session() as session:
        with use_locale("fr"), pytest.raises(SignInRefused) as refused:
            await authenticate(session, "amelie@example.fr", PASSWORD, "203.0.113.5", settings)
    assert refused.value.locked
    assert refused.value.retry_after is not None and 590 <= refused.value.retry_after <= 600
    assert "10 minutes" in refused.value.message and "réinitialis" in refused.value.message


async def test_a_client_trying_many_accounts_is_locked_out(database: Database, backend: Backend) -> None:
    for n in range(3):
        await _account(database, f"user{n}@example.fr")
    settings = _settings(backend, sign_in_max_failures=10, sign_in_max_failures_per_client=3)
    for n in range(3):
        async with database.session() as session:
            with pytest.raises(SignInRefused):
                await authenticate(session, f"user{n}@example.fr", "guess guess", "192.0.2.9", settings)
    async with database.session() as session:
        with pytest.raises(SignInRefused) as refused:
            await authenticate(session, "user0@example.fr", PASSWORD, "192.0.2.9", settings)
        assert refused.value.locked
        # Another client still signs in to the same account: only the guessing machine is slowed.
        account = await authenticate(session, "user0@example.fr", PASSWORD, "192.0.2.10", settings)
        assert account.email == "user0@example.fr"


async def test_a_success_clears_the_accounts_failures(database: Database, backend: Backend) -> None:
    await _account(database)
    async with database.session() as session:
        with pytest.raises(SignInRefused):
            await authenticate(session, "amelie@example.fr", "wrong password", "192.0.2.1", backend.settings)
        await authenticate(session, "amelie@example.fr", PASSWORD, "192.0.2.1", backend.settings)
        left = await session.scalar(
            select(func.count(SignInFailure.id)).where(SignInFailure.email == "amelie@example.fr")
        )
    assert left == 0


async def test_a_deactivated_account_is_told_so_only_with_the_right_password(
    database: Database, backend: Backend
) -> None:
    await _account(database, active=False)
    async with database.session() as session:
        with use_locale("en"), pytest.raises(SignInRefused) as refused:
            await authenticate(session, "amelie@example.fr", PASSWORD, "192.0.2.1", backend.settings)
    assert "deactivated" in refused.value.message

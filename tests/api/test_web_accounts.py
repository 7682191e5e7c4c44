"""Accounts in the web app over HTTP (SQLite and PostgreSQL): sign-up with every error at once, e-mail
verification and password reset through the links of the stored e-mails, the development mailbox, the
notification centre (own rows only) and sign-out."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import timedelta
from email.message import EmailMessage
from typing import Any

import pytest
from litestar.testing import AsyncTestClient
from sqlalchemy import select, update

from models import Account, AccountToken, Notification, SignInFailure
from models.base import utcnow
from models.enums import Role
from service.app import create_app
from service.db import Database
from service.i18n import LOCALE_COOKIE
from service.notifications.delivery import deliver_pending
from tests.conftest import Backend
from tests.web_client import PASSWORD, WebBrowser, create_web_account
from tests.work_queue import RecordingWorkQueue

Client = AsyncTestClient[Any]
NEW_PASSWORD = "trois mots bien choisis"
_LINK = re.compile(r"https?://\S+(/(?:verify-email|reset-password)/[A-Za-z0-9_-]+)")


def _sign_up_data(**changes: str) -> dict[str, str]:
    data = {
        "role": "freelancer",
        "email": "jeanne.martin@example.fr",
        "display_name": "Jeanne Martin",
        "password": PASSWORD,
        "password_confirm": PASSWORD,
        "locale": "fr",
        "consent": "yes",
    }
    return {**data, **changes}


async def _mails(database: Database, email: str, kind: str) -> list[Notification]:
    async with database.session() as session:
        rows = await session.scalars(
            select(Notification)
            .where(Notification.recipient_email == email, Notification.kind == kind)
            .order_by(Notification.id)
        )
        return list(rows)


def _path_in(notification: Notification) -> str:
    found = _LINK.search(notification.body)
    assert found, notification.body
    assert notification.link == found.group(1)
    return found.group(1)


async def _account(database: Database, email: str) -> Account:
    async with database.session() as session:
        account = await session.scalar(select(Account).where(Account.email == email))
        assert account is not None
        return account


# --- sign-up -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        (
            "en",
            [
                "6 fields to correct",
                "Enter an e-mail address such as",
                "This field is required.",
                "The password must have: at least 10 characters.",
                "The two passwords differ",
                "Choose one of these languages: Français, English.",
                "Tick this box to create an account",
            ],
        ),
        (
            "fr",
            [
                "6 champs à corriger",
                "Saisissez une adresse e-mail comme",
                "Ce champ est obligatoire.",
                "Le mot de passe doit avoir : au moins 10 caractères.",
                "Les deux mots de passe diffèrent",
                "Choisissez l’une de ces langues : Français, English.",
                "Cochez cette case pour créer un compte",
            ],
        ),
    ],
)
async def test_sign_up_says_every_error_at_once_in_the_readers_language(
    client: Client, database: Database, language: str, expected: list[str]
) -> None:
    browser = WebBrowser(client, language=language)
    bad = {"email": "jeanne@", "display_name": " ", "password": "court", "password_confirm": "autre"}
    response = await browser.submit("/sign-up", "/sign-up", _sign_up_data(**bad, locale="de", consent=""))
    assert response.status_code == 400
    text = response.text.replace("&#39;", "’").replace("'", "’")
    for message in expected:
        assert message.replace("'", "’") in text, message
    assert 'value="jeanne@"' in response.text  # what was typed is kept…
    assert "court" not in response.text and "autre" not in response.text  # …never a password
    for field in ("email", "display_name", "password", "password_confirm", "locale", "consent"):
        assert f'id="{field}-error"' in response.text and f'href="#{field}"' in response.text
    async with database.session() as session:
        assert await session.scalar(select(Account.id)) is None


async def test_sign_up_creates_the_account_signs_in_and_sends_the_verification_link(
    client: Client, database: Database, work_queue: RecordingWorkQueue
) -> None:
    browser = WebBrowser(client, language="en")
    response = await browser.submit(
        "/sign-up?role=company",
        "/sign-up",
        _sign_up_data(role="company", display_name="Néobanque SAS", email="RH@Neobanque.fr"),
    )
    assert response.status_code == 303 and response.headers["location"] == "/company/edit"
    account = await _account(database, "rh@neobanque.fr")
    assert account.role is Role.COMPANY and account.locale == "fr" and account.email_verified_at is None
    assert account.password_hash and PASSWORD not in account.password_hash
    (mail,) = await _mails(database, "rh@neobanque.fr", "verify_email")
    assert "Confirmez votre adresse e-mail" in mail.subject  # the account's language, not the page's
    assert ("notifications", None) in work_queue.calls
    me = await browser.get("/account")
    assert me.status_code == 200 and "rh@neobanque.fr" in me.text
    assert "/account/verify-email" in me.text  # the banner: not confirmed yet

    verified = await browser.get(_path_in(mail))
    assert verified.status_code == 303 and verified.headers["location"] == "/missions"
    assert (await _account(database, "rh@neobanque.fr")).email_verified_at is not None
    again = await browser.get(_path_in(mail))
    assert again.status_code == 410 and "Ce lien a déjà été utilisé" in again.text  # the language chosen


async def test_a_used_email_gets_a_clear_message_with_links_and_nothing_more(
    client: Client, database: Database
) -> None:
    await create_web_account(database, Role.COMPANY, "jeanne.martin@example.fr", name="Secret Corp")
    response = await WebBrowser(client, language="en").submit(
        "/sign-up", "/sign-up", _sign_up_data(email="Jeanne.Martin@example.fr")
    )
    assert response.status_code == 400
    assert "An account already uses this e-mail address" in response.text
    assert 'href="/sign-in"' in response.text and 'href="/forgot-password"' in response.text
    assert "Secret Corp" not in response.text  # nothing about the account that holds it


async def test_an_expired_verification_link_says_so_and_offers_a_new_one(
    client: Client, database: Database
) -> None:
    browser = WebBrowser(client, language="en")
    await browser.submit("/sign-up", "/sign-up", _sign_up_data(locale="en"))
    (mail,) = await _mails(database, "jeanne.martin@example.fr", "verify_email")
    async with database.session() as session:
        await session.execute(update(AccountToken).values(expires_at=utcnow() - timedelta(minutes=1)))
        await session.commit()
    expired = await browser.get(_path_in(mail))
    assert expired.status_code == 410 and "This link has expired" in expired.text
    assert 'href="/account/verify-email"' in expired.text
    unknown = await browser.get("/verify-email/not-a-token")
    assert unknown.status_code == 404 and "This link is not valid" in unknown.text


async def test_the_link_is_sent_again_at_most_once_a_minute(client: Client, database: Database) -> None:
    browser = WebBrowser(client, language="en")
    await browser.submit("/sign-up", "/sign-up", _sign_up_data(locale="en"))
    refused = await browser.submit("/account/verify-email", "/account/verify-email", {})
    assert refused.status_code == 303
    assert "less than a minute ago" in (await browser.get("/account/verify-email")).text
    assert len(await _mails(database, "jeanne.martin@example.fr", "verify_email")) == 1
    async with database.session() as session:
        await session.execute(update(AccountToken).values(created_at=utcnow() - timedelta(minutes=2)))
        await session.commit()
    await browser.submit("/account/verify-email", "/account/verify-email", {})
    assert "A new link is on its way" in (await browser.get("/account/verify-email")).text
    first, second = await _mails(database, "jeanne.martin@example.fr", "verify_email")
    assert _path_in(first) != _path_in(second)


# --- password reset ------------------------------------------------------------------------------


async def test_forgot_password_answers_the_same_for_an_unknown_email(
    client: Client, database: Database
) -> None:
    await create_web_account(database, Role.FREELANCER, "amelie@example.fr")
    browser = WebBrowser(client, language="en")
    known = await browser.submit("/forgot-password", "/forgot-password", {"email": "amelie@example.fr"})
    unknown = await browser.submit("/forgot-password", "/forgot-password", {"email": "nobody@example.fr"})
    assert known.status_code == unknown.status_code == 200
    assert "If an account exists for this address" in known.text
    assert known.text.replace("amelie@example.fr", "X") == unknown.text.replace("nobody@example.fr", "X")
    assert len(await _mails(database, "amelie@example.fr", "reset_password")) == 1
    assert await _mails(database, "nobody@example.fr", "reset_password") == []


async def test_reset_flow_end_to_end(client: Client, database: Database) -> None:
    await create_web_account(database, Role.FREELANCER, "amelie@example.fr", verified=False)
    async with database.session() as session:
        session.add(SignInFailure(email="amelie@example.fr", client="203.0.113.9"))
        await session.commit()
    browser = WebBrowser(client, language="en")
    await browser.submit("/forgot-password", "/forgot-password", {"email": "Amelie@example.fr"})
    (mail,) = await _mails(database, "amelie@example.fr", "reset_password")
    path = _path_in(mail)
    form = await browser.get(path)
    assert form.status_code == 200 and 'autocomplete="new-password"' in form.text

    mismatch = await browser.submit(path, path, {"password": NEW_PASSWORD, "password_confirm": "other"})
    assert mismatch.status_code == 400 and "The two passwords differ" in mismatch.text
    done = await browser.submit(path, path, {"password": NEW_PASSWORD, "password_confirm": NEW_PASSWORD})
    assert done.status_code == 303 and done.headers["location"] == "/profile"
    assert (await browser.get("/account")).status_code == 200  # signed in with a fresh session
    account = await _account(database, "amelie@example.fr")
    assert account.email_verified_at is not None
    async with database.session() as session:
        assert await session.scalar(select(SignInFailure.id)) is None

    used = await browser.get(path)
    assert used.status_code == 410 and 'href="/forgot-password"' in used.text
    other = WebBrowser(client, language="en")
    old = await other.submit("/sign-in", "/sign-in", {"email": "amelie@example.fr", "password": PASSWORD})
    assert old.status_code == 401
    await other.sign_in("amelie@example.fr", NEW_PASSWORD)


async def test_a_new_reset_link_retires_the_older_one_and_links_expire(
    client: Client, database: Database
) -> None:
    await create_web_account(database, Role.COMPANY, "rh@neobanque.fr")
    browser = WebBrowser(client, language="en")
    await browser.submit("/forgot-password", "/forgot-password", {"email": "rh@neobanque.fr"})
    async with database.session() as session:  # a minute later
        await session.execute(update(AccountToken).values(created_at=utcnow() - timedelta(minutes=2)))
        await session.commit()
    await browser.submit("/forgot-password", "/forgot-password", {"email": "rh@neobanque.fr"})
    first, second = await _mails(database, "rh@neobanque.fr", "reset_password")
    assert (await browser.get(_path_in(first))).status_code == 410
    assert (await browser.get(_path_in(second))).status_code == 200
    async with database.session() as session:
        await session.execute(update(AccountToken).values(expires_at=utcnow() - timedelta(seconds=1)))
        await session.commit()
    expired = await browser.submit(
        "/forgot-password", _path_in(second), {"password": NEW_PASSWORD, "password_confirm": NEW_PASSWORD}
    )
    assert expired.status_code == 410 and "This link has expired" in expired.text


# --- my account ----------------------------------------------------------------------------------


async def test_my_account_changes_language_and_password(client: Client, database: Database) -> None:
    await create_web_account(database, Role.FREELANCER, "amelie@example.fr")
    browser = WebBrowser(client, language="en")
    await browser.sign_in("amelie@example.fr")
    saved = await browser.submit("/account", "/account/language", {"locale": "en"})
    assert saved.status_code == 303 and f"{LOCALE_COOKIE}=en" in saved.headers["set-cookie"]
    assert (await _account(database, "amelie@example.fr")).locale == "en"

    wrong = await browser.submit(
        "/account",
        "/account/password",
        {"current_password": "nope", "password": "x", "password_confirm": "y"},
    )
    assert wrong.status_code == 400
    assert "This is not your current password." in wrong.text and "at least 10 characters" in wrong.text
    changed = await browser.submit(
        "/account",
        "/account/password",
        {"current_password": PASSWORD, "password": NEW_PASSWORD, "password_confirm": NEW_PASSWORD},
    )
    assert changed.status_code == 303
    await WebBrowser(client).sign_in("amelie@example.fr", NEW_PASSWORD)


async def test_sign_out_ends_the_session(client: Client, database: Database) -> None:
    await create_web_account(database, Role.COMPANY, "rh@neobanque.fr")
    browser = WebBrowser(client)
    await browser.sign_in("rh@neobanque.fr")
    assert (await browser.get("/account")).status_code == 200
    await browser.submit("/account", "/sign-out", {})
    after = await browser.get("/account")
    assert after.status_code == 303 and after.headers["location"].startswith("/sign-in?next=%2Faccount")


# --- notification centre -------------------------------------------------------------------------


async def _notify(
    database: Database, account_id: int, email: str, subject: str, link: str | None = None
) -> int:
    async with database.session() as session:
        row = Notification(
            recipient_account_id=account_id,
            recipient_email=email,
            kind="test",
            subject=subject,
            body="Body of " + subject,
            link=link,
        )
        session.add(row)
        await session.commit()
        return row.id


async def test_the_notification_centre_shows_own_rows_and_marks_them_read(
    client: Client, database: Database
) -> None:
    mine = await create_web_account(database, Role.FREELANCER, "amelie@example.fr")
    theirs = await create_web_account(database, Role.COMPANY, "rh@neobanque.fr")
    first = await _notify(database, mine, "amelie@example.fr", "Mission proposed", "/proposals/7")
    second = await _notify(database, mine, "amelie@example.fr", "Second news")
    foreign = await _notify(database, theirs, "rh@neobanque.fr", "Not for Amelie")
    browser = WebBrowser(client, language="en")
    await browser.sign_in("amelie@example.fr")
    centre = await browser.get("/notifications")
    assert centre.status_code == 200
    assert "Not for Amelie" not in centre.text
    assert centre.text.index("Second news") < centre.text.index("Mission proposed")  # newest first
    assert 'href="/proposals/7"' in centre.text
    assert '<span class="badge" aria-label="2 unread">2</span>' in centre.text

    assert (await browser.submit("/notifications", f"/notifications/{foreign}/read", {})).status_code == 404
    read = await browser.submit("/notifications", f"/notifications/{first}/read", {})
    assert read.status_code == 303
    assert '<span class="badge" aria-label="1 unread">1</span>' in (await browser.get("/notifications")).text
    await browser.submit("/notifications", "/notifications/read-all", {})
    after = await browser.get("/notifications")
    assert 'class="badge"' not in after.text
    async with database.session() as session:
        other = await session.get(Notification, foreign)
        assert other is not None and other.read_at is None
        assert all(
            row.read_at is not None
            for row in await session.scalars(select(Notification).where(Notification.id.in_([first, second])))
        )


# --- development mailbox -------------------------------------------------------------------------


async def test_the_mailbox_lists_messages_with_clickable_links(client: Client, database: Database) -> None:
    browser = WebBrowser(client, language="en")
    await browser.submit("/sign-up", "/sign-up", _sign_up_data(locale="en"))
    listing = await browser.get("/dev/mailbox")
    assert listing.status_code == 200 and "jeanne.martin@example.fr" in listing.text
    (mail,) = await _mails(database, "jeanne.martin@example.fr", "verify_email")
    message = await WebBrowser(client).get(f"/dev/mailbox/{mail.id}")
    assert message.status_code == 200 and "Confirm your e-mail address" in message.text
    assert f'href="{_LINK.search(mail.body).group(0)}"' in message.text  # type: ignore[union-attr]


@pytest.mark.parametrize("change", [{"environment": "production"}, {"smtp_url": "smtp://127.0.0.1:2525"}])
async def test_the_mailbox_is_404_in_production_or_with_a_mail_server(
    backend: Backend, database: Database, work_queue: RecordingWorkQueue, change: dict[str, str]
) -> None:
    settings = replace(backend.settings, **change)  # type: ignore[arg-type]
    async with AsyncTestClient(app=create_app(settings, work_queue=work_queue)) as client:
        assert (await client.get("/dev/mailbox")).status_code == 404
        assert (await client.get("/dev/mailbox/1")).status_code == 404


async def test_the_mail_sent_by_smtp_carries_the_full_link(
    client: Client, database: Database, backend: Backend
) -> None:
    await WebBrowser(client, language="en").submit("/sign-up", "/sign-up", _sign_up_data(locale="en"))
    sent: list[EmailMessage] = []
    settings = replace(
        backend.settings, smtp_url="smtp://127.0.0.1:2525", public_url="https://ctomatch.example"
    )
    async with database.session() as session:
        report = await deliver_pending(session, settings, sender=sent.append)
    assert report.delivered == 1
    (message,) = sent
    assert message["To"] == "jeanne.martin@example.fr"
    assert message["Subject"] == "Confirm your e-mail address for ctomatch"
    (mail,) = await _mails(database, "jeanne.martin@example.fr", "verify_email")
    body = message.get_content()
    assert "Hello Jeanne Martin," in body and f"{backend.settings.site_url}{mail.link}" in body

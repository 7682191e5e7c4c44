"""Accounts made and looked after on the web: sign-up, e-mail verification, password reset and change.

The rules live here so every door (the web app today, the API tomorrow) enforces the same ones. A
form's problems come back all at once as codes per field (`Problem`); the page chooses the words.
Password rules come already worded, from `password_problems`. A sign-up creates the account only: no
profile, no API key (its owner creates one later, if they use the API).
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Final

from sqlalchemy import delete
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from models import Account, SignInFailure
from models.base import utcnow
from models.enums import Role, TokenPurpose
from service.accounts.authentication import normalise_email
from service.accounts.passwords import hash_password, password_problems, verify_password
from service.accounts.services import email_taken, get_account_by_email
from service.accounts.tokens import consume_token, find_token, issue_token, latest_token_time
from service.background.queue import WorkQueue
from service.errors import NotFound
from service.i18n import SUPPORTED_LOCALES
from service.notifications.account_mail import add_reset_password, add_verify_email
from service.settings import Settings

logger = logging.getLogger("ctomatch.accounts")

#: The roles that sign up on the web (operators are created by an operator or the command line).
SIGN_UP_ROLES: Final = (Role.FREELANCER, Role.COMPANY)
NAME_MAX: Final = 200
EMAIL_MAX: Final = 254
_EMAIL: Final = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
#: At most one verification e-mail per account in this period.
RESEND_INTERVAL: Final = timedelta(minutes=1)
VERIFY_PATH: Final = "/verify-email/"
RESET_PATH: Final = "/reset-password/"


@dataclass(frozen=True)
class Problem:
    """What is wrong with one field: a code the page words, and (password rules) worded details."""

    code: str
    details: tuple[str, ...] = ()


Problems = dict[str, list[Problem]]


class FormRefused(Exception):
    """Nothing was changed; `problems` holds every problem of the form, by field name."""

    def __init__(self, problems: Problems) -> None:
        super().__init__(", ".join(problems))
        self.problems = problems


@dataclass
class SignUp:
    role: Role
    email: str
    display_name: str
    password: str
    password_confirm: str
    locale: str
    consent: bool


def _add(problems: Problems, name: str, problem: Problem) -> None:
    problems.setdefault(name, []).append(problem)


def _new_password_problems(problems: Problems, password: str, confirm: str, email: str) -> None:
    rules = password_problems(password, email=email)
    if not password:
        _add(problems, "password", Problem("required"))
    elif rules:
        _add(problems, "password", Problem("password_rules", tuple(rules)))
    if password and confirm != password:
        _add(problems, "password_confirm", Problem("password_mismatch"))


def email_problem(email: str) -> Problem | None:
    if not email:
        return Problem("required")
    if len(email) > EMAIL_MAX or not _EMAIL.fullmatch(email):
        return Problem("email_format")
    return None


async def sign_up_problems(session: AsyncSession, form: SignUp) -> Problems:
    """Every problem of a sign-up form at once (empty: it can be created)."""
    problems: Problems = {}
    email = normalise_email(form.email)
    if (problem := email_problem(email)) is not None:
        _add(problems, "email", problem)
    elif await email_taken(session, email):
        _add(problems, "email", Problem("email_taken"))
    name = form.display_name.strip()
    if not name:
        _add(problems, "display_name", Problem("required"))
    elif len(name) > NAME_MAX:
        _add(problems, "display_name", Problem("too_long"))
    _new_password_problems(problems, form.password, form.password_confirm, email)
    if form.locale not in SUPPORTED_LOCALES:
        _add(problems, "locale", Problem("unknown_locale"))
    if not form.consent:
        _add(problems, "consent", Problem("consent_required"))
    return problems


def _queue_verification(session: AsyncSession, account: Account, value: str, settings: Settings) -> None:
    add_verify_email(session, account, VERIFY_PATH + value, settings.site_url)


async def sign_up(
    session: AsyncSession, form: SignUp, settings: Settings, queue: WorkQueue | None
) -> Account:
    """Creates and commits the account and its verification e-mail; `FormRefused` with every problem.

    Two sign-ups of one e-mail at once: the unique index refuses the second, which gets `email_taken`.
    """
    if form.role not in SIGN_UP_ROLES:
        raise ValueError(f"no web sign-up for role {form.role}")
    problems = await sign_up_problems(session, form)
    if problems:
        raise FormRefused(problems)
    account = Account(
        email=normalise_email(form.email),
        role=form.role,
        display_name=form.display_name.strip(),
        password_hash=hash_password(form.password),
        locale=form.locale,
    )
    session.add(account)
    try:
        await session.flush()
        issued = await issue_token(session, account, TokenPurpose.VERIFY_EMAIL, settings.secret_key)
        _queue_verification(session, account, issued.value, settings)
        await session.commit()
    except IntegrityError:
        await session.rollback()
        raise FormRefused({"email": [Problem("email_taken")]}) from None
    logger.info("account %s (%s) signed up on the web", account.id, account.role)
    if queue is not None:
        await queue.notifications_pending()
    return account


async def resend_verification(
    session: AsyncSession,
    account: Account,
    settings: Settings,
    queue: WorkQueue | None,
    *,
    now: datetime | None = None,
) -> bool:
    """A new verification e-mail, unless one went less than a minute ago (False) or it is verified."""
    moment = now or utcnow()
    if account.email_verified_at is not None:
        return False
    last = await latest_token_time(session, account.id, TokenPurpose.VERIFY_EMAIL)
    if last is not None and moment - last < RESEND_INTERVAL:
        return False
    issued = await issue_token(session, account, TokenPurpose.VERIFY_EMAIL, settings.secret_key, now=moment)
    _queue_verification(session, account, issued.value, settings)
    await session.commit()
    if queue is not None:
        await queue.notifications_pending()
    return True


async def verify_email(session: AsyncSession, token: str, settings: Settings) -> Account:
    """Uses a verification link; `TokenRefused` says why it cannot be."""
    account = await consume_token(session, token, TokenPurpose.VERIFY_EMAIL, settings.secret_key)
    if account.email_verified_at is None:
        account.email_verified_at = utcnow()
    await session.commit()
    logger.info("account %s verified its e-mail", account.id)
    return account


async def request_password_reset(
    session: AsyncSession, email: str, settings: Settings, queue: WorkQueue | None
) -> None:
    """Sends a reset link if such an account can sign in; says nothing either way (no enumeration)."""
    address = normalise_email(email)
    if email_problem(address) is not None:
        return
    try:
        account = await get_account_by_email(session, address)
    except NotFound:
        logger.info("password reset asked for an unknown e-mail")
        return
    if not account.active or account.erased_at is not None:
        return
    last = await latest_token_time(session, account.id, TokenPurpose.RESET_PASSWORD)
    if last is not None and utcnow() - last < RESEND_INTERVAL:
        return  # the link sent a moment ago still works; do not flood the mailbox
    issued = await issue_token(session, account, TokenPurpose.RESET_PASSWORD, settings.secret_key)
    add_reset_password(session, account, RESET_PATH + issued.value, settings.site_url)
    await session.commit()
    logger.info("password reset link sent to account %s", account.id)
    if queue is not None:
        await queue.notifications_pending()


def _set_password(account: Account, password: str) -> None:
    account.password_hash = hash_password(password)


async def reset_password(
    session: AsyncSession, token: str, password: str, confirm: str, settings: Settings
) -> Account:
    """Sets a new password with a reset link: it verifies the e-mail too (the link came by mail) and
    clears the account's sign-in failures. `TokenRefused` for a bad link, `FormRefused` for the form
    (then the link stays usable)."""
    _, account = await find_token(session, token, TokenPurpose.RESET_PASSWORD, settings.secret_key)
    problems: Problems = {}
    _new_password_problems(problems, password, confirm, account.email)
    if problems:
        raise FormRefused(problems)
    await consume_token(session, token, TokenPurpose.RESET_PASSWORD, settings.secret_key)
    _set_password(account, password)
    if account.email_verified_at is None:
        account.email_verified_at = utcnow()
    await session.execute(delete(SignInFailure).where(SignInFailure.email == normalise_email(account.email)))
    await session.commit()
    logger.info("account %s reset its password", account.id)
    return account


async def change_password(
    session: AsyncSession, account: Account, current: str, password: str, confirm: str
) -> None:
    """A signed-in person changes their password; the current one is asked again."""
    problems: Problems = {}
    if not current:
        _add(problems, "current_password", Problem("required"))
    elif not verify_password(account.password_hash, current):
        _add(problems, "current_password", Problem("wrong_password"))
    _new_password_problems(problems, password, confirm, account.email)
    if problems:
        raise FormRefused(problems)
    _set_password(account, password)
    await session.commit()
    logger.info("account %s changed its password", account.id)


async def set_language(session: AsyncSession, account: Account, locale: str) -> None:
    """The account's language, for what is sent to it (e-mails) and shown to it."""
    if locale not in SUPPORTED_LOCALES:
        raise FormRefused({"locale": [Problem("unknown_locale")]})
    account.locale = locale
    await session.commit()

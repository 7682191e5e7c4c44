"""Operators sign in to the console with their e-mail and password too (SQLite and PostgreSQL, HTTP client).

Only operators get in; the session opened with a password ends when the account is deactivated or the
password changes, and survives a rotation of the account's API key (service/web/session.py).
"""

from __future__ import annotations

import html
import re
from typing import Any

import httpx
import pytest
from litestar.testing import AsyncTestClient
from sqlalchemy import select

from models import Account
from models.enums import Role
from service.accounts.passwords import hash_password
from service.app import create_app
from service.db import Database
from service.web.session import CSRF_COOKIE, SESSION_COOKIE
from tests.conftest import Backend
from tests.factories import Caller, unique_email
from tests.work_queue import RecordingWorkQueue

Client = AsyncTestClient[Any]
PASSWORD = "une phrase de passe assez longue"


@pytest.fixture
def web(client: Client) -> Client:
    client.follow_redirects = False
    client.headers["Accept-Language"] = "en"
    return client


async def _account_with_password(
    database: Database, role: Role, *, account_id: int | None = None, password: str = PASSWORD
) -> tuple[int, str]:
    """Give an existing account (or a new one of `role`) a password; return its id and e-mail."""
    async with database.session() as session:
        if account_id is None:
            account = Account(email=unique_email(role.value), role=role, display_name=f"A {role.value}")
            session.add(account)
        else:
            account = (await session.scalars(select(Account).where(Account.id == account_id))).one()
        account.password_hash = hash_password(password)
        await session.commit()
        return account.id, account.email


async def _change(database: Database, account_id: int, **values: Any) -> None:
    async with database.session() as session:
        account = (await session.scalars(select(Account).where(Account.id == account_id))).one()
        for name, value in values.items():
            setattr(account, name, value)
        await session.commit()


def _csrf(page: str) -> str:
    found = re.search(r'name="_csrf_token" value="([0-9a-f]+)"', page)
    assert found, "no CSRF field in the page"
    return found.group(1)


async def _sign_in(web: Client, email: str, password: str, next_path: str = "") -> httpx.Response:
    form = await web.get("/console/sign-in")
    data = {"method": "password", "email": email, "password": password, "next": next_path}
    return await web.post("/console/sign-in", data={**data, "_csrf_token": _csrf(form.text)})


def _error(response: httpx.Response) -> str:
    found = re.search(
        r'<div class="form-error" role="alert" id="sign-in-error">(.*?)</div>', response.text, re.S
    )
    assert found, "no error on the sign-in page"
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", found.group(1)))).strip()


async def test_an_operator_signs_in_with_a_password(web: Client, database: Database) -> None:
    _, email = await _account_with_password(database, Role.OPERATOR)
    assert (await web.get("/console/queue")).status_code == 303
    signed_in = await _sign_in(web, email.upper(), PASSWORD, next_path="/console/queue")
    assert (signed_in.status_code, signed_in.headers["location"]) == (303, "/console/queue")
    cookies = signed_in.headers.get_list("set-cookie")
    session_cookie = next(c for c in cookies if c.startswith(f"{SESSION_COOKIE}="))
    assert "HttpOnly" in session_cookie and PASSWORD.split()[0] not in session_cookie
    assert any(c.startswith(f"{CSRF_COOKIE}=") and "Max-Age=0" in c for c in cookies)  # token renewed
    page = await web.get("/console/queue")
    assert page.status_code == 200 and "Signed in as" in page.text


async def test_wrong_passwords_are_refused_then_locked_out(web: Client, database: Database) -> None:
    _, email = await _account_with_password(database, Role.OPERATOR)
    blank = await _sign_in(web, email, "")
    assert blank.status_code == 400 and "Enter the e-mail address and the password" in _error(blank)
    wrong = await _sign_in(web, email, "not the password")
    assert wrong.status_code == 401 and "Wrong e-mail or password." in _error(wrong)
    assert SESSION_COOKIE not in wrong.headers.get("set-cookie", "")
    assert (
        email in wrong.text and "not the password" not in wrong.text
    )  # the e-mail is kept, not the password
    for _ in range(4):  # five failures in all: the default lockout
        await _sign_in(web, email, "still not it")
    locked = await _sign_in(web, email, PASSWORD)  # even the right password waits now
    assert locked.status_code == 429 and int(locked.headers["retry-after"]) > 0
    assert "Too many wrong passwords" in _error(locked)
    assert (await web.get("/console")).status_code == 303


@pytest.mark.parametrize("role", [Role.FREELANCER, Role.COMPANY])
async def test_other_accounts_are_sent_to_the_web_app(web: Client, database: Database, role: Role) -> None:
    _, email = await _account_with_password(database, role)
    refused = await _sign_in(web, email, PASSWORD)
    assert refused.status_code == 403
    assert f"This is a {role.value} account: the console is for operators only." in _error(refused)
    assert '<a href="/">Go to the web app</a>' in refused.text
    assert SESSION_COOKIE not in refused.headers.get("set-cookie", "")
    assert (await web.get("/console")).status_code == 303
    web.headers["Accept-Language"] = "fr"
    in_french = await _sign_in(web, email, PASSWORD)
    assert "la console est réservée aux opérateurs" in _error(in_french)
    assert "Aller à l'application web" in _error(in_french)


async def test_deactivating_the_account_ends_a_password_session(web: Client, database: Database) -> None:
    operator_id, email = await _account_with_password(database, Role.OPERATOR)
    await _sign_in(web, email, PASSWORD)
    assert (await web.get("/console/missions")).status_code == 200
    await _change(database, operator_id, active=False)
    ended = await web.get("/console/missions")
    assert ended.status_code == 303 and ended.headers["location"].startswith("/console/sign-in")
    await _change(database, operator_id, active=True)
    assert (await web.get("/console/missions")).status_code == 303  # the session stays ended


async def test_a_key_rotation_keeps_a_password_session_and_a_new_password_ends_it(
    web: Client, database: Database, operator: Caller
) -> None:
    _, email = await _account_with_password(database, Role.OPERATOR, account_id=operator.id)
    await _sign_in(web, email, PASSWORD)
    assert (await web.get("/console/queue")).status_code == 200
    rotated = await web.post(f"/api/v1/accounts/{operator.id}/api-key", headers=operator.headers)
    assert rotated.status_code == 201, rotated.text
    assert (await web.get("/console/queue")).status_code == 200  # the password did not leak with the key

    await _change(database, operator.id, password_hash=hash_password("a brand new passphrase"))
    ended = await web.get("/console/queue")
    assert ended.status_code == 303 and ended.headers["location"].startswith("/console/sign-in")
    again = await _sign_in(web, email, "a brand new passphrase")
    assert again.status_code == 303 and (await web.get("/console/queue")).status_code == 200


async def test_a_key_session_ignores_a_password_change(
    web: Client, database: Database, operator: Caller
) -> None:
    await _account_with_password(database, Role.OPERATOR, account_id=operator.id)
    form = await web.get("/console/sign-in")
    signed_in = await web.post(
        "/console/sign-in", data={"api_key": operator.api_key, "_csrf_token": _csrf(form.text)}
    )
    assert signed_in.status_code == 303
    await _change(database, operator.id, password_hash=hash_password("another passphrase, longer"))
    assert (await web.get("/console/queue")).status_code == 200


async def test_a_console_session_survives_a_restart_of_the_api(
    web: Client, database: Database, backend: Backend, work_queue: RecordingWorkQueue
) -> None:
    """Sessions live in the session store (files under the data directory here, Redis in production),
    not in the process: a new app on the same settings still knows the signed-in operator."""
    _, email = await _account_with_password(database, Role.OPERATOR)
    await _sign_in(web, email, PASSWORD)
    assert (await web.get("/console/queue")).status_code == 200
    restarted = create_app(backend.settings, work_queue=work_queue)
    async with AsyncTestClient(app=restarted) as after:
        after.cookies = web.cookies
        after.headers["Accept-Language"] = "en"
        page = await after.get("/console/queue", follow_redirects=False)
        assert page.status_code == 200 and "Signed in as" in page.text

"""A browser for the web app in HTTP-client tests: its own cookie jar, CSRF tokens read from pages,
password sign-in; and accounts made straight in the database (signed up and verified)."""

from __future__ import annotations

import re
from typing import Any

import httpx
from litestar.testing import AsyncTestClient

from models import Account, FreelancerProfile
from models.base import utcnow
from models.enums import Role
from service.accounts.passwords import hash_password
from service.db import Database

Client = AsyncTestClient[Any]
PASSWORD = "un mot de passe solide"
_CSRF_FIELD = re.compile(r'name="_csrf_token" value="([0-9a-f]+)"')


async def create_web_account(
    database: Database,
    role: Role,
    email: str,
    *,
    password: str = PASSWORD,
    name: str = "",
    verified: bool = True,
) -> int:
    """An account as sign-up and e-mail verification leave it (no profile, no API key yet)."""
    async with database.session() as session:
        account = Account(
            email=email.lower(),
            role=role,
            display_name=name or email.split("@", 1)[0],
            password_hash=hash_password(password),
            email_verified_at=utcnow() if verified else None,
        )
        session.add(account)
        await session.commit()
        return account.id


class WebBrowser:
    """One browser on the shared test client: its cookies are swapped in for each of its requests."""

    def __init__(self, client: Client, *, language: str | None = None) -> None:
        self.client = client
        self.jar = httpx.Cookies()
        self.headers = {"Accept-Language": language} if language else {}

    async def request(self, method: str, url: str, **kwargs: Any) -> httpx.Response:
        self.client.cookies = self.jar
        headers = {**self.headers, **kwargs.pop("headers", {})}
        try:
            return await self.client.request(method, url, headers=headers, follow_redirects=False, **kwargs)
        finally:
            self.jar = httpx.Cookies(self.client.cookies)
            self.client.cookies = httpx.Cookies()

    async def get(self, url: str, **kwargs: Any) -> httpx.Response:
        return await self.request("GET", url, **kwargs)

    async def token(self, path: str) -> str:
        """The CSRF token of the forms of a page (GET it first, as a browser does)."""
        page = await self.get(path)
        found = _CSRF_FIELD.search(page.text)
        assert page.status_code == 200 and found, f"no form token on {path} ({page.status_code})"
        return found.group(1)

    async def submit(self, form_page: str, action: str, data: dict[str, Any]) -> httpx.Response:
        """Fill in and send a form found on `form_page`, with that page's CSRF token."""
        token = await self.token(form_page)
        return await self.request("POST", action, data={**data, "_csrf_token": token})

    async def sign_in(self, email: str, password: str = PASSWORD, next_path: str = "") -> httpx.Response:
        response = await self.submit(
            "/sign-in", "/sign-in", {"email": email, "password": password, "next": next_path}
        )
        assert response.status_code == 303, f"sign-in refused: {response.status_code} {response.text[:300]}"
        return response


async def give_web_password(database: Database, profile_id: int) -> str:
    """Let an API-registered freelancer sign in to the web app: PASSWORD and a verified e-mail on the
    profile's account; returns the e-mail to sign in with."""
    async with database.session() as session:
        profile = await session.get(FreelancerProfile, profile_id)
        assert profile is not None
        account = await session.get(Account, profile.account_id)
        assert account is not None
        account.password_hash, account.email_verified_at = hash_password(PASSWORD), utcnow()
        await session.commit()
        return account.email

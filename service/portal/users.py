"""Who is signed in to the web app: the account, its role and what it owns (profile or company).

Pages declare `user: SignedInUser` (any signed-in account), `freelancer_user: SignedInFreelancer`,
`company_user: SignedInCompany` or `maybe_user: MaybeSignedIn` (the dependency is named by the
parameter); the portal router provides them from the session, or sends the visitor to sign in.
A signed-in account of another role gets a 403 page, never another account's data.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, TypeAlias

from litestar import Request
from litestar.di import NamedDependency
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from models import Account, Company, FreelancerProfile, Notification
from models.enums import Role
from service.auth.actor import Actor
from service.handler_params import DbSession
from service.i18n import _
from service.portal.session import close_session, session_account_id


class SignInRequired(Exception):
    """No valid session: the router's handler redirects to the sign-in page, back to `next`."""

    def __init__(self, next_path: str) -> None:
        super().__init__("sign in to use this page")
        self.next_path = next_path


class WrongRole(Exception):
    """A signed-in account on a page of another role (a company on a freelancer's page)."""

    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail


@dataclass(frozen=True)
class PortalUser:
    """The signed-in account, as the services' `Actor` plus what the layout shows."""

    actor: Actor
    name: str
    email_verified: bool
    unread_notifications: int
    locale: str | None

    @property
    def role(self) -> Role:
        return self.actor.role

    @property
    def account_id(self) -> int:
        return self.actor.account_id


async def load_user(session: AsyncSession, account_id: int | None) -> PortalUser | None:
    """The account behind a session, if it still exists, is active and has not been erased."""
    if account_id is None:
        return None
    account = await session.get(Account, account_id, populate_existing=True)
    if account is None or not account.active or account.erased_at is not None:
        return None
    freelancer_id = company_id = None
    if account.role is Role.FREELANCER:
        freelancer_id = await session.scalar(
            select(FreelancerProfile.id).where(FreelancerProfile.account_id == account.id)
        )
    elif account.role is Role.COMPANY:
        company_id = await session.scalar(select(Company.id).where(Company.account_id == account.id))
    unread = await session.scalar(
        select(func.count(Notification.id)).where(
            Notification.recipient_account_id == account.id, Notification.read_at.is_(None)
        )
    )
    actor = Actor(account.id, account.role, account.email, freelancer_id, company_id)
    return PortalUser(
        actor, account.display_name, account.email_verified_at is not None, unread or 0, account.locale
    )


def _here(request: Request[Any, Any, Any]) -> str:
    return request.url.path + (f"?{request.url.query}" if request.url.query else "")


async def provide_optional_user(request: Request[Any, Any, Any], db_session: DbSession) -> PortalUser | None:
    """The signed-in account or None (public pages that change with it: the home page, the header)."""
    user = await load_user(db_session, session_account_id(request))
    if user is None and session_account_id(request) is not None:
        close_session(request)
    return user


async def provide_user(request: Request[Any, Any, Any], db_session: DbSession) -> PortalUser:
    user = await provide_optional_user(request, db_session)
    if user is None:
        raise SignInRequired(_here(request) if request.method == "GET" else "/")
    return user


async def provide_freelancer(request: Request[Any, Any, Any], db_session: DbSession) -> PortalUser:
    user = await provide_user(request, db_session)
    if user.role is not Role.FREELANCER:
        raise WrongRole(_("This page is for freelance CTOs."))
    return user


async def provide_company(request: Request[Any, Any, Any], db_session: DbSession) -> PortalUser:
    user = await provide_user(request, db_session)
    if user.role is not Role.COMPANY:
        raise WrongRole(_("This page is for companies."))
    return user


SignedInUser: TypeAlias = NamedDependency[PortalUser]
MaybeSignedIn: TypeAlias = NamedDependency[PortalUser | None]
SignedInFreelancer: TypeAlias = NamedDependency[PortalUser]
SignedInCompany: TypeAlias = NamedDependency[PortalUser]

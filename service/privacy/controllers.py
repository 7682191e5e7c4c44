"""The data-rights routes of the JSON API: my data as JSON, erase my account, an operator erasing one."""

from __future__ import annotations

from typing import Annotated, Any

import msgspec
from litestar import Controller, get, post
from litestar.datastructures import CacheControlHeader
from litestar.openapi.spec import Example
from litestar.params import Body

from models.enums import Role
from service.auth.actor import roles
from service.errors import FieldError, InvalidInput
from service.handler_params import BackgroundQueue, CurrentActor, DbSession, PathId
from service.i18n import _
from service.privacy.erasure import ErasureReport, erase_account
from service.privacy.export import export_account

NO_STORE = CacheControlHeader(no_store=True)
ALL_ROLES = (Role.FREELANCER, Role.COMPANY, Role.OPERATOR)


class EraseMine(msgspec.Struct, forbid_unknown_fields=True):
    """Erasure cannot be undone: the caller types their own e-mail address to confirm it."""

    confirm_email: str


class ErasureOut(msgspec.Struct):
    account_id: int
    profile_id: int | None
    company_id: int | None
    matches_marked: int
    missions_closed: int
    notifications_deleted: int


def _out(report: ErasureReport) -> ErasureOut:
    return ErasureOut(**{f: getattr(report, f) for f in ErasureOut.__struct_fields__})


class PrivacyController(Controller):
    path = "/api/v1"
    tags = ["accounts"]  # noqa: RUF012

    @get(
        "/me/data",
        opt=roles(*ALL_ROLES),
        summary="Everything stored about me (GDPR art. 20)",
        description=(
            "Roles: any signed-in account, for its own data only. The account, its profile or company and "
            "missions, every match that concerns it with its decisions, its notifications; hashes of "
            "secrets are left out."
        ),
        cache_control=NO_STORE,
    )
    async def my_data(self, db_session: DbSession, actor: CurrentActor) -> dict[str, Any]:
        return await export_account(db_session, actor.account_id)

    @post(
        "/me/erase",
        opt=roles(Role.FREELANCER, Role.COMPANY),
        summary="Erase my account (GDPR art. 17)",
        description=(
            "Roles: freelancer, company, for their own account. Send your e-mail address as "
            "`confirm_email`. Personal data are erased or pseudonymised at once, the profile leaves "
            "matching, a company's open missions close; the audit rows of decisions stay, without personal "
            "data. The API key stops working."
        ),
        status_code=200,
    )
    async def erase_mine(
        self,
        db_session: DbSession,
        actor: CurrentActor,
        work_queue: BackgroundQueue,
        data: Annotated[
            EraseMine, Body(examples=[Example(value={"confirm_email": "amelie.martin@example.fr"})])
        ],
    ) -> ErasureOut:
        if data.confirm_email.strip().lower() != actor.email.lower():
            reason = _("must be the e-mail address of this account, to confirm the erasure")
            raise InvalidInput([FieldError("body.confirm_email", reason)])
        report = await erase_account(
            db_session, actor.account_id, by_account_id=actor.account_id, queue=work_queue
        )
        return _out(report)

    @post(
        "/accounts/{account_id:str}/erase",
        opt=roles(Role.OPERATOR),
        summary="Erase an account (GDPR art. 17, at the person's request)",
        description="Roles: operator. As `POST /api/v1/me/erase`, recorded with the operator as its author.",
        status_code=200,
    )
    async def erase_one(
        self, db_session: DbSession, actor: CurrentActor, work_queue: BackgroundQueue, account_id: PathId
    ) -> ErasureOut:
        report = await erase_account(db_session, account_id, by_account_id=actor.account_id, queue=work_queue)
        return _out(report)

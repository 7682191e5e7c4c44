"""Account routes: who the API key belongs to (`GET /api/v1/me`), and a new key for a lost one.

Also the `Idempotency-Key` header the registration routes accept, declared once for both.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import msgspec
from litestar import Controller, get, post
from litestar.datastructures import CacheControlHeader
from litestar.params import HeaderParameter

from models.enums import Role
from service.accounts.services import (
    IDEMPOTENCY_HEADER,
    IDEMPOTENCY_KEY_PATTERN,
    get_account,
    replace_api_key,
)
from service.auth.actor import roles
from service.handler_params import AppSettings, CurrentActor, DbSession, PathId

#: Responses that carry an API key must not be kept by any cache.
NO_STORE = CacheControlHeader(no_store=True)

IdempotencyKey = Annotated[
    str | None,
    HeaderParameter(
        name=IDEMPOTENCY_HEADER,
        description=(
            "Optional, 8 to 255 visible ASCII characters (a random UUID is a good choice). A registration "
            "retried with the same key and the same body within 24 hours answers 201 with the same "
            "account and a new API key that replaces the first one; the same key with another body is 422."
        ),
        # Documented here, checked by the service so a bad key is a 422 naming `header.Idempotency-Key`.
        schema_extra={"minLength": 8, "maxLength": 255, "pattern": IDEMPOTENCY_KEY_PATTERN},
    ),
]


class MeOut(msgspec.Struct):
    account_id: int
    role: Role
    email: str
    freelancer_id: int | None
    company_id: int | None


class ApiKeyIssued(msgspec.Struct):
    """A new API key, shown once: the previous key of the account is refused from now on."""

    account_id: int
    role: Role
    email: str
    api_key: str
    api_key_prefix: str
    rotated_at: datetime


class AccountController(Controller):
    path = "/api/v1"
    tags = ["accounts"]  # noqa: RUF012

    @get(
        "/me",
        opt=roles(Role.FREELANCER, Role.COMPANY, Role.OPERATOR),
        summary="The calling account",
        description="Roles: any signed-in account.",
    )
    async def me(self, actor: CurrentActor) -> MeOut:
        return MeOut(actor.account_id, actor.role, actor.email, actor.freelancer_id, actor.company_id)

    @post(
        "/accounts/{account_id:str}/api-key",
        opt=roles(Role.OPERATOR),
        summary="Issue a new API key for an account",
        description=(
            "Roles: operator. Replaces the account's API key (for a key that was lost or leaked): the new "
            "key is in the response, once; the old one is refused with 401 from now on."
        ),
        cache_control=NO_STORE,
    )
    async def issue_api_key(
        self, db_session: DbSession, settings: AppSettings, actor: CurrentActor, account_id: PathId
    ) -> ApiKeyIssued:
        account = await get_account(db_session, account_id)
        key = await replace_api_key(
            db_session, account, settings.secret_key, by=f"operator account {actor.account_id}"
        )
        assert account.api_key_rotated_at is not None
        return ApiKeyIssued(
            account.id,
            account.role,
            account.email,
            key,
            account.api_key_prefix or "",
            account.api_key_rotated_at,
        )

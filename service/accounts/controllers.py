"""Account routes: who the API key belongs to (`GET /api/v1/me`), the caller's own keys (list, create,
revoke), and an operator's: a new key for a lost one, revoking any key.

Also the `Idempotency-Key` header the registration routes accept, declared once for both.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import msgspec
from litestar import Controller, delete, get, post
from litestar.datastructures import CacheControlHeader
from litestar.openapi.spec import Example
from litestar.params import Body, HeaderParameter

from models import ApiKey
from models.enums import Role
from service.accounts.api_keys import LABEL_MAX, create_key, keys_of, replace_keys, revoke_key
from service.accounts.services import IDEMPOTENCY_HEADER, IDEMPOTENCY_KEY_PATTERN, get_account
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


class ApiKeyOut(msgspec.Struct):
    """One key as its owner sees it: never the key itself, which is shown once at creation."""

    id: int
    label: str
    prefix: str
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None
    active: bool


class ApiKeyList(msgspec.Struct):
    items: list[ApiKeyOut]


class ApiKeyCreate(msgspec.Struct):
    label: Annotated[str, msgspec.Meta(min_length=1, max_length=LABEL_MAX, examples=["CI pipeline"])]


class ApiKeyCreated(ApiKeyOut, kw_only=True):
    """A new key: `api_key` is shown this once."""

    api_key: str


ApiKeyCreateBody = Annotated[
    ApiKeyCreate,
    Body(examples=[Example(summary="A key for a spreadsheet", value={"label": "Recruiting sheet"})]),
]


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
        row, key = await replace_keys(
            db_session,
            account,
            settings.secret_key,
            by=f"operator account {actor.account_id}",
            by_account_id=actor.account_id,
        )
        return ApiKeyIssued(account.id, account.role, account.email, key, row.key_prefix, row.created_at)

    @get(
        "/me/api-keys",
        opt=roles(Role.FREELANCER, Role.COMPANY, Role.OPERATOR),
        summary="The calling account's API keys",
        description="Roles: any signed-in account, its own keys (labels, prefixes, dates; never a key).",
    )
    async def my_keys(self, db_session: DbSession, actor: CurrentActor) -> ApiKeyList:
        return ApiKeyList([_key_out(row) for row in await keys_of(db_session, actor.account_id)])

    @post(
        "/me/api-keys",
        opt=roles(Role.FREELANCER, Role.COMPANY, Role.OPERATOR),
        summary="Create an API key",
        description=(
            "Roles: any signed-in account, for itself. A new key beside the others, with a label; the key "
            "is in the response, once, and is stored only as a keyed hash."
        ),
        cache_control=NO_STORE,
    )
    async def create_my_key(
        self, db_session: DbSession, settings: AppSettings, actor: CurrentActor, data: ApiKeyCreateBody
    ) -> ApiKeyCreated:
        account = await get_account(db_session, actor.account_id)
        row, key = await create_key(db_session, account, data.label, settings.secret_key)
        return ApiKeyCreated(**msgspec.structs.asdict(_key_out(row)), api_key=key)

    @delete(
        "/me/api-keys/{key_id:str}",
        opt=roles(Role.FREELANCER, Role.COMPANY, Role.OPERATOR),
        summary="Revoke one of my API keys",
        description=(
            "Roles: any signed-in account, for its own keys (another account's key is 404). The key is "
            "refused with 401 from now on."
        ),
    )
    async def revoke_my_key(self, db_session: DbSession, actor: CurrentActor, key_id: PathId) -> None:
        await revoke_key(db_session, key_id, by_account_id=actor.account_id, owner_id=actor.account_id)

    @delete(
        "/api-keys/{key_id:str}",
        opt=roles(Role.OPERATOR),
        summary="Revoke any API key",
        description="Roles: operator. Revokes any account's key (the log says who); 401 from now on.",
    )
    async def revoke_any_key(self, db_session: DbSession, actor: CurrentActor, key_id: PathId) -> None:
        await revoke_key(db_session, key_id, by_account_id=actor.account_id, owner_id=None)


def _key_out(row: ApiKey) -> ApiKeyOut:
    return ApiKeyOut(
        id=row.id,
        label=row.label,
        prefix=row.key_prefix,
        created_at=row.created_at,
        last_used_at=row.last_used_at,
        revoked_at=row.revoked_at,
        active=row.active,
    )

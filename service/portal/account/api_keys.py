"""`/account/api-keys`: the signed-in person lists, creates and revokes their API keys.

A new key is shown once, on the answer to the POST itself (no redirect, `Cache-Control: no-store`),
so it is never stored in the session or anywhere else.
"""

from __future__ import annotations

from typing import Any

import msgspec
from litestar import Controller, Request, Response, get, post
from litestar.params import URLEncodedBody
from litestar.response import Redirect

from service.accounts.api_keys import (
    COPIED_LABEL,
    LABEL_MAX,
    REGISTRATION_LABEL,
    REPLACEMENT_LABEL,
    create_key,
    keys_of,
    revoke_key,
)
from service.accounts.services import get_account
from service.auth.actor import ANONYMOUS, roles
from service.handler_params import AppSettings, DbSession, PathId
from service.i18n import _
from service.portal.descriptions import SIGNED_IN
from service.portal.render import page
from service.portal.session import flash
from service.portal.users import PortalUser, SignedInUser


def _shown_label(label: str) -> str:
    """Keys the product issued itself carry a fixed label; the reader sees it in their language."""
    issued = {
        REGISTRATION_LABEL: _("issued at registration"),
        REPLACEMENT_LABEL: _("issued by an operator (replacement)"),
        COPIED_LABEL: _("issued at registration"),
    }
    return issued.get(label, label)


class NewKeyForm(msgspec.Struct):
    label: str = ""


async def _keys_page(
    request: Request[Any, Any, Any],
    db_session: DbSession,
    user: PortalUser,
    *,
    label: str = "",
    errors: dict[str, list[str]] | None = None,
    new_key: str | None = None,
    status: int = 200,
) -> Response[Any]:
    context = {
        "keys": [(row, _shown_label(row.label)) for row in await keys_of(db_session, user.account_id)],
        "label": label,
        "errors": errors or {},
        "labels": {"label": _("Label")},
        "new_key": new_key,
        "label_max": LABEL_MAX,
    }
    response = page(request, "portal/account/api_keys.html", context, user=user, status_code=status)
    response.headers["Cache-Control"] = "no-store"
    return response


class ApiKeysController(Controller):
    path = "/account/api-keys"
    include_in_schema = False

    @get("/", opt=roles(ANONYMOUS), description=SIGNED_IN)
    async def show(
        self, request: Request[Any, Any, Any], user: SignedInUser, db_session: DbSession
    ) -> Response[Any]:
        return await _keys_page(request, db_session, user)

    @post("/", opt=roles(ANONYMOUS), description=SIGNED_IN)
    async def create(
        self,
        request: Request[Any, Any, Any],
        user: SignedInUser,
        db_session: DbSession,
        settings: AppSettings,
        data: URLEncodedBody[NewKeyForm],
    ) -> Response[Any]:
        label = " ".join(data.label.split())
        if not label or len(label) > LABEL_MAX:
            text = _(
                "Give the key a label (at most %(n)s characters), e.g. the tool that uses it.", n=LABEL_MAX
            )
            return await _keys_page(
                request, db_session, user, label=data.label, errors={"label": [text]}, status=400
            )
        account = await get_account(db_session, user.account_id)
        _row, key = await create_key(db_session, account, label, settings.secret_key)
        return await _keys_page(request, db_session, user, new_key=key)

    @post("/{key_id:str}/revoke", opt=roles(ANONYMOUS), description=SIGNED_IN)
    async def revoke(
        self, request: Request[Any, Any, Any], user: SignedInUser, db_session: DbSession, key_id: PathId
    ) -> Response[Any]:
        row = await revoke_key(db_session, key_id, by_account_id=user.account_id, owner_id=user.account_id)
        flash(
            request,
            "success",
            _("The key “%(label)s” is revoked: it no longer works.", label=_shown_label(row.label)),
        )
        return Redirect("/account/api-keys", status_code=303)

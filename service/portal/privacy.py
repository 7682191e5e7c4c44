"""My data (GDPR): what is stored about me, a JSON copy of it (art. 20), erasing my account (art. 17)."""

from __future__ import annotations

import json
from typing import Any

import msgspec
from litestar import Controller, Request, Response, get, post
from litestar.params import URLEncodedBody
from litestar.response import Redirect

from models import Account
from models.base import utcnow
from service.accounts.passwords import verify_password
from service.auth.actor import ANONYMOUS, roles
from service.handler_params import BackgroundQueue, DbSession
from service.i18n import _
from service.portal.descriptions import SIGNED_IN
from service.portal.render import page
from service.portal.session import close_session, flash
from service.portal.users import SignedInUser
from service.privacy.erasure import erase_account
from service.privacy.export import export_account

NO_STORE = {"Cache-Control": "no-store"}


class EraseForm(msgspec.Struct):
    password: str = ""
    confirm: str = ""


def _summary(data: dict[str, Any]) -> dict[str, int]:
    """How much is stored, by kind, for the page (the download has the details)."""
    return {
        "matches": len(data.get("matches", [])),
        "missions": len(data.get("missions", [])),
        "notifications": len(data.get("notifications", [])),
        "decisions": len(data.get("decisions_made", [])),
    }


class PrivacyPages(Controller):
    path = "/account/data"
    include_in_schema = False

    @get("/", opt=roles(ANONYMOUS), description=SIGNED_IN)
    async def show(
        self, request: Request[Any, Any, Any], db_session: DbSession, user: SignedInUser
    ) -> Response[Any]:
        data = await export_account(db_session, user.account_id)
        context = {"summary": _summary(data), "has_profile": "freelancer_profile" in data, "errors": {}}
        response = page(request, "portal/privacy.html", context, user=user)
        response.headers.update(NO_STORE)
        return response

    @get("/export", opt=roles(ANONYMOUS), description=SIGNED_IN)
    async def download(self, db_session: DbSession, user: SignedInUser) -> Response[bytes]:
        data = await export_account(db_session, user.account_id)
        body = json.dumps(data, ensure_ascii=False, indent=2).encode()
        filename = f"ctomatch-{user.account_id}-{utcnow().date().isoformat()}.json"
        return Response(
            body,
            media_type="application/json",
            headers={**NO_STORE, "Content-Disposition": f'attachment; filename="{filename}"'},
        )

    @post("/delete", opt=roles(ANONYMOUS), description=SIGNED_IN)
    async def delete(
        self,
        request: Request[Any, Any, Any],
        db_session: DbSession,
        work_queue: BackgroundQueue,
        user: SignedInUser,
        data: URLEncodedBody[EraseForm],
    ) -> Response[Any]:
        """Asks for the password and a typed word: erasure cannot be undone."""
        account = await db_session.get(Account, user.account_id)
        errors: dict[str, list[str]] = {}
        if account is None or not verify_password(account.password_hash, data.password):
            errors["password"] = [_("This is not the password of this account.")]
        if data.confirm.strip().casefold() != _("DELETE").casefold():
            errors["confirm"] = [_("Type %(word)s to confirm.", word=_("DELETE"))]
        if errors:
            export = await export_account(db_session, user.account_id)
            context = {
                "summary": _summary(export),
                "has_profile": "freelancer_profile" in export,
                "errors": errors,
            }
            return page(request, "portal/privacy.html", context, user=user, status_code=400)
        await erase_account(db_session, user.account_id, by_account_id=user.account_id, queue=work_queue)
        close_session(request)
        flash(request, "success", _("Your account has been erased. Thank you for having used ctomatch."))
        return Redirect("/", status_code=303)

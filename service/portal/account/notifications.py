"""`/notifications`: the signed-in account's notification centre (its own rows only)."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, Response, get, post
from litestar.response import Redirect

from service.auth.actor import ANONYMOUS, roles
from service.handler_params import DbSession, PathId
from service.i18n import _, ngettext
from service.notifications.centre import mark_all_read, mark_read, notifications_of
from service.portal.account.links_in_text import linkified
from service.portal.descriptions import SIGNED_IN
from service.portal.render import page
from service.portal.session import flash
from service.portal.users import SignedInUser


class NotificationsController(Controller):
    path = "/notifications"
    include_in_schema = False

    @get("/", opt=roles(ANONYMOUS), description=SIGNED_IN)
    async def show(
        self, request: Request[Any, Any, Any], user: SignedInUser, db_session: DbSession
    ) -> Response[Any]:
        rows, total = await notifications_of(db_session, user.account_id)
        context = {"notifications": [(row, linkified(row.body)) for row in rows], "total": total}
        return page(request, "portal/account/notifications.html", context, user=user)

    @post("/{notification_id:str}/read", opt=roles(ANONYMOUS), description=SIGNED_IN)
    async def read_one(
        self,
        request: Request[Any, Any, Any],
        user: SignedInUser,
        db_session: DbSession,
        notification_id: PathId,
    ) -> Response[Any]:
        await mark_read(db_session, user.account_id, notification_id)
        flash(request, "success", _("Marked as read."))
        return Redirect("/notifications", status_code=303)

    @post("/read-all", opt=roles(ANONYMOUS), description=SIGNED_IN)
    async def read_all(
        self, request: Request[Any, Any, Any], user: SignedInUser, db_session: DbSession
    ) -> Response[Any]:
        count = await mark_all_read(db_session, user.account_id)
        flash(
            request,
            "success",
            ngettext("%(num)s notification marked as read.", "%(num)s notifications marked as read.", count),
        )
        return Redirect("/notifications", status_code=303)

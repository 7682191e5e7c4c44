"""`/dev/mailbox`: the messages the outbox "sent", while there is no mail server (development only)."""

from __future__ import annotations

from typing import Any, Final

from litestar import Controller, Request, Response, get

from service.auth.actor import ANONYMOUS, roles
from service.errors import NotFound
from service.handler_params import AppSettings, DbSession, PathId
from service.i18n import _
from service.notifications.mailbox import mailbox_enabled, mailbox_message, mailbox_messages
from service.portal.account.links_in_text import linkified
from service.portal.render import page
from service.portal.users import MaybeSignedIn

MAILBOX: Final = (
    "Roles: anyone, in development only (404 in production or when SMTP_URL is set): every message "
    "the outbox stored, so the links of e-mails can be followed without a mail server."
)


def _require_mailbox(enabled: bool) -> None:
    if not enabled:
        raise NotFound(_("no development mailbox here"))


class MailboxController(Controller):
    path = "/dev/mailbox"
    include_in_schema = False

    @get("/", opt=roles(ANONYMOUS), description=MAILBOX)
    async def list_messages(
        self,
        request: Request[Any, Any, Any],
        settings: AppSettings,
        db_session: DbSession,
        maybe_user: MaybeSignedIn,
    ) -> Response[Any]:
        _require_mailbox(mailbox_enabled(settings))
        rows = await mailbox_messages(db_session)
        return page(request, "portal/account/mailbox.html", {"messages": rows}, user=maybe_user)

    @get("/{message_id:str}", opt=roles(ANONYMOUS), description=MAILBOX)
    async def show_message(
        self,
        request: Request[Any, Any, Any],
        settings: AppSettings,
        db_session: DbSession,
        maybe_user: MaybeSignedIn,
        message_id: PathId,
    ) -> Response[Any]:
        _require_mailbox(mailbox_enabled(settings))
        row = await mailbox_message(db_session, message_id)
        context = {"message": row, "body": linkified(row.body)}
        return page(request, "portal/account/mailbox_message.html", context, user=maybe_user)

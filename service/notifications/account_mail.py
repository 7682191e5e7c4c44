"""Account e-mails (verify an address, reset a password), written in the account's language.

They go through the outbox like every notification (stored and logged, or sent by SMTP), so the
development mailbox and the notification centre show them too. `link` is the page path; the body
carries the full address (`settings.site_url` + path), since a mail client cannot resolve a path.
"""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from models import Account, Notification
from service.i18n import _, use_locale
from service.notifications.outbox import NAME_MAX, SUBJECT_MAX, one_line

VERIFY_EMAIL_KIND = "verify_email"
RESET_PASSWORD_KIND = "reset_password"  # noqa: S105 - a notification kind, not a password


def _row(account: Account, kind: str, subject: str, body: str, link: str) -> Notification:
    return Notification(
        recipient_account_id=account.id,
        recipient_email=account.email,
        kind=kind,
        subject=one_line(subject, SUBJECT_MAX),
        body=body,
        link=link,
    )


def add_verify_email(session: AsyncSession, account: Account, path: str, site_url: str) -> Notification:
    """The mail with the link that confirms the account's address (valid 48 hours)."""
    with use_locale(account.locale):
        name = one_line(account.display_name, NAME_MAX)
        subject = _("Confirm your e-mail address for ctomatch")
        body = "\n\n".join(
            [
                _("Hello %(name)s,", name=name),
                _("To confirm that this address is yours, open this link (valid for 48 hours):"),
                site_url + path,
                _("If you did not create a ctomatch account, ignore this message."),
            ]
        )
    row = _row(account, VERIFY_EMAIL_KIND, subject, body, path)
    session.add(row)
    return row


def add_reset_password(session: AsyncSession, account: Account, path: str, site_url: str) -> Notification:
    """The mail with the link that sets a new password (valid one hour, once)."""
    with use_locale(account.locale):
        name = one_line(account.display_name, NAME_MAX)
        subject = _("Reset your ctomatch password")
        body = "\n\n".join(
            [
                _("Hello %(name)s,", name=name),
                _("To choose a new password, open this link (valid for one hour, once):"),
                site_url + path,
                _("If you did not ask for it, ignore this message: your password stays as it is."),
            ]
        )
    row = _row(account, RESET_PASSWORD_KIND, subject, body, path)
    session.add(row)
    return row

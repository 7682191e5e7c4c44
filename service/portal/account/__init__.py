"""The web app's account pages; `HANDLERS` is what the portal router mounts."""

from __future__ import annotations

from typing import Any

from service.portal.account.api_keys import ApiKeysController
from service.portal.account.links import LinksController
from service.portal.account.mailbox import MailboxController
from service.portal.account.my_account import MyAccountController
from service.portal.account.notifications import NotificationsController
from service.portal.account.sign_up import SignUpController

HANDLERS: list[Any] = [
    SignUpController,
    LinksController,
    MyAccountController,
    ApiKeysController,
    NotificationsController,
    MailboxController,
]

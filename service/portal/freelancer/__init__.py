"""The web app's freelancer pages; `HANDLERS` is what the portal router mounts."""

from __future__ import annotations

from typing import Any

from service.portal.freelancer.profile import ProfileController
from service.portal.freelancer.proposals import ProposalsController

HANDLERS: list[Any] = [ProfileController, ProposalsController]

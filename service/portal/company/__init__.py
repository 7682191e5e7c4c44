"""The web app's company pages; `HANDLERS` is what the portal router mounts."""

from __future__ import annotations

from typing import Any

from service.portal.company.missions import CompanyMissionsController
from service.portal.company.profile import CompanyProfileController
from service.portal.company.proposals import CompanyProposalsController

HANDLERS: list[Any] = [CompanyProfileController, CompanyMissionsController, CompanyProposalsController]

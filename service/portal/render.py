"""Render a web-app page with what every layout needs: the account, the flash message, the path."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from litestar import Request
from litestar.response import Template

from service.portal.session import take_flash
from service.portal.users import PortalUser


def page(
    request: Request[Any, Any, Any],
    template: str,
    context: Mapping[str, Any] | None = None,
    *,
    user: PortalUser | None,
    status_code: int = 200,
) -> Template:
    here = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return Template(
        template_name=template,
        context={
            **(context or {}),
            "user": user,
            "flash": take_flash(request),
            "current_path": request.url.path,
            "here": here,
        },
        status_code=status_code,
    )

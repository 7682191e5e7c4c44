"""Signing in to the operator console over HTTP, and reading its pages as text, for the API-level tests."""

from __future__ import annotations

import html
import re
from typing import Any

from litestar.testing import AsyncTestClient

CSRF_FIELD = re.compile(r'name="_csrf_token" value="([0-9a-f]+)"')


async def sign_in_console(web: AsyncTestClient[Any], key: str) -> None:
    """Sign in with an operator's API key, as the sign-in form does (its CSRF token included)."""
    form = await web.get("/console/sign-in")
    token = CSRF_FIELD.search(form.text)
    assert token, "the sign-in page carries a CSRF token"
    response = await web.post("/console/sign-in", data={"api_key": key, "_csrf_token": token.group(1)})
    assert response.status_code == 303, response.text


def csrf_token(page: str) -> str:
    """The CSRF token of the first console form on `page`."""
    token = CSRF_FIELD.search(page)
    assert token, "the page carries a CSRF token"
    return token.group(1)


def page_text(page: str) -> str:
    """What a reader sees of an HTML page: tags dropped, entities decoded, spaces collapsed."""
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", page)))

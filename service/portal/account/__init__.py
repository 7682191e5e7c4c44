"""The web app's account pages; `HANDLERS` is what the portal router mounts."""

from __future__ import annotations

from typing import Any

HANDLERS: list[Any] = []

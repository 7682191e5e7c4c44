"""The reference checks a body still gets when its shape is refused, so one 422 names both kinds.

A body whose `tjm_min` is text and whose competence id is unknown would otherwise be refused twice:
first for its shape (the decoder), then, once fixed, for the id (the service). A domain registers
here, per body type, the async check of what its valid fields name (taxonomy ids, bands); the
validation handler runs it on the fields that passed the structural check, in a session of its own.
The registry only holds callables: the kernel never imports a domain.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from typing import Any

import msgspec
from sqlalchemy.ext.asyncio import AsyncSession

from service.validation import FieldError

#: (session, the body's valid fields by attribute name, decoded) → the problems they hold.
ReferenceCheck = Callable[[AsyncSession, Mapping[str, Any]], Awaitable[list[FieldError]]]

_CHECKS: dict[type[msgspec.Struct], ReferenceCheck] = {}


def checks_references(*body_types: type[msgspec.Struct]) -> Callable[[ReferenceCheck], ReferenceCheck]:
    """Register the decorated check for these request body types."""

    def register(check: ReferenceCheck) -> ReferenceCheck:
        for body_type in body_types:
            _CHECKS[body_type] = check
        return check

    return register


def reference_check(body_type: Any) -> ReferenceCheck | None:
    return _CHECKS.get(body_type) if isinstance(body_type, type) else None

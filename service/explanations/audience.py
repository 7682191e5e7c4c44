"""Who reads an explanation: the operator gets every figure; a company and a freelancer get the facts
that concern them, worded for them, without the engine's internals (text similarity, factor scores)."""

from __future__ import annotations

from typing import Literal

from models.enums import Role

Audience = Literal["operator", "company", "freelancer"]
AUDIENCES: tuple[Audience, ...] = ("operator", "company", "freelancer")


def audience_of(role: Role | None) -> Audience:
    """The wording for an account's role; anyone else reads the operator's (neutral, third person)."""
    if role is Role.COMPANY:
        return "company"
    if role is Role.FREELANCER:
        return "freelancer"
    return "operator"

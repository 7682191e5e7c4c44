"""GET /api/v1/me: who the API key belongs to, so a client can find its own profile or company."""

from __future__ import annotations

import msgspec
from litestar import Controller, get

from models.enums import Role
from service.auth.actor import Actor, roles


class MeOut(msgspec.Struct):
    account_id: int
    role: Role
    email: str
    freelancer_id: int | None
    company_id: int | None


class AccountController(Controller):
    path = "/api/v1/me"
    tags = ["accounts"]  # noqa: RUF012

    @get(
        "/",
        opt=roles(Role.FREELANCER, Role.COMPANY, Role.OPERATOR),
        summary="The calling account",
        description="Roles: any signed-in account.",
    )
    async def me(self, actor: Actor) -> MeOut:
        return MeOut(actor.account_id, actor.role, actor.email, actor.freelancer_id, actor.company_id)

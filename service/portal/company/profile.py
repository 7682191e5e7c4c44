"""`/company` and `/company/edit`: the company's profile. A web sign-up leaves the account without a
company; the first save creates it (the JSON API's rules), later saves update it (the PATCH's rules)."""

from __future__ import annotations

from typing import Any

import msgspec
from litestar import Controller, Request, Response, get, post
from litestar.response import Redirect
from sqlalchemy.ext.asyncio import AsyncSession

from models import Company
from service.auth.actor import ANONYMOUS, roles
from service.companies.schemas import CompanyCreate, CompanyUpdate
from service.companies.services import create_company_for_account, get_company, update_company
from service.errors import Conflict, InvalidInput
from service.handler_params import DbSession
from service.i18n import _
from service.portal.company.choices import load_choices, size_words
from service.portal.company.forms import Errors, add, add_problems, require, text
from service.portal.descriptions import COMPANY
from service.portal.pickers import context_words
from service.portal.render import page
from service.portal.session import flash
from service.portal.users import PortalUser, SignedInCompany
from service.validation import problems_of

FIELDS = ("name", "context", "sector", "size", "city", "description", "phone")


def labels() -> dict[str, str]:
    return {
        "name": _("Company name"),
        "context": _("Context"),
        "sector": _("Sector"),
        "size": _("Size"),
        "city": _("City"),
        "description": _("About the company"),
        "phone": _("Phone"),
        "form": _("Company"),
    }


async def own_company(session: AsyncSession, user: PortalUser) -> Company | None:
    return None if user.actor.company_id is None else await get_company(session, user.actor.company_id)


def _values_of(company: Company | None) -> dict[str, str]:
    if company is None:
        return dict.fromkeys(FIELDS, "")
    return {
        "name": company.name,
        "context": str(company.context),
        "sector": company.sector,
        "size": str(company.size),
        "city": company.city,
        "description": company.description,
        "phone": company.phone or "",
    }


async def _edit_page(
    request: Request[Any, Any, Any],
    session: AsyncSession,
    user: PortalUser,
    values: dict[str, str],
    *,
    creating: bool,
    errors: Errors | None = None,
) -> Response[Any]:
    choices = await load_choices(session)
    sectors = [(c.id, c.label) for c in choices.sectors]
    if values.get("sector") and values["sector"] not in {c.id for c in choices.sectors}:
        sectors.append((values["sector"], values["sector"]))  # a free-form sector the API accepted
    context = {
        "values": values,
        "errors": errors or {},
        "labels": labels(),
        "creating": creating,
        "contexts": list(context_words().items()),
        "sizes": list(size_words().items()),
        "sectors": sectors,
        "contact_name": user.name,
    }
    status = 400 if errors else 200
    return page(request, "portal/company/profile_edit.html", context, user=user, status_code=status)


def _payload(values: dict[str, str], email: str) -> dict[str, Any]:
    return {
        "email": email,
        "name": values["name"],
        "context": values["context"],
        "size": values["size"],
        "sector": values["sector"] or None,
        "city": values["city"],
        "description": values["description"],
        "phone": values["phone"] or None,
    }


class CompanyProfileController(Controller):
    path = "/company"
    include_in_schema = False

    @get("/", opt=roles(ANONYMOUS), description=f"{COMPANY} The company's profile.")
    async def show(
        self, request: Request[Any, Any, Any], db_session: DbSession, company_user: SignedInCompany
    ) -> Response[Any]:
        company = await own_company(db_session, company_user)
        if company is None:
            return Redirect("/company/edit", status_code=303)
        context = {
            "company": company,
            "contexts": context_words(),
            "sizes": size_words(),
            "sector": (await load_choices(db_session)).label(company.sector) if company.sector else "",
            "contact_name": company_user.name,
        }
        return page(request, "portal/company/profile.html", context, user=company_user)

    @get("/edit", opt=roles(ANONYMOUS), description=f"{COMPANY} The form of the company's profile.")
    async def edit(
        self, request: Request[Any, Any, Any], db_session: DbSession, company_user: SignedInCompany
    ) -> Response[Any]:
        company = await own_company(db_session, company_user)
        return await _edit_page(
            request, db_session, company_user, _values_of(company), creating=company is None
        )

    @post("/edit", opt=roles(ANONYMOUS), description=f"{COMPANY} Creates or updates the company's profile.")
    async def save(
        self, request: Request[Any, Any, Any], db_session: DbSession, company_user: SignedInCompany
    ) -> Response[Any]:
        form = await request.form()
        values = {name: text(form, name) for name in FIELDS}
        company = await own_company(db_session, company_user)
        errors: Errors = {}
        require(errors, values, "name", "context", "size")
        payload = _payload(values, company_user.actor.email)
        add_problems(errors, problems_of(CompanyCreate, payload, "body"))
        errors.pop("email", None)  # the account's own address, not typed here
        if not errors:
            try:
                if company is None:
                    await create_company_for_account(
                        db_session, company_user.actor, msgspec.convert(payload, CompanyCreate)
                    )
                    flash(request, "success", _("Your company is registered. You can now post a mission."))
                else:
                    changes = {k: v for k, v in payload.items() if k != "email" and v is not None}
                    if payload["phone"] is None:
                        changes["phone"] = None
                    await update_company(
                        db_session, company_user.actor, company.id, msgspec.convert(changes, CompanyUpdate)
                    )
                    flash(request, "success", _("Your company's profile is saved."))
                return Redirect("/company", status_code=303)
            except InvalidInput as refused:
                add_problems(errors, refused.errors)
            except Conflict as conflict:
                add(errors, "form", conflict.detail)
        return await _edit_page(
            request, db_session, company_user, values, creating=company is None, errors=errors
        )

"""Business rules of companies: registration, ownership, closing (which closes their missions)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from models import Account, Company, Mission
from models.enums import Context, MissionStatus, Role
from service.accounts.services import register_account
from service.auth.actor import Actor
from service.background.queue import WorkQueue
from service.companies.schemas import CompanyCreate, CompanyPrivate, CompanyPublic, CompanyUpdate
from service.errors import Conflict, Forbidden, NotFound
from service.i18n import _
from service.pagination import PageParams
from service.querying import apply_sort, fetch_page
from service.revisions import lock_for_write
from service.shapes import apply_patch, body_values, read_shape

SORT_KEYS = {"name": Company.name, "created_at": Company.created_at, "updated_at": Company.updated_at}


@dataclass(frozen=True)
class CompanyFilters:
    active: bool | None = None
    context: Context | None = None
    sort: str = "name"


async def register_company(
    session: AsyncSession,
    data: CompanyCreate,
    secret_key: str,
    api_key: str | None = None,
    *,
    idempotency_key: str | None = None,
) -> tuple[Company, str]:
    """Creates the account and company; a retry with the same `idempotency_key` answers the same company."""

    def attach(account: Account) -> None:
        session.add(
            Company(
                **body_values(data, handled={"email", "sector"}),  # the e-mail is the account's
                account_id=account.id,
                account=account,
                sector=data.sector or "",
            )
        )

    registration = await register_account(
        session,
        email=data.email,
        role=Role.COMPANY,
        display_name=data.name,
        secret_key=secret_key,
        request=data,
        attach=attach,
        idempotency_key=idempotency_key,
        api_key=api_key,
    )
    company = (
        await session.scalars(select(Company).where(Company.account_id == registration.account.id))
    ).one()
    return company, registration.api_key


async def create_company_for_account(session: AsyncSession, actor: Actor, data: CompanyCreate) -> Company:
    """The company of an account that signed up on the web (it has no company yet): the body the API
    registers with, its e-mail being the account's. One company per account: a second one is 409."""
    if actor.role is not Role.COMPANY:
        raise Forbidden(_("only a company account can create a company"))
    exists_already = select(Company.id).where(Company.account_id == actor.account_id)
    if await session.scalar(exists_already) is not None:
        raise Conflict(_("this account already has a company: edit it instead"))
    account = await session.get(Account, actor.account_id)
    if account is None:
        raise NotFound(_("no account %(id)s", id=actor.account_id))
    company = Company(
        **body_values(data, handled={"email", "sector"}),
        account_id=account.id,
        account=account,
        sector=data.sector or "",
    )
    session.add(company)
    try:
        await session.commit()
    except IntegrityError as exc:  # the same account, created twice at once: one wins
        await session.rollback()
        raise Conflict(_("this account already has a company: edit it instead")) from exc
    return company


async def get_company(session: AsyncSession, company_id: int) -> Company:
    company = await session.get(Company, company_id)
    if company is None:
        raise NotFound(_("no company %(id)s", id=company_id))
    return company


def owns_company(actor: Actor, company: Company) -> bool:
    return actor.is_operator or actor.company_id == company.id


def ensure_owner_or_operator(actor: Actor, company: Company) -> None:
    if not owns_company(actor, company):
        raise Forbidden(_("only the company itself or an operator may do this"))


async def read_company_for(
    session: AsyncSession, actor: Actor, company_id: int
) -> CompanyPublic | CompanyPrivate:
    company = await get_company(session, company_id)
    return to_private(company) if owns_company(actor, company) else to_public(company)


async def list_companies(
    session: AsyncSession, filters: CompanyFilters, page: PageParams
) -> tuple[list[CompanyPrivate], int]:
    query = select(Company)
    if filters.active is not None:
        query = query.where(Company.active.is_(filters.active))
    if filters.context is not None:
        query = query.where(Company.context == filters.context)
    rows, total = await fetch_page(session, apply_sort(query, filters.sort, SORT_KEYS, Company.id), page)
    return [to_private(c) for c in rows], total


async def _company_for_write(
    session: AsyncSession, actor: Actor, company_id: int, expected_revision: int | None
) -> Company:
    """Lock the company first (service.revisions), then read it fresh and check who may change it."""
    company = await lock_for_write(session, Company, company_id, expected=expected_revision, what="company")
    ensure_owner_or_operator(actor, company)
    return company


async def update_company(
    session: AsyncSession,
    actor: Actor,
    company_id: int,
    data: CompanyUpdate,
    *,
    expected_revision: int | None = None,
) -> CompanyPrivate:
    """All or nothing, last writer wins unless If-Match names an older revision (409)."""
    company = await _company_for_write(session, actor, company_id, expected_revision)
    apply_patch(company, data)
    await session.flush()
    written = to_private(company)  # what this write stored, before the commit releases the lock
    await session.commit()
    return written


async def close_company(
    session: AsyncSession,
    actor: Actor,
    company_id: int,
    *,
    queue: WorkQueue | None = None,
    expected_revision: int | None = None,
) -> CompanyPrivate:
    """A closed company posts nothing more, and its open missions close with it (their revision moves)."""
    company = await _company_for_write(session, actor, company_id, expected_revision)
    company.active = False
    open_missions = Mission.company_id == company.id, Mission.status == MissionStatus.OPEN
    closing = list(await session.scalars(select(Mission.id).where(*open_missions)))
    await session.execute(
        update(Mission)
        .where(*open_missions)
        .values(status=MissionStatus.CLOSED, revision=Mission.revision + 1)
        .execution_options(synchronize_session=False)
    )
    await session.flush()
    written = to_private(company)
    await session.commit()
    if queue is not None:
        for mission_id in closing:
            await queue.mission_changed(mission_id)
    return written


def to_public(company: Company) -> CompanyPublic:
    return read_shape(company, CompanyPublic)


def to_private(company: Company) -> CompanyPrivate:
    """Every field read from the company (its phone included), the e-mail from its account."""
    return read_shape(company, CompanyPrivate, email=company.account.email)

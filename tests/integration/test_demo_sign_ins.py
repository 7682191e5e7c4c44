"""The demo prints sign-ins that work: a freelancer and a company with matches sign in to the web app,
the operator to the console's password form, all with the documented demo password."""

from __future__ import annotations

from typing import Any

from litestar.testing import AsyncTestClient
from sqlalchemy import select

from models import Account
from service.cli import _banner
from service.db import Database
from service.fixtures_loader import DEMO_PASSWORD, load_demo_data
from service.settings import Settings
from tests.conftest import TEST_SECRET
from tests.web_client import WebBrowser

Client = AsyncTestClient[Any]


async def test_the_printed_demo_sign_ins_work(client: Client, database: Database) -> None:
    async with database.session() as session:
        report = await load_demo_data(session, TEST_SECRET)
    async with database.session() as session:  # loading again changes nothing and reports the same
        again = await load_demo_data(session, TEST_SECRET)
    assert again.demo_sign_ins == report.demo_sign_ins
    assert set(report.demo_sign_ins) == {"operator", "company", "freelancer"}

    banner = _banner(Settings(), report.demo_keys, report.demo_sign_ins)
    assert DEMO_PASSWORD in banner
    for email in report.demo_sign_ins.values():
        assert email in banner
    async with database.session() as session:
        accounts = {
            a.email: a
            for a in await session.scalars(
                select(Account).where(Account.email.in_(report.demo_sign_ins.values()))
            )
        }
    assert all(a.email_verified_at is not None and a.password_hash for a in accounts.values())

    company = WebBrowser(client)
    assert (await company.sign_in(report.demo_sign_ins["company"], DEMO_PASSWORD)).headers[
        "location"
    ] == "/missions"
    freelancer = WebBrowser(client)
    assert (await freelancer.sign_in(report.demo_sign_ins["freelancer"], DEMO_PASSWORD)).headers[
        "location"
    ] == "/profile"
    operator = WebBrowser(client)
    response = await operator.sign_in(report.demo_sign_ins["operator"], DEMO_PASSWORD)
    assert response.headers["location"] == "/console/sign-in"  # the password is right: sent to the console

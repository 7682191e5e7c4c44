"""The freelancer's web pages over HTTP (SQLite and PostgreSQL): onboarding creates one profile, every
error at once in the reader's language, edits keep the revision rules, the market check and the
completeness hints on the page, the availability confirmation, and the proposals inbox."""

from __future__ import annotations

import html
from datetime import timedelta
from typing import Any

from litestar.testing import AsyncTestClient
from sqlalchemy import func, select, update

from models import Account, FreelancerProfile, MatchDecision
from models.base import utcnow
from models.enums import Role
from service.db import Database
from service.i18n.formatting import DISPLAY_TIMEZONE
from tests.factories import Caller, post_mission, register_company, register_freelancer
from tests.web_client import WebBrowser, create_web_account, give_web_password
from tests.work_queue import RecordingWorkQueue

Client = AsyncTestClient[Any]

VALID_FORM: dict[str, Any] = {
    "creating": "1",
    "full_name": "Amélie Durand",
    "headline": "CTO à temps partagé pour fintechs",
    "summary": "Douze ans de plateformes de paiement.",
    "years_experience": "12",
    "tjm": "680",
    "available_from": "2027-01-04",
    "days_per_week": "4",
    "remote_preference": "hybrid",
    "location": "Paris",
    "orientation": "cto",
    "competence": ["it_security", "leadership"],
    "level_it_security": "4",
    "level_leadership": "5",
    "cto_mission": ["technology_strategy", "team_management"],
    "sector": ["fintech"],
    "other_sectors": "santé",
    "certification": ["information_security"],
    "certification_name_information_security": "ISO 27001 Lead Implementer",
    "other_certifications": "AWS Solutions Architect",
    "stack": "Python, AWS",
    "role_0_title": "CTO",
    "role_0_company": "PayNest",
    "role_0_context": "fintech",
    "role_0_start_year": "2019",
    "role_0_end_year": "2024",
    "phone": "+33 6 12 34 56 78",
    "linkedin_url": "https://www.linkedin.com/in/amelie-durand",
}


async def _signed_in_freelancer(
    client: Client, database: Database, email: str, language: str | None = None
) -> WebBrowser:
    await create_web_account(database, Role.FREELANCER, email, name="Amélie Durand")
    browser = WebBrowser(client, language=language)
    await browser.sign_in(email)
    return browser


async def _profiles_of(database: Database, email: str) -> list[FreelancerProfile]:
    async with database.session() as session:
        account_id = await session.scalar(select(Account.id).where(Account.email == email))
        rows = await session.scalars(
            select(FreelancerProfile).where(FreelancerProfile.account_id == account_id)
        )
        return list(rows)


async def _onboarded(
    client: Client, database: Database, email: str = "amelie@example.fr", **changes: Any
) -> WebBrowser:
    browser = await _signed_in_freelancer(client, database, email)
    created = await browser.submit("/profile/edit", "/profile/edit", {**VALID_FORM, **changes})
    assert created.status_code == 303 and created.headers["location"] == "/profile", created.text[:2000]
    return browser


async def test_onboarding_creates_exactly_one_profile(
    client: Client, database: Database, work_queue: RecordingWorkQueue
) -> None:
    browser = await _signed_in_freelancer(client, database, "amelie@example.fr")
    first = await browser.get("/profile")
    assert first.status_code == 303 and first.headers["location"] == "/profile/edit"
    editor = await browser.get("/profile/edit")
    assert editor.status_code == 200
    assert "Compétences techniques" in editor.text and "Sécurité informatique" in editor.text
    assert 'name="level_it_security"' in editor.text and "Définir la stratégie technologique" in editor.text
    assert 'value="Amélie Durand"' in editor.text  # the sign-up name, already filled in

    created = await browser.submit("/profile/edit", "/profile/edit", VALID_FORM)
    assert created.status_code == 303 and created.headers["location"] == "/profile"
    (profile,) = await _profiles_of(database, "amelie@example.fr")
    assert ("profile", profile.id) in work_queue.calls and not work_queue.uncommitted
    assert profile.tjm == 680 and profile.days_per_week == 4 and profile.sectors == ["fintech", "santé"]
    assert {(c.competence_id, c.level) for c in profile.competences} == {
        ("it_security", 4),
        ("leadership", 5),
    }
    assert profile.certifications == [
        {"name": "ISO 27001 Lead Implementer", "category": "information_security"},
        {"name": "AWS Solutions Architect", "category": None},
    ]
    assert profile.past_roles[0]["context"] == "fintech" and profile.availability_confirmed_at is not None

    # The creation form sent again (a second tab): refused, nothing overwritten, the page says why.
    again = await browser.request(
        "POST",
        "/profile/edit",
        data={**VALID_FORM, "tjm": "999", "_csrf_token": await browser.token("/profile")},
    )
    assert again.status_code == 409
    assert "Vous avez déjà un profil" in again.text and 'href="/profile"' in again.text
    (still,) = await _profiles_of(database, "amelie@example.fr")
    assert still.tjm == 680


async def test_every_error_at_once_next_to_its_field_in_french(client: Client, database: Database) -> None:
    browser = await _signed_in_freelancer(client, database, "amelie@example.fr")
    typed = {
        "creating": "1",
        "full_name": "",
        "headline": "CTO",
        "years_experience": "douze",
        "tjm": "50",
        "available_from": "31/02/2027",
        "remote_preference": "",
        "phone": "appelez-moi",
        "linkedin_url": "linkedin.com/in/amelie",
        "role_0_title": "CTO",
        "role_0_start_year": "2024",
        "role_0_end_year": "2019",
    }
    refused = await browser.submit("/profile/edit", "/profile/edit", typed)
    assert refused.status_code == 400
    text = html.unescape(refused.text)
    assert "champs à corriger" in text
    for message in (
        "Indiquez votre nom complet.",
        "Indiquez un nombre, par exemple 7,5.",
        "Indiquez une valeur de 100 à 5000.",
        "Indiquez une date au format JJ/MM/AAAA, par exemple 15/12/2026.",
        "Choisissez votre façon de travailler",
        "Indiquez un numéro de téléphone",
        "Commencez l'adresse par https://",
        "Indiquez l'entreprise de ce rôle.",
        "Choisissez le contexte de cette entreprise.",
        "L'année de fin précède l'année de début (2024).",
    ):
        assert message in text, message
    assert 'id="phone-error"' in text and 'aria-describedby="phone-hint phone-error"' in text
    assert (
        'value="appelez-moi"' in text and 'value="linkedin.com/in/amelie"' in text and 'value="douze"' in text
    )
    assert await _profiles_of(database, "amelie@example.fr") == []


async def test_every_error_at_once_in_english(client: Client, database: Database) -> None:
    browser = await _signed_in_freelancer(client, database, "amelie@example.fr", language="en")
    refused = await browser.submit(
        "/profile/edit", "/profile/edit", {"creating": "1", "phone": "call me", "tjm": "abc"}
    )
    assert refused.status_code == 400
    for message in (
        "Enter your full name.",
        "Enter a headline",
        "Enter a number, e.g. 12.",
        "Enter a phone number",
    ):
        assert message in refused.text, message


async def test_a_crafted_competence_is_refused_on_its_field(client: Client, database: Database) -> None:
    browser = await _signed_in_freelancer(client, database, "amelie@example.fr")
    refused = await browser.submit(
        "/profile/edit", "/profile/edit", {**VALID_FORM, "competence": ["telepathy"]}
    )
    assert (
        refused.status_code == 400
        and "telepathy" in refused.text
        and 'id="competences-error"' in refused.text
    )


async def test_editing_keeps_the_revision_rules_and_rescores(
    client: Client, database: Database, work_queue: RecordingWorkQueue
) -> None:
    browser = await _onboarded(client, database)
    (profile,) = await _profiles_of(database, "amelie@example.fr")
    editor = await browser.get("/profile/edit")
    assert f'name="revision" value="{profile.revision}"' in editor.text and 'value="680"' in editor.text
    assert 'value="AWS Solutions Architect"' in editor.text and 'value="santé"' in editor.text
    token = await browser.token("/profile/edit")
    base = {**VALID_FORM, "creating": "", "revision": str(profile.revision), "_csrf_token": token}
    work_queue.calls.clear()
    saved = await browser.request("POST", "/profile/edit", data={**base, "tjm": "700"})
    assert saved.status_code == 303
    (after,) = await _profiles_of(database, "amelie@example.fr")
    assert (
        after.tjm == 700 and after.revision > profile.revision and work_queue.calls == [("profile", after.id)]
    )
    # The same stale revision again (a second tab): refused, the page shows the profile as stored now.
    stale = await browser.request("POST", "/profile/edit", data={**base, "tjm": "720"})
    assert stale.status_code == 409 and "modifié ailleurs" in stale.text and 'value="700"' in stale.text
    (last,) = await _profiles_of(database, "amelie@example.fr")
    assert last.tjm == 700 and last.revision == after.revision


async def test_the_market_check_is_rendered_on_the_server(client: Client, database: Database) -> None:
    browser = await _onboarded(client, database)
    editor = await browser.get("/profile/edit")
    assert 'aria-live="polite"' in editor.text and "11-15 ans" in editor.text
    assert (
        "650 – 685\u00a0€" in editor.text or "650 – 685 €" in editor.text or "650 – 685\u202f€" in editor.text
    )
    assert "Dans la fourchette du marché" in editor.text
    page = await browser.get("/profile")
    assert "Dans la fourchette du marché" in page.text
    # More than 15 years and above the documented ceiling: said so.
    token = await browser.token("/profile/edit")
    (profile,) = await _profiles_of(database, "amelie@example.fr")
    data = {**VALID_FORM, "creating": "", "years_experience": "20", "tjm": "1100", "_csrf_token": token}
    assert (
        await browser.request("POST", "/profile/edit", data={**data, "revision": str(profile.revision)})
    ).status_code == 303
    ceiling = await browser.get("/profile")
    assert "Au-dessus du marché" in ceiling.text and "plafond documenté" in ceiling.text


async def test_completeness_hints_change_as_the_profile_fills_in(client: Client, database: Database) -> None:
    browser = await _onboarded(client, database)
    before = await browser.get("/profile")
    assert before.status_code == 200
    assert 'data-hint="references"' in before.text and 'data-hint="competences"' in before.text
    assert (
        "le critère compétences compte pour 28\u00a0% du score" in before.text
        or "compte pour 28 %" in before.text
    )
    percent_before = _percent(before.text)
    (profile,) = await _profiles_of(database, "amelie@example.fr")
    token = await browser.token("/profile/edit")
    more = {
        **VALID_FORM,
        "creating": "",
        "revision": str(profile.revision),
        "competence": [
            "it_security",
            "leadership",
            "communication",
            "project_management",
            "strategic_vision",
        ],
        "reference_0_name": "Marc Petit",
        "reference_0_company": "PayNest",
        "reference_0_contact": "marc@paynest.test",
        "_csrf_token": token,
    }
    assert (await browser.request("POST", "/profile/edit", data=more)).status_code == 303
    after = await browser.get("/profile")
    assert 'data-hint="references"' not in after.text and 'data-hint="competences"' not in after.text
    assert _percent(after.text) > percent_before


def _percent(page: str) -> int:
    marker = 'id="completeness-meter" class="completeness" max="100" value="'
    start = page.index(marker) + len(marker)
    return int(page[start : page.index('"', start)])


async def test_the_public_view_leaves_out_the_contacts(client: Client, database: Database) -> None:
    browser = await _onboarded(
        client, database, reference_0_name="Marc Petit", reference_0_contact="marc@paynest.test"
    )
    page = (await browser.get("/profile")).text
    public = page[page.index('id="public-title"') :]
    assert "Marc Petit" in public and "marc@paynest.test" not in public and "+33 6 12 34 56 78" not in public
    assert "marc@paynest.test" in page and "+33 6 12 34 56 78" in page


async def test_confirming_availability_sets_the_date(client: Client, database: Database) -> None:
    browser = await _onboarded(client, database)
    async with database.session() as session:
        await session.execute(
            update(FreelancerProfile).values(
                availability_confirmed_at=utcnow() - timedelta(days=40), availability_reminded_at=utcnow()
            )
        )
        await session.commit()
    stale = await browser.get("/profile")
    assert "à confirmer" in stale.text and 'data-hint="availability"' in stale.text
    confirmed = await browser.submit("/profile", "/profile/availability/confirm", {})
    assert confirmed.status_code == 303 and confirmed.headers["location"] == "/profile"
    (profile,) = await _profiles_of(database, "amelie@example.fr")
    assert profile.availability_confirmed_at is not None
    assert utcnow() - profile.availability_confirmed_at < timedelta(minutes=1)
    assert profile.availability_reminded_at is None
    page = await browser.get("/profile")
    assert "Merci : votre disponibilité est confirmée." in page.text
    # The page dates the confirmation as a reader in France sees it: the next day after 23:00 UTC.
    confirmed_on = utcnow().astimezone(DISPLAY_TIMEZONE)
    assert f"le {confirmed_on:%d/%m/%Y}" in page.text and "à confirmer" not in page.text


async def test_operators_see_whether_the_availability_is_confirmed(
    client: Client, database: Database, operator: Caller
) -> None:
    await _onboarded(client, database)
    (profile,) = await _profiles_of(database, "amelie@example.fr")
    fresh = (await client.get(f"/api/v1/freelancers/{profile.id}", headers=operator.headers)).json()
    assert fresh["availability_confirmed"] is True
    async with database.session() as session:
        await session.execute(
            update(FreelancerProfile).values(availability_confirmed_at=utcnow() - timedelta(days=31))
        )
        await session.commit()
    old = (await client.get(f"/api/v1/freelancers/{profile.id}", headers=operator.headers)).json()
    assert old["availability_confirmed"] is False


async def test_other_roles_get_a_403_page(client: Client, database: Database) -> None:
    await create_web_account(database, Role.COMPANY, "rh@neobanque.fr")
    company = WebBrowser(client)
    await company.sign_in("rh@neobanque.fr")
    for path in ("/profile", "/profile/edit", "/proposals"):
        response = await company.get(path)
        assert response.status_code == 403, path
    anonymous = await WebBrowser(client).get("/proposals")
    assert anonymous.status_code == 303 and anonymous.headers["location"].startswith("/sign-in")


# Proposals: an API-registered freelancer given a password, a company's mission, an operator's proposal.


async def _decide(client: Client, caller: Caller, match_id: int, action: str, reason: str = "") -> Any:
    current = (await client.get(f"/api/v1/matches/{match_id}", headers=caller.headers)).json()
    response = await client.post(
        f"/api/v1/matches/{match_id}/decisions",
        json={"action": action, "reason": reason},
        headers={**caller.headers, "If-Match": f'"{current["version"]}"'},
    )
    assert response.status_code == 200, response.text
    return response.json()


async def _matches(client: Client, operator: Caller) -> dict[int, int]:
    """freelancer id → match id, for the queue's pending matches."""
    queue = (await client.get("/api/v1/review-queue", headers=operator.headers)).json()
    return {item["match"]["freelancer_id"]: item["match"]["id"] for item in queue["items"]}


async def test_the_inbox_shows_only_my_proposed_matches_and_records_my_answer(
    client: Client, database: Database, work_queue: RecordingWorkQueue, operator: Caller
) -> None:
    work_queue.inline = True
    me = await register_freelancer(client, full_name="Claire Martin")
    other = await register_freelancer(client, full_name="Paul Other")
    company = await register_company(client, name="Néobanque SA")
    await post_mission(client, company, title="CTO de transition paiements")
    matches = await _matches(client, operator)
    mine, theirs = matches[me.id], matches[other.id]
    await _decide(client, operator, mine, "approve")
    await _decide(client, operator, mine, "propose")
    await _decide(client, operator, theirs, "approve")
    await _decide(client, operator, theirs, "propose")

    browser = WebBrowser(client)
    await browser.sign_in(await give_web_password(database, me.id))
    inbox = await browser.get("/proposals")
    assert inbox.status_code == 200
    assert "CTO de transition paiements" in inbox.text and f'href="/proposals/{mine}"' in inbox.text
    assert f'href="/proposals/{theirs}"' not in inbox.text
    assert (await browser.get(f"/proposals/{theirs}")).status_code == 404
    detail = await browser.get(f"/proposals/{mine}")
    assert detail.status_code == 200 and "Néobanque SA" in detail.text
    assert "600 € – 700 €" in detail.text.replace("\u202f", " ").replace("\u00a0", " ")
    assert "similarit" not in detail.text.lower() and "algorithm" not in detail.text.lower()
    assert 'id="company-contact"' not in detail.text  # not accepted yet: no contact

    answered = await browser.submit(
        f"/proposals/{mine}",
        f"/proposals/{mine}/answer",
        {"action": "express_interest", "reason": "Le paiement, c'est mon domaine.", "version": "3"},
    )
    assert answered.status_code == 303
    async with database.session() as session:
        decision = (
            await session.scalars(
                select(MatchDecision).where(MatchDecision.match_id == mine).order_by(MatchDecision.id.desc())
            )
        ).first()
        assert decision is not None
        assert (
            decision.to_status == "freelancer_interested"
            and decision.reason == "Le paiement, c'est mon domaine."
        )
    # Another's proposal cannot be answered either.
    forged = await browser.submit(
        f"/proposals/{mine}", f"/proposals/{theirs}/answer", {"action": "decline_interest", "version": "3"}
    )
    assert forged.status_code == 404

    await _decide(client, company, mine, "accept")
    accepted = await browser.get(f"/proposals/{mine}")
    assert 'id="company-contact"' in accepted.text and "+33 2 40 00 00 00" in accepted.text


async def test_declining_with_a_reason_is_in_the_history(
    client: Client, database: Database, work_queue: RecordingWorkQueue, operator: Caller
) -> None:
    work_queue.inline = True
    me = await register_freelancer(client)
    company = await register_company(client)
    await post_mission(client, company)
    (match_id,) = (await _matches(client, operator)).values()
    await _decide(client, operator, match_id, "approve")
    await _decide(client, operator, match_id, "propose")
    browser = WebBrowser(client, language="en")
    await browser.sign_in(await give_web_password(database, me.id))
    declined = await browser.submit(
        f"/proposals/{match_id}",
        f"/proposals/{match_id}/answer",
        {"action": "decline_interest", "reason": "Not free in January", "version": "3"},
    )
    assert declined.status_code == 303
    history = (await client.get(f"/api/v1/matches/{match_id}/history", headers=operator.headers)).json()
    assert (
        history[-1]["to_status"] == "freelancer_declined" and history[-1]["reason"] == "Not free in January"
    )
    page = await browser.get(f"/proposals/{match_id}")
    assert "You declined" in page.text and 'value="decline_interest"' not in page.text
    async with database.session() as session:
        count = await session.scalar(
            select(func.count(MatchDecision.id)).where(MatchDecision.match_id == match_id)
        )
    assert count == 3

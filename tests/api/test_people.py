"""Duplicates, merges and deactivations of freelancer profiles, through the API and the console forms
(SQLite and PostgreSQL, real HTTP client): the flag, the refusals said plainly, and a merge that keeps
every decision row, writes its event, and takes the merged profile out of matching and of the queue."""

from __future__ import annotations

import itertools
from typing import Any

import pytest
from litestar.testing import AsyncTestClient
from sqlalchemy import func, select

from models import FreelancerProfile, MatchDecision, ProfileEvent
from service.db import Database
from tests.console_client import csrf_token, page_text, sign_in_console
from tests.factories import Caller, post_mission, register_company, register_freelancer
from tests.work_queue import RecordingWorkQueue

Client = AsyncTestClient[Any]
_phones = itertools.count(10)


async def person(client: Client, name: str, **overrides: Any) -> Caller:
    """A freelancer with a phone and a LinkedIn URL of their own (the factory's are shared)."""
    n = next(_phones)
    contact = {"phone": f"+33 7 00 00 00 {n:02d}", "linkedin_url": f"https://linkedin.com/in/person-{n}"}
    return await register_freelancer(client, full_name=name, **{**contact, **overrides})


@pytest.fixture
def web(client: Client) -> Client:
    client.follow_redirects = False
    return client


@pytest.fixture
def inline(work_queue: RecordingWorkQueue) -> RecordingWorkQueue:
    work_queue.inline = True
    return work_queue


async def _duplicates(client: Client, operator: Caller, profile_id: int) -> list[dict[str, Any]]:
    response = await client.get(f"/api/v1/freelancers/{profile_id}/duplicates", headers=operator.headers)
    assert response.status_code == 200, response.text
    items: list[dict[str, Any]] = response.json()["items"]
    return items


async def test_a_second_registration_is_flagged_with_the_rule_that_matched(
    client: Client, operator: Caller
) -> None:
    first = await person(client, "Claire Martin", phone="+33 6 12 34 56 78")
    second = await person(client, "Claire Martín", phone="06 12 34 56 78", headline="Something else")
    same_link = await person(
        client, "Sophie Bernard", linkedin_url="https://www.linkedin.com/in/claire-martin/"
    )
    await person(client, "Claire Martin jr", linkedin_url="https://www.linkedin.com/in/claire-martin?x=1")
    other = await person(client, "Julien Roux")  # same headline as the factory's: not a duplicate
    listed = await _duplicates(client, operator, first.id)
    assert [(d["profile_id"], d["rules"]) for d in listed] == [(second.id, ["phone"])]
    linked = await _duplicates(client, operator, same_link.id)
    assert [d["rules"] for d in linked] == [["linkedin"]] and linked[0]["full_name"] == "Claire Martin jr"
    assert await _duplicates(client, operator, other.id) == []


async def test_duplicates_and_merge_are_for_operators_and_know_unknown_ids(
    client: Client, operator: Caller, freelancer: Caller
) -> None:
    mine = await client.get(f"/api/v1/freelancers/{freelancer.id}/duplicates", headers=freelancer.headers)
    assert mine.status_code == 403
    missing = await client.get("/api/v1/freelancers/9999/duplicates", headers=operator.headers)
    assert missing.status_code == 404
    merge = await client.post(
        "/api/v1/freelancers/9999/merge",
        json={"into": freelancer.id, "reason": "x"},
        headers=operator.headers,
    )
    assert merge.status_code == 404


async def test_a_merge_keeps_the_history_and_takes_the_duplicate_out_of_matching(
    client: Client, operator: Caller, inline: RecordingWorkQueue, database: Database
) -> None:
    kept = await person(client, "Claire Martin", phone="+33 6 11 22 33 44")
    duplicate = await person(client, "Claire Martine", phone="0611223344")
    company = await register_company(client)
    mission = await post_mission(client, company)
    queue = (
        await client.get(f"/api/v1/review-queue?mission_id={mission['id']}", headers=operator.headers)
    ).json()
    rows = {item["match"]["freelancer_id"]: item for item in queue["items"]}
    assert rows[duplicate.id]["possible_duplicate"] is True and rows[kept.id]["possible_duplicate"] is True
    shortlisted = await client.post(
        f"/api/v1/matches/{rows[duplicate.id]['match']['id']}/decisions",
        json={"action": "shortlist", "version": rows[duplicate.id]["version"], "reason": "bon profil"},
        headers=operator.headers,
    )
    assert shortlisted.status_code == 200, shortlisted.text
    done = await client.post(
        f"/api/v1/freelancers/{duplicate.id}/merge",
        json={"into": kept.id, "reason": "inscrite deux fois"},
        headers=operator.headers,
    )
    assert done.status_code == 200, done.text
    assert done.json()["merged_id"] == duplicate.id and done.json()["kept_id"] == kept.id
    async with database.session() as session:
        merged = await session.get(FreelancerProfile, duplicate.id)
        assert merged is not None and merged.active is False and merged.merged_into_id == kept.id
        assert merged.merged_at is not None
        decisions = await session.scalar(select(func.count(MatchDecision.id)))
        assert decisions == 1  # the decision on the merged profile's match is still there
        events = (await session.scalars(select(ProfileEvent))).all()
        assert [(e.kind, e.profile_id, e.other_profile_id, e.reason) for e in events] == [
            ("merged", duplicate.id, kept.id, "inscrite deux fois")
        ]
    after = (
        await client.get(
            f"/api/v1/review-queue?mission_id={mission['id']}&status=shortlisted", headers=operator.headers
        )
    ).json()
    assert duplicate.id not in [item["match"]["freelancer_id"] for item in after["items"]]
    pending = (
        await client.get(f"/api/v1/review-queue?mission_id={mission['id']}", headers=operator.headers)
    ).json()
    assert [item["match"]["freelancer_id"] for item in pending["items"]] == [kept.id]
    assert pending["items"][0]["possible_duplicate"] is False  # the merged profile is no longer compared
    matches = await client.get(f"/api/v1/missions/{mission['id']}/matches", headers=operator.headers)
    assert duplicate.id not in [m["freelancer_id"] for m in matches.json()["items"]]


@pytest.mark.parametrize(
    ("case", "detail"),
    [
        ("itself", "ne peut pas être fusionné dans lui-même"),
        ("inactive", "est inactif"),
        ("twice", "a déjà été fusionné dans"),
        ("into_merged", "a lui-même été fusionné dans"),
    ],
)
async def test_a_merge_that_makes_no_sense_is_refused_plainly(
    client: Client, operator: Caller, case: str, detail: str
) -> None:
    first, second, third = [
        await person(client, name) for name in ("Anne Morel", "Bruno Lefèvre", "Chloé Girard")
    ]

    async def merge(source: int, into: int) -> Any:
        return await client.post(
            f"/api/v1/freelancers/{source}/merge",
            json={"into": into, "reason": "doublon"},
            headers=operator.headers,
        )

    if case == "itself":
        refused = await merge(first.id, first.id)
    elif case == "inactive":
        await client.post(f"/api/v1/freelancers/{second.id}/deactivate", headers=second.headers)
        refused = await merge(first.id, second.id)
    elif case == "twice":
        assert (await merge(first.id, second.id)).status_code == 200
        refused = await merge(first.id, third.id)
    else:
        assert (await merge(second.id, third.id)).status_code == 200
        refused = await merge(first.id, second.id)
    assert refused.status_code == 409, refused.text
    assert detail in refused.json()["detail"]


async def test_a_merge_needs_a_reason_naming_the_field(client: Client, operator: Caller) -> None:
    first = await person(client, "Anne Morel")
    second = await person(client, "Bruno Lefèvre")
    for body in ({"into": second.id}, {"into": second.id, "reason": "   "}):
        refused = await client.post(
            f"/api/v1/freelancers/{first.id}/merge", json=body, headers=operator.headers
        )
        assert refused.status_code in (400, 422), refused.text
        assert "reason" in refused.text


async def _signed_in_page(web: Client, operator: Caller, path: str) -> str:
    await sign_in_console(web, operator.api_key)
    page = await web.get(path)
    assert page.status_code == 200, page.text
    return page.text


async def test_the_console_merge_needs_a_confirmation_then_keeps_the_history(
    web: Client, operator: Caller, inline: RecordingWorkQueue
) -> None:
    kept = await person(web, "Claire Martin", linkedin_url="https://linkedin.com/in/cmartin")
    duplicate = await person(web, "Claire Martinn", linkedin_url="http://www.LinkedIn.com/in/cmartin/")
    company = await register_company(web, name="Néobanque Azur")
    await post_mission(web, company, title="CTO de transition paiement")
    html = await _signed_in_page(web, operator, f"/console/freelancers/{kept.id}")
    text = page_text(html)
    assert "Doublons possibles" in text and "même LinkedIn" in text and "Claire Martinn" in text
    token = csrf_token(html)
    form = {"other": str(duplicate.id), "kept": str(kept.id), "reason": "même personne", "_csrf_token": token}
    unconfirmed = await web.post(f"/console/freelancers/{kept.id}/merge", data=form)
    assert unconfirmed.status_code == 303
    assert "confirmez" in page_text((await web.get(unconfirmed.headers["location"])).text)
    done = await web.post(f"/console/freelancers/{kept.id}/merge", data={**form, "confirm": "yes"})
    assert done.status_code == 303 and done.headers["location"] == f"/console/freelancers/{kept.id}"
    after = page_text((await web.get(done.headers["location"])).text)
    assert f"n° {duplicate.id} a été fusionné" in after
    assert f"du profil fusionné n° {duplicate.id}" in after  # its match, shown on the kept profile
    assert "même personne" in after and "Fusionné" in after
    merged_page = page_text((await web.get(f"/console/freelancers/{duplicate.id}")).text)
    assert "Fusionné dans" in merged_page


async def test_not_the_same_person_is_no_longer_flagged(web: Client, operator: Caller) -> None:
    first = await person(web, "Claire Martin", phone="+33 6 99 88 77 66")
    second = await person(web, "Claire Martin", phone="06 99 88 77 66")
    html = await _signed_in_page(web, operator, f"/console/freelancers/{first.id}")
    done = await web.post(
        f"/console/freelancers/{first.id}/not-duplicate",
        data={"other": str(second.id), "reason": "homonymes", "_csrf_token": csrf_token(html)},
    )
    assert done.status_code == 303
    assert await _duplicates(web, operator, first.id) == []
    assert await _duplicates(web, operator, second.id) == []
    text = page_text((await web.get(f"/console/freelancers/{first.id}")).text)
    assert "Pas la même personne" in text and "homonymes" in text


async def test_the_api_marks_two_people_once_and_refuses_a_profile_against_itself(
    client: Client, operator: Caller, freelancer: Caller
) -> None:
    first = await person(client, "Camille Durand", phone="+33 6 11 22 33 44")
    second = await person(client, "Camille Durand", phone="06 11 22 33 44")
    assert [d["profile_id"] for d in await _duplicates(client, operator, first.id)] == [second.id]
    path = f"/api/v1/freelancers/{second.id}/not-duplicate"
    body = {"other": first.id, "reason": "homonymes"}
    assert (await client.post(path, json=body, headers=freelancer.headers)).status_code == 403
    done = await client.post(path, json=body, headers=operator.headers)
    assert done.status_code == 200 and done.json() == {
        "profile_id": second.id,
        "other_id": first.id,
        "recorded": True,
    }
    assert await _duplicates(client, operator, first.id) == []
    assert await _duplicates(client, operator, second.id) == []
    again = await client.post(path, json=body, headers=operator.headers)
    assert again.status_code == 200 and again.json()["recorded"] is False
    itself = await client.post(path, json={"other": second.id}, headers=operator.headers)
    assert itself.status_code == 422 and itself.json()["errors"][0]["field"] == "body.other"


async def test_the_console_deactivation_needs_a_reason_and_records_it(
    web: Client, operator: Caller, database: Database
) -> None:
    profile = await person(web, "Anne Morel")
    html = await _signed_in_page(web, operator, f"/console/freelancers/{profile.id}")
    token = csrf_token(html)
    blank = await web.post(
        f"/console/freelancers/{profile.id}/deactivate", data={"reason": " ", "_csrf_token": token}
    )
    assert blank.status_code == 303
    async with database.session() as session:
        still = await session.get(FreelancerProfile, profile.id)
        assert still is not None and still.active is True
    done = await web.post(
        f"/console/freelancers/{profile.id}/deactivate",
        data={"reason": "a trouvé un CDI", "_csrf_token": token},
    )
    assert done.status_code == 303
    text = page_text((await web.get(done.headers["location"])).text)
    assert "a été désactivé" in text and "a trouvé un CDI" in text and "Inactif" in text


async def test_the_people_pages_are_for_signed_in_operators_and_know_unknown_ids(
    web: Client, operator: Caller, company: Caller
) -> None:
    profile = await person(web, "Anne Morel")
    for path in (f"/console/freelancers/{profile.id}", f"/console/companies/{company.id}"):
        visitor = await web.get(path)
        assert visitor.status_code == 303 and visitor.headers["location"].startswith("/console/sign-in")
        with_key = await web.get(path, headers=company.headers)  # an API key is no console session
        assert with_key.status_code == 303
    await sign_in_console(web, operator.api_key)
    for path in ("/console/freelancers/9999", "/console/companies/9999"):
        missing = await web.get(path)
        assert missing.status_code == 404 and "text/html" in missing.headers["content-type"]


async def test_the_freelancer_page_shows_market_availability_contact_and_matches_in_french(
    web: Client, operator: Caller, inline: RecordingWorkQueue
) -> None:
    profile = await person(web, "Anne Morel", tjm=1075, years_experience=12)
    company = await register_company(web, name="Néobanque Azur")
    await post_mission(web, company, title="CTO de transition paiement")
    text = page_text(await _signed_in_page(web, operator, f"/console/freelancers/{profile.id}"))
    assert "1 075 €" in text and "au-dessus du marché" in text
    assert "Disponibilité" in text and "04/01/2027" in text
    assert "marc@paynest.test" in text and "Marc Petit" in text  # a reference, with its contact
    assert "CTO de transition paiement" in text and "Néobanque Azur" in text
    company_text = page_text((await web.get(f"/console/companies/{company.id}")).text)
    assert "CTO de transition paiement" in company_text and "Aucune proposition" in company_text


async def test_the_queue_match_and_missions_pages_link_to_the_people_pages(
    web: Client, operator: Caller, inline: RecordingWorkQueue
) -> None:
    profile = await person(web, "Anne Morel")
    company = await register_company(web, name="Néobanque Azur")
    mission = await post_mission(web, company)
    queue = (
        await web.get(f"/api/v1/review-queue?mission_id={mission['id']}", headers=operator.headers)
    ).json()
    match_id = queue["items"][0]["match"]["id"]
    freelancer_link = f'href="/console/freelancers/{profile.id}"'
    company_link = f'href="/console/companies/{company.id}"'
    queue_page = await _signed_in_page(web, operator, f"/console/queue?mission_id={mission['id']}")
    assert freelancer_link in queue_page
    match_page = (await web.get(f"/console/matches/{match_id}")).text
    assert freelancer_link in match_page and company_link in match_page
    assert company_link in (await web.get("/console/missions")).text
    assert company_link in (await web.get(f"/console/missions/{mission['id']}")).text


@pytest.mark.parametrize(
    ("action", "field"),
    [("merge", "into"), ("not-duplicate", "other")],
)
async def test_an_id_out_of_range_is_refused_naming_its_field(
    client: Client, operator: Caller, action: str, field: str
) -> None:
    """Ids are 32-bit in the database: a larger one is a 422, never a database error."""
    first = await person(client, "Camille Durand")
    body = {field: 37_820_432_261, "reason": "inscrite deux fois"}
    refused = await client.post(
        f"/api/v1/freelancers/{first.id}/{action}", json=body, headers=operator.headers
    )
    assert refused.status_code == 422, refused.text
    assert [e["field"] for e in refused.json()["errors"]] == [f"body.{field}"]

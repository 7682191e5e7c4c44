"""What each reader of a match reads, in French unless asked otherwise: the company and the freelancer get
their own wording without the engine's internals, with the reasons' stable codes beside; the market check
and a low budget's warning with its way out, in both languages."""

from __future__ import annotations

from typing import Any

import pytest
from litestar.testing import AsyncTestClient

from tests.factories import Caller, post_mission, register_company, register_freelancer
from tests.work_queue import RecordingWorkQueue

Client = AsyncTestClient[Any]
NBSP = "\u00a0"
ENGLISH = {"Accept-Language": "en-GB,en;q=0.9"}


async def _decide(client: Client, operator: Caller, match_id: int, action: str, version: int) -> int:
    response = await client.post(
        f"/api/v1/matches/{match_id}/decisions",
        json={"action": action},
        headers={**operator.headers, "If-Match": f'"{version}"'},
    )
    assert response.status_code == 200, response.text
    new_version: int = response.json()["version"]
    return new_version


@pytest.fixture
async def proposed(
    client: Client, work_queue: RecordingWorkQueue, company: Caller, operator: Caller
) -> dict[str, Any]:
    """A match proposed to the company and to the freelancer: 680 € within the 600–700 € budget, IT
    security mastered, a CTO role in a fintech context, for a fintech mission."""
    work_queue.inline = True
    freelancer = await register_freelancer(client)
    mission = await post_mission(client, company)
    listed = await client.get(f"/api/v1/missions/{mission['id']}/matches", headers=operator.headers)
    match = next(m for m in listed.json()["items"] if m["freelancer_id"] == freelancer.id)
    version = await _decide(client, operator, match["id"], "approve", match["version"])
    await _decide(client, operator, match["id"], "propose", version)
    return {"match_id": match["id"], "mission_id": mission["id"], "freelancer": freelancer}


async def _read(client: Client, caller: Caller, match_id: int, **headers: str) -> dict[str, Any]:
    response = await client.get(f"/api/v1/matches/{match_id}", headers={**caller.headers, **headers})
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()["match"]
    return body


async def test_a_company_reads_its_proposed_match_in_french_then_english(
    client: Client, company: Caller, proposed: dict[str, Any]
) -> None:
    french = await _read(client, company, proposed["match_id"])
    assert (
        f"2 compétences requises maîtrisées{NBSP}: Sécurité informatique et Leadership" in french["reasons"]
    )
    assert f"tarif de 680{NBSP}€ par jour, dans votre budget de 600–700{NBSP}€" in french["reasons"]
    assert "déjà CTO dans un contexte fintech (2019–2024)" in french["reasons"]
    english = await _read(client, company, proposed["match_id"], **ENGLISH)
    assert "2 mastered required competences: IT security and Leadership" in english["reasons"]
    assert "rate €680 a day, within your budget €600–700" in english["reasons"]
    assert "already CTO in a fintech context (2019–2024)" in english["reasons"]
    # the same reasons as stable codes, whatever the language
    assert french["reason_codes"] == english["reason_codes"]
    codes = {r["code"]: r for r in english["reason_codes"]}
    assert codes["tjm_within_budget"]["params"] == {"tjm": 680, "budget_min": 600, "budget_max": 700}
    assert (codes["tjm_within_budget"]["factor"], codes["market_within"]["tone"]) == ("tjm", "positive")
    assert codes["past_role_context"]["params"]["context"] == "fintech"


async def test_the_company_and_the_freelancer_read_no_internal_figure(
    client: Client, company: Caller, operator: Caller, proposed: dict[str, Any]
) -> None:
    operator_view = await _read(client, operator, proposed["match_id"], **ENGLISH)
    assert any(
        r.startswith("text similarity with the mission description: 0.") for r in operator_view["reasons"]
    )
    assert "text_similarity" in {r["code"] for r in operator_view["reason_codes"]}
    for reader in (company, proposed["freelancer"]):
        for headers in ({}, ENGLISH):
            body = await _read(client, reader, proposed["match_id"], **headers)
            text = " | ".join(body["reasons"]).lower()
            assert body["reasons"] and "similar" not in text and "similarit" not in text, text
            assert "0." not in text and "0," not in text and "%" not in text, text
            assert "text_similarity" not in {r["code"] for r in body["reason_codes"]}


async def test_the_freelancer_reads_why_this_mission_in_the_second_person(
    client: Client, proposed: dict[str, Any]
) -> None:
    freelancer = proposed["freelancer"]
    path = f"/api/v1/freelancers/{freelancer.id}/matches"
    french = (await client.get(path, headers=freelancer.headers)).json()["items"][0]
    assert (
        f"vous maîtrisez 2 des compétences requises{NBSP}: Sécurité informatique et Leadership"
        in french["reasons"]
    )
    assert f"votre tarif de 680{NBSP}€ est dans le budget de la mission (600–700{NBSP}€)" in french["reasons"]
    english = (await client.get(path, headers={**freelancer.headers, **ENGLISH})).json()["items"][0]
    assert "you master 2 of the required competences: IT security and Leadership" in english["reasons"]
    assert "you were already CTO in a fintech context (2019–2024)" in english["reasons"]
    assert english["reason_codes"] == french["reason_codes"]


async def test_the_operator_reads_every_reason_with_its_figures(
    client: Client, operator: Caller, proposed: dict[str, Any]
) -> None:
    body = (
        await client.get(f"/api/v1/missions/{proposed['mission_id']}/matches", headers=operator.headers)
    ).json()
    match = body["items"][0]
    assert len(match["reasons"]) == len(match["reason_codes"])
    assert f"TJM de 680{NBSP}€ dans le budget de 600–700{NBSP}€" in match["reasons"]
    assert f"fourchette du marché pour 11–15 ans{NBSP}: 650–685{NBSP}€" in match["reasons"]


@pytest.mark.parametrize(
    ("headers", "message"),
    [
        ({}, f"Le TJM de 680{NBSP}€ est dans la fourchette du marché 650–685{NBSP}€ pour 11–15 ans"),
        (ENGLISH, "TJM €680 is within the market range €650–685 for 11–15 years"),
    ],
)
async def test_the_market_check_message_in_both_languages(
    client: Client, headers: dict[str, str], message: str
) -> None:
    response = await client.get("/api/v1/market-check?years=12&tjm=680", headers=headers)
    assert response.status_code == 200, response.text
    assert response.json()["message"] == message


async def test_the_market_check_says_the_documented_ceiling(client: Client) -> None:
    body = (await client.get("/api/v1/market-check?years=30&tjm=1200", headers=ENGLISH)).json()
    assert body["above_ceiling"] is True
    assert body["message"].endswith("and above the documented ceiling of €1,075")


async def test_a_low_budget_gets_a_warning_and_a_way_out(
    client: Client, work_queue: RecordingWorkQueue, company: Caller
) -> None:
    work_queue.inline = True
    mission = await post_mission(client, company, seniority="y11_15", tjm_min=450, tjm_max=500)
    assert mission["budget_warning"] == (
        f"le budget de 450–500{NBSP}€ est sous la fourchette du marché de 650–685{NBSP}€ pour 11–15 ans"
        f"{NBSP}; pour y remédier{NBSP}: relever le maximum à 650{NBSP}€ ou demander 5–10 ans (fourchette "
        f"du marché 450–488{NBSP}€)"
    )
    assert mission["budget_advice"] == [
        {
            "action": "raise_max",
            "text": f"relever le maximum à 650{NBSP}€",
            "tjm_max": 650,
            "band": None,
            "tjm_low": None,
            "tjm_high": None,
        },
        {
            "action": "lower_seniority",
            "text": f"demander 5–10 ans (fourchette du marché 450–488{NBSP}€)",
            "tjm_max": None,
            "band": "y5_10",
            "tjm_low": 450,
            "tjm_high": 488,
        },
    ]
    english = await client.get(f"/api/v1/missions/{mission['id']}", headers={**company.headers, **ENGLISH})
    assert english.json()["budget_warning"] == (
        "budget €450–500 is below the market range €650–685 for 11–15 years; to fix it: raise the maximum to "
        "€650 or ask for 5–10 years (market range €450–488)"
    )
    matches = await client.get(
        f"/api/v1/missions/{mission['id']}/matches", headers={**company.headers, **ENGLISH}
    )
    body = matches.json()
    assert body["budget_warning"] == english.json()["budget_warning"]
    assert [o["text"] for o in body["budget_advice"]] == [
        "raise the maximum to €650",
        "ask for 5–10 years (market range €450–488)",
    ]


async def test_a_budget_within_the_market_has_no_warning(client: Client, company: Caller) -> None:
    mission = await post_mission(client, company)
    assert (mission["budget_warning"], mission["budget_advice"]) == (None, [])
    other = await register_company(client)
    low = await post_mission(client, other, seniority="gt15", tjm_min=350, tjm_max=380)
    assert [o["action"] for o in low["budget_advice"]] == ["raise_max"]  # no junior band reaches 380 €
    assert low["budget_advice"][0]["tjm_max"] == 400

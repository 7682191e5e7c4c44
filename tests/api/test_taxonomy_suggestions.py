"""POST /api/v1/taxonomy/suggestions: the competences and CTO missions a free text names, whatever its
language, with the words that name them and labels in the reader's language."""

from __future__ import annotations

from typing import Any

from litestar.testing import AsyncTestClient

from tests.factories import Caller, register_company, register_freelancer

Client = AsyncTestClient[Any]
PATH = "/api/v1/taxonomy/suggestions"
FRENCH_MISSION = (
    "Refonte de l'application mobile : rédaction du Cahier des Charges, suivi de la recette, "
    "étude des appels d'offres et veille technologique."
)
ENGLISH_PROFILE = (
    "Ten years as CTO: pre-sales and tenders, technical specifications, acceptance testing of every "
    "mobile application we shipped, and a weekly innovation watch."
)
#: The five concepts both texts name, in the taxonomy's order.
FIVE = [
    "innovation_watch",
    "mobile_application",
    "presales_tender",
    "technical_specifications",
    "acceptance_testing",
]


async def test_a_french_text_gets_french_labels_and_its_own_words(client: Client) -> None:
    freelancer = await register_freelancer(client)
    response = await client.post(PATH, json={"text": FRENCH_MISSION}, headers=freelancer.headers)
    assert response.status_code == 200, response.text
    assert response.headers["content-language"] == "fr"
    items = {i["id"]: i for i in response.json()["items"]}
    assert [i["id"] for i in response.json()["items"]] == FIVE
    assert items["acceptance_testing"] == {
        "id": "acceptance_testing",
        "kind": "agency_phase",
        "label": "Recette",
        "label_fr": "Recette",
        "label_en": "Acceptance testing",
        "words": ["recette"],
    }
    assert items["technical_specifications"]["words"] == ["Cahier des Charges"]
    assert items["mobile_application"]["words"] == ["application mobile"]
    assert items["presales_tender"]["words"] == ["appels d'offres"]
    assert items["innovation_watch"]["label"] == "Innover dans les nouvelles technologies"


async def test_an_english_reader_gets_english_labels_for_the_same_concepts(
    client: Client, operator: Caller
) -> None:
    company = await register_company(client)
    english = {"Accept-Language": "en-GB,en;q=0.9"}
    for caller in (company, operator):
        response = await client.post(
            PATH, json={"text": ENGLISH_PROFILE}, headers={**caller.headers, **english}
        )
        assert response.status_code == 200, response.text
        items = response.json()["items"]
        assert [i["id"] for i in items] == FIVE
        by_id = {i["id"]: i for i in items}
        assert by_id["acceptance_testing"]["label"] == "Acceptance testing"
        assert by_id["acceptance_testing"]["words"] == ["acceptance testing"]
        assert by_id["presales_tender"]["words"] == ["pre-sales", "tenders"]
        assert by_id["technical_specifications"]["label"] == "Technical specifications and requirements"


async def test_a_text_naming_nothing_gets_no_items(client: Client) -> None:
    freelancer = await register_freelancer(client)
    response = await client.post(
        PATH, json={"text": "Disponible le lundi, à Lyon."}, headers=freelancer.headers
    )
    assert response.status_code == 200 and response.json() == {"items": []}


async def test_an_empty_or_oversized_text_is_refused_naming_the_field(client: Client) -> None:
    freelancer = await register_freelancer(client)
    for text in ("", "recette " * 2_501):
        response = await client.post(PATH, json={"text": text}, headers=freelancer.headers)
        assert response.status_code == 422, response.text
        assert [e["field"] for e in response.json()["errors"]] == ["body.text"], response.text
    missing = await client.post(PATH, json={}, headers=freelancer.headers)
    assert missing.status_code == 422
    assert "body.text" in missing.text


async def test_the_longest_accepted_text_is_read(client: Client) -> None:
    freelancer = await register_freelancer(client)
    text = ("x" * 19_990) + " recette"
    assert len(text) == 19_998
    response = await client.post(PATH, json={"text": text}, headers=freelancer.headers)
    assert response.status_code == 200
    assert [i["id"] for i in response.json()["items"]] == ["acceptance_testing"]


async def test_a_caller_without_a_key_is_refused(client: Client) -> None:
    response = await client.post(PATH, json={"text": FRENCH_MISSION})
    assert response.status_code == 401

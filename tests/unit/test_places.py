"""The table of places (fixtures/places.json): real regions, every city of the fixtures, and lookups
that ignore case, accents, hyphens and the language a region is named in."""

from __future__ import annotations

import json
import unicodedata
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from service.reference.places import (
    canonical_place,
    is_region,
    parse_places,
    place_key,
    places,
    region_of,
)

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"
ALL_CITIES = [(city, region.name_fr) for region in places().regions for city in region.cities]


def _fixture_cities() -> set[str]:
    """Every `location` and `city` of the demo files, the demo tables' missions and the evaluation set."""
    found: set[str] = set()

    def walk(value: Any) -> None:
        if isinstance(value, dict):
            for key, inner in value.items():
                if key in {"location", "city"} and isinstance(inner, str) and inner:
                    found.add(inner)
                walk(inner)
        elif isinstance(value, list):
            for inner in value:
                walk(inner)

    for path in [*sorted((FIXTURES / "demo").glob("*.json")), FIXTURES / "evaluation.json"]:
        walk(json.loads(path.read_text("utf-8")))
    return found


def test_the_regions_of_france_with_their_prefectures() -> None:
    regions = places().regions
    assert len(regions) == 18
    assert sum(not r.overseas for r in regions) == 13 and sum(r.overseas for r in regions) == 5
    prefectures = {r.name_fr: r.prefecture for r in regions}
    assert prefectures["Île-de-France"] == "Paris" and prefectures["Auvergne-Rhône-Alpes"] == "Lyon"
    assert prefectures["Grand Est"] == "Strasbourg" and prefectures["La Réunion"] == "Saint-Denis"
    assert all(r.cities[0] == r.prefecture and 5 <= len(r.cities) <= 20 for r in regions)


def test_every_city_of_the_fixtures_has_its_region() -> None:
    cities = _fixture_cities()
    assert {"Paris", "Lyon", "Grenoble", "Nice", "Strasbourg"} <= cities
    assert {city: region_of(city) for city in cities if not region_of(city)} == {}
    assert region_of("Grenoble") == "Auvergne-Rhône-Alpes" and region_of("Rennes") == "Bretagne"
    assert region_of("Nice") == "Provence-Alpes-Côte d'Azur" and region_of("Lille") == "Hauts-de-France"


def test_lookups_ignore_case_accents_hyphens_and_the_language() -> None:
    assert region_of("saint etienne") == region_of("SAINT-ÉTIENNE") == "Auvergne-Rhône-Alpes"
    assert region_of("  Villeneuve d'Ascq ") == region_of("villeneuve-d’ascq") == "Hauts-de-France"
    assert region_of("Schoelcher") == "Martinique"
    # A region's own name (French, English, a usual short form) gives that region.
    assert region_of("Brittany") == region_of("bretagne") == "Bretagne"
    assert region_of("PACA") == "Provence-Alpes-Côte d'Azur" and region_of("ile de france") == "Île-de-France"
    assert region_of("Trifouilly-les-Oies") == region_of("") == ""
    assert is_region("Occitania") and is_region("centre val de loire") and not is_region("Toulouse")
    assert not is_region("Atlantis")


def test_the_canonical_spelling_of_a_place() -> None:
    assert canonical_place("lyon") == "Lyon" and canonical_place("saint-etienne") == "Saint-Étienne"
    assert canonical_place(" Brittany ") == "Bretagne" and canonical_place("idf") == "Île-de-France"
    assert canonical_place("  Le Bourget-du-Lac ") == "Le Bourget-du-Lac"  # unknown: as written, trimmed


def _shout_without_accents(name: str) -> str:
    bare = "".join(c for c in unicodedata.normalize("NFKD", name) if not unicodedata.combining(c))
    return bare.upper().replace("-", " ")


@given(st.sampled_from(ALL_CITIES), st.sampled_from([str.lower, str.upper, _shout_without_accents]))
def test_any_spelling_of_a_listed_city_finds_its_region(city_region: tuple[str, str], spell: Any) -> None:
    city, region = city_region
    assert region_of(spell(city)) == region
    assert canonical_place(spell(city)) == city


def test_a_name_listed_twice_is_refused() -> None:
    table = json.loads((FIXTURES / "places.json").read_text("utf-8"))
    table["regions"][1]["cities"].append("LYON")
    with pytest.raises(ValueError, match="'LYON' is listed twice"):
        parse_places(json.dumps(table))
    assert place_key("Saint-Étienne") == place_key("saint etienne") == "saint etienne"

"""The French regions and their main cities (fixtures/places.json), read once per process.

A mission's region is the region of its city, so the engine can tell that a freelancer mobile across
"Bretagne" is present in Brest; a freelancer's mobility may name a city or a region, in French or in
English. Names are compared as the engine compares places (`matching.inputs.normalise_tag`: case,
accents and spacing ignored), and hyphens and apostrophes count as spaces, so "saint etienne",
"Saint-Étienne" and "SAINT-ETIENNE" are one city.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from importlib.resources.abc import Traversable
from typing import TypeVar

from matching.inputs import normalise_tag
from service.fixture_files import FIXTURES

PLACES: Traversable = FIXTURES / "places.json"

_V = TypeVar("_V")


@dataclass(frozen=True)
class Region:
    id: str
    name_fr: str
    name_en: str
    overseas: bool
    prefecture: str
    cities: tuple[str, ...]


@dataclass(frozen=True)
class Places:
    """The table of places, indexed by the compared form of every name it knows."""

    regions: tuple[Region, ...]
    region_by_key: dict[str, Region]
    """Region names (French, English, aliases) -> the region."""
    city_by_key: dict[str, tuple[str, Region]]
    """City names -> (the city as spelt in the table, its region)."""

    def region_of(self, place: str) -> Region | None:
        key = place_key(place)
        city = self.city_by_key.get(key)
        return city[1] if city is not None else self.region_by_key.get(key)


def place_key(name: str) -> str:
    """The form two spellings of one place share: `normalise_tag`, hyphens and apostrophes as spaces,
    "œ" as "oe" (Schœlcher, Schoelcher)."""
    folded = normalise_tag(name).replace("œ", "oe").replace("æ", "ae")
    return " ".join(folded.replace("-", " ").replace("'", " ").replace("\u2019", " ").split())


def parse_places(text: str) -> Places:
    """The table from the JSON of fixtures/places.json; a name listed twice is an error naming it."""
    regions: list[Region] = []
    region_by_key: dict[str, Region] = {}
    city_by_key: dict[str, tuple[str, Region]] = {}
    for raw in json.loads(text)["regions"]:
        region = Region(
            id=str(raw["id"]),
            name_fr=str(raw["name_fr"]),
            name_en=str(raw["name_en"]),
            overseas=bool(raw.get("overseas", False)),
            prefecture=str(raw["prefecture"]),
            cities=tuple(str(c) for c in raw["cities"]),
        )
        if region.prefecture not in region.cities:
            raise ValueError(f"places: the préfecture {region.prefecture} is not a city of {region.id}")
        regions.append(region)
        for name in {region.name_fr, region.name_en, *(str(a) for a in raw.get("aliases", ()))}:
            _add(region_by_key, place_key(name), region, name)
        for city in region.cities:
            _add(city_by_key, place_key(city), (city, region), city)
    for key in region_by_key.keys() & city_by_key.keys():
        raise ValueError(f"places: {key!r} is both a region and a city")
    return Places(tuple(regions), region_by_key, city_by_key)


def _add(index: dict[str, _V], key: str, value: _V, name: str) -> None:
    if key in index and index[key] != value:
        raise ValueError(f"places: {name!r} is listed twice")
    index[key] = value


@cache
def places() -> Places:
    """The table, read on first use and kept for the life of the process (it ships with the code)."""
    return parse_places(PLACES.read_text(encoding="utf-8"))


def region_of(city: str) -> str:
    """The French name of the region of `city` (a region's own name gives that region); "" when the
    place is not in the table."""
    region = places().region_of(city)
    return region.name_fr if region is not None else ""


def is_region(name: str) -> bool:
    """Whether `name` names a region (French, English or a usual short form such as "PACA")."""
    return place_key(name) in places().region_by_key


def canonical_place(name: str) -> str:
    """The table's spelling of a known city ("lyon" -> "Lyon") or the French name of a known region
    ("Brittany" -> "Bretagne"); any other place comes back trimmed, as written."""
    table = places()
    key = place_key(name)
    if (city := table.city_by_key.get(key)) is not None:
        return city[0]
    if (region := table.region_by_key.get(key)) is not None:
        return region.name_fr
    return name.strip()

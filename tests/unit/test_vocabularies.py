"""The closed vocabularies (contexts, orientations, remote preferences and policies...) agree everywhere.

``models.enums`` is the source: the schema stores its values and the demo generator takes them from it.
The engine (``matching``) may not import the app, so it keeps its own tuples; these tests hold them
equal, in the same order (the engine indexes arrays by position, the generator's seeded draws follow it),
and check that the engine's per-value tables, the explanations' wording and the documented schema cover
exactly those values.
"""

from __future__ import annotations

import re
from enum import StrEnum
from itertools import product
from pathlib import Path

from fixtures.demo_gen import constants as demo
from matching import factors, inputs
from models.enums import (
    COMPETENCE_KINDS,
    CompanySize,
    Context,
    MissionStatus,
    Orientation,
    RemotePolicy,
    RemotePreference,
)
from service.explanations import labels as wording

FIXTURES_README = Path(__file__).resolve().parents[2] / "fixtures" / "README.md"


def values(enum: type[StrEnum]) -> tuple[str, ...]:
    return tuple(member.value for member in enum)


def test_the_engine_vocabularies_equal_the_schema_enums() -> None:
    assert values(RemotePreference) == inputs.REMOTE_PREFERENCES
    assert values(RemotePolicy) == inputs.REMOTE_POLICIES
    assert values(Orientation) == inputs.ORIENTATIONS
    assert values(Context) == inputs.CONTEXT_IDS
    assert {kind.value for kind in COMPETENCE_KINDS} == inputs.COMPETENCE_KINDS


def test_the_demo_generator_takes_the_schema_enums() -> None:
    assert values(RemotePreference) == demo.REMOTE_PREFERENCES
    assert values(RemotePolicy) == demo.REMOTE_POLICIES
    assert values(Orientation) == demo.ORIENTATIONS
    assert values(Context) == demo.CONTEXTS
    assert values(CompanySize) == demo.COMPANY_SIZES
    assert values(MissionStatus) == demo.MISSION_STATUSES
    assert {kind.value for kind in COMPETENCE_KINDS} == demo.COMPETENCE_KINDS
    assert all(type(v) is str for v in (*demo.CONTEXTS, *demo.REMOTE_PREFERENCES))  # plain JSON strings


def test_the_engine_tables_cover_every_value() -> None:
    assert set(factors.REMOTE_FIT) == set(product(values(RemotePreference), values(RemotePolicy)))
    assert set(factors.ORIENTATION_FIT) == set(product(values(Orientation), repeat=2))
    assert set(wording.ORIENTATION_LABELS) == set(values(Orientation))
    assert set(wording.REMOTE_PREFERENCE_LABELS) == set(values(RemotePreference))
    assert set(wording.MISSION_REMOTE_LABELS) == set(values(RemotePolicy))
    assert set(wording.CONTEXT_PHRASES) == set(wording.CONTEXT_NAMES) == set(values(Context))
    assert set().union(*factors.CONTEXT_SIMILARITY) <= set(values(Context))


def documented(field: str) -> list[tuple[str, ...]]:
    """The backquoted values of the type column of every schema row of ``field`` in fixtures/README.md."""
    rows = [
        line
        for line in FIXTURES_README.read_text(encoding="utf-8").splitlines()
        if line.startswith(f"| `{field}` |")
    ]
    columns = [re.split(r"(?<!\\)\|", row) for row in rows]
    return [tuple(re.findall(r"`([^`]+)`", cols[2])) for cols in columns]


def documented_between(start: str, end: str) -> tuple[str, ...]:
    """The backquoted values of fixtures/README.md between ``start`` and the next ``end``."""
    text = FIXTURES_README.read_text(encoding="utf-8")
    after = text[text.index(start) + len(start) :]
    return tuple(re.findall(r"`([^`]+)`", after[: after.index(end)]))


def test_the_fixtures_readme_documents_the_same_values() -> None:
    assert documented("remote_preference") == [values(RemotePreference)]
    assert documented("remote_policy") == [values(RemotePolicy)]
    assert documented("orientation") == [values(Orientation)] * 2  # profile and mission schemas
    assert documented("status") == [values(MissionStatus)]
    assert documented_between("Contexts:", "\n") == values(Context)
    assert documented_between("`size` (", ")") == values(CompanySize)

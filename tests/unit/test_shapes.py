"""service.shapes: responses read from rows by field name, POST and PATCH bodies copied onto columns.

The PATCH property is the one every domain relies on: whatever subset of fields a body sets lands on
the row's columns as sent (lists and nested shapes as JSON builtins that read back as sent), fields the
domain handles itself are left alone, and nothing else on the row moves.
"""

from __future__ import annotations

from datetime import date
from typing import Any, Union, get_args

import msgspec
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy.orm import DeclarativeBase

from models import Company, FreelancerProfile, Mission
from models.enums import Context, RemotePreference
from service.companies.schemas import CompanyPrivate, CompanyPublic, CompanyUpdate
from service.freelancers.schemas import (
    FreelancerPrivate,
    FreelancerPublic,
    FreelancerUpdate,
    PastRole,
    PublicReference,
)
from service.freelancers.services import CHILD_ROW_FIELDS as PROFILE_CHILD_ROWS
from service.missions.schemas import MissionUpdate
from service.missions.services import CHILD_ROW_FIELDS as MISSION_CHILD_ROWS
from service.shapes import (
    NEVER_PATCHED,
    apply_patch,
    body_values,
    column_names,
    columns_for,
    only_fields,
    read_shape,
)

PROPS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


class Inner(msgspec.Struct):
    name: str
    level: int = 3


class View(msgspec.Struct, kw_only=True):
    id: int
    label: str
    items: list[Inner]
    flag: bool = False


class Row:
    id = 7
    label = "stored"
    items = [{"name": "a"}, {"name": "b", "level": 5}]  # noqa: RUF012  (as a JSON column holds it)
    secret = "never shown"


def test_read_shape_fills_fields_by_name_and_converts_nested_dicts() -> None:
    view = read_shape(Row(), View)
    assert view == View(id=7, label="stored", items=[Inner("a"), Inner("b", 5)], flag=False)


def test_computed_fields_take_precedence_over_the_row() -> None:
    view = read_shape(Row(), View, label="computed", flag=True)
    assert (view.label, view.flag, view.id) == ("computed", True, 7)


def test_a_required_field_the_row_lacks_fails_loudly() -> None:
    class Bare:
        id = 1

    with pytest.raises(msgspec.ValidationError, match="label"):
        read_shape(Bare(), View)


def test_a_misspelt_computed_field_is_refused() -> None:
    with pytest.raises(ValueError, match="lable"):
        read_shape(Row(), View, lable="typo")


def test_only_fields_drops_what_the_smaller_shape_does_not_show() -> None:
    stored = {"name": "Marc", "role": "CEO", "company": "X", "quote": "q", "contact": "marc@x.test"}
    assert only_fields(stored, PublicReference) == {k: v for k, v in stored.items() if k != "contact"}


def test_a_public_listing_selects_no_private_column() -> None:
    public = {c.key for c in columns_for(FreelancerProfile, FreelancerPublic)}
    private = {c.key for c in columns_for(FreelancerProfile, FreelancerPrivate)}
    assert private - public == {"phone", "linkedin_url", "availability_confirmed_at"}
    assert {"competences", "cto_missions", "experience_band"}.isdisjoint(public)  # not columns
    assert [c.key for c in columns_for(Company, CompanyPublic)][:2] == ["id", "name"]  # the shape's order
    assert {c.key for c in columns_for(Company, CompanyPrivate)} - {
        c.key for c in columns_for(Company, CompanyPublic)
    } == {"phone"}


def test_body_values_leave_out_unset_and_handled_fields_and_store_lists_as_builtins() -> None:
    patch = FreelancerUpdate(
        available_from=date(2027, 1, 4),
        remote_preference=RemotePreference.REMOTE,
        phone=None,
        competences=[],
        past_roles=[PastRole(title="CTO", company="X", context=Context.FINTECH, start_year=2020)],
    )
    values = body_values(patch, handled={"competences"})
    assert values == {
        "available_from": date(2027, 1, 4),
        "remote_preference": RemotePreference.REMOTE,
        "phone": None,
        "past_roles": [
            {"title": "CTO", "company": "X", "context": "fintech", "start_year": 2020, "end_year": None}
        ],
    }


def test_a_misspelt_handled_field_is_refused() -> None:
    with pytest.raises(ValueError, match="competence"):
        body_values(FreelancerUpdate(), handled={"competence"})


class Nickname(msgspec.Struct):
    name: str | msgspec.UnsetType = msgspec.UNSET
    nickname: str | msgspec.UnsetType = msgspec.UNSET


class Revision(msgspec.Struct):
    revision: int | msgspec.UnsetType = msgspec.UNSET


def test_a_patch_field_without_a_column_fails_before_anything_is_set() -> None:
    company = Company(name="Before")
    with pytest.raises(TypeError, match="nickname"):
        apply_patch(company, Nickname(name="After", nickname="x"))
    assert company.name == "Before"


def test_a_patch_cannot_move_what_the_database_moves() -> None:
    assert "revision" in NEVER_PATCHED
    company = Company(revision=3)
    with pytest.raises(TypeError, match="revision"):
        apply_patch(company, Revision(revision=1))
    assert company.revision == 3


# --- the PATCH property, for the three domains --------------------------------------------------------


def _without_unset(annotation: Any) -> Any:
    kept = tuple(a for a in get_args(annotation) if a is not msgspec.UnsetType)
    return kept[0] if len(kept) == 1 else Union[kept]  # noqa: UP007  (a runtime union of the kept types)


@st.composite
def patches(draw: st.DrawFn, patch_type: type[msgspec.Struct]) -> msgspec.Struct:
    """A body setting any subset of its fields, each to any value of its type (constraints aside)."""
    values = {}
    for field in msgspec.structs.fields(patch_type):
        if draw(st.booleans()):
            values[field.name] = draw(st.from_type(_without_unset(field.type)))
    return patch_type(**values)


def _row_with_distinct_values(model: type[DeclarativeBase]) -> DeclarativeBase:
    """Every column holds a value no patch can send, so any column a patch moves shows."""
    row = model()
    for name in column_names(model):
        setattr(row, name, f"<{name} as stored>")
    return row


DOMAINS = [
    (FreelancerProfile, FreelancerUpdate, PROFILE_CHILD_ROWS),
    (Mission, MissionUpdate, MISSION_CHILD_ROWS),
    (Company, CompanyUpdate, frozenset()),
]


@pytest.mark.parametrize(
    ("model", "patch_type", "handled"), DOMAINS, ids=lambda v: getattr(v, "__name__", "")
)
@PROPS
@given(data=st.data())
def test_a_patch_sets_exactly_the_fields_it_sent(
    model: type[DeclarativeBase],
    patch_type: type[msgspec.Struct],
    handled: frozenset[str],
    data: st.DataObject,
) -> None:
    patch = data.draw(patches(patch_type))
    row = _row_with_distinct_values(model)
    relationships = {name: getattr(row, name) for name in handled if hasattr(row, name)}

    changed = apply_patch(row, patch, handled=handled)

    sent = {
        f.name: getattr(patch, f.name)
        for f in msgspec.structs.fields(patch_type)
        if getattr(patch, f.name) is not msgspec.UNSET and f.name not in handled
    }
    assert changed.keys() == sent.keys()
    for name in column_names(model):
        stored = getattr(row, name)
        if name not in sent:
            assert stored == f"<{name} as stored>", name
        elif isinstance(sent[name], list):
            assert stored == msgspec.to_builtins(sent[name]), name  # nested shapes as plain dicts
            assert msgspec.json.decode(msgspec.json.encode(stored)) == stored, name  # JSON-column safe
        else:
            assert stored is sent[name], name
    for name, before in relationships.items():
        assert getattr(row, name) is before, name  # the domain's own child rows are left to it


@pytest.mark.parametrize(
    ("model", "patch_type", "handled"), DOMAINS, ids=lambda v: getattr(v, "__name__", "")
)
def test_every_patch_field_is_a_column_or_handled_by_its_domain(
    model: type[DeclarativeBase], patch_type: type[msgspec.Struct], handled: frozenset[str]
) -> None:
    """A field added to an update schema without its column is caught here, not on a user's request."""
    plain = set(patch_type.__struct_fields__) - handled
    assert plain <= column_names(model) - NEVER_PATCHED
    assert handled.isdisjoint(column_names(model))  # handled ones are child rows, not columns

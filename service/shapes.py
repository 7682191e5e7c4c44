"""Rows to response shapes and request bodies to rows, driven by the msgspec schemas.

A plain field (stored as the body sends it, shown as stored) is then named only by its model, its
migration and its schemas: `read_shape` fills every field of a response shape from the row's attribute
of that name, `body_values` (a POST) and `apply_patch` (a PATCH) copy every field a body set onto the
row's column of that name. A domain still passes explicitly what it computes for a response (a band,
a warning, child lists) and what it stores itself (child rows, normalised values): those are the only
fields a service names.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from functools import cache
from typing import Any, TypeVar

import msgspec
from sqlalchemy import inspect
from sqlalchemy.orm import DeclarativeBase, InstrumentedAttribute

Shape = TypeVar("Shape", bound=msgspec.Struct)

#: What the database moves itself (service.revisions, models.base): no body may set them.
NEVER_PATCHED = frozenset({"id", "revision", "created_at", "updated_at"})


@cache
def field_names(shape: type[msgspec.Struct]) -> frozenset[str]:
    return frozenset(shape.__struct_fields__)


@cache
def column_names(model: type[DeclarativeBase]) -> frozenset[str]:
    """The mapped columns of an ORM model (relationships excluded)."""
    return frozenset(inspect(model).column_attrs.keys())


def _check_names(shape: type[msgspec.Struct], names: Collection[str], what: str) -> None:
    """A misspelt computed or handled field would be silently ignored: refuse it instead."""
    unknown = set(names) - field_names(shape)
    if unknown:
        raise ValueError(f"{what} {sorted(unknown)} are not fields of {shape.__name__}")


_ABSENT = object()


def read_shape(row: object, shape: type[Shape], **computed: Any) -> Shape:
    """`shape` filled from the row's attributes of the same names, `computed` ones taking precedence.

    A field the row lacks takes the shape's default, or fails loudly when it has none; nested shapes
    are converted from stored dicts (JSON columns) alike. Works on ORM rows and on result rows.
    """
    _check_names(shape, computed, "computed fields")
    values = computed
    for name in shape.__struct_fields__:
        if name not in values:
            value = getattr(row, name, _ABSENT)
            if value is not _ABSENT:
                values[name] = value
    return msgspec.convert(values, shape, from_attributes=True)


def only_fields(stored: Mapping[str, Any], shape: type[msgspec.Struct]) -> dict[str, Any]:
    """The entries of a stored mapping that a smaller (public) shape shows: private keys drop out."""
    names = field_names(shape)
    return {key: value for key, value in stored.items() if key in names}


def columns_for(
    model: type[DeclarativeBase], shape: type[msgspec.Struct]
) -> tuple[InstrumentedAttribute[Any], ...]:
    """The model's columns a shape shows by name, in the shape's order: what a listing selects."""
    columns = column_names(model)
    return tuple(getattr(model, name) for name in shape.__struct_fields__ if name in columns)


def _as_stored(value: Any) -> Any:
    """Lists and nested shapes go to JSON columns as builtins; scalars, dates and enums as they are."""
    if isinstance(value, list | tuple | set | frozenset | dict | msgspec.Struct):
        return msgspec.to_builtins(value)
    return value


def body_values(body: msgspec.Struct, *, handled: Collection[str] = ()) -> dict[str, Any]:
    """Every field the body set (UNSET ones left out) but the `handled` ones, as a column stores it."""
    _check_names(type(body), handled, "handled fields")
    values = {}
    for name in body.__struct_fields__:
        value = getattr(body, name)
        if value is not msgspec.UNSET and name not in handled:
            values[name] = _as_stored(value)
    return values


def apply_patch(
    row: DeclarativeBase, patch: msgspec.Struct, *, handled: Collection[str] = ()
) -> dict[str, Any]:
    """Set on the row every field the PATCH body set, but the `handled` ones; returns what it set.

    Each field must name a column of the row and none may be one the database moves itself
    (NEVER_PATCHED): a schema that does not fit its model fails on its first use, not silently.
    """
    changes = body_values(patch, handled=handled)
    columns = column_names(type(row))
    misfits = sorted(name for name in changes if name not in columns or name in NEVER_PATCHED)
    if misfits:
        raise TypeError(
            f"{type(patch).__name__} sets {misfits}, which are not patchable columns of "
            f"{type(row).__name__}: add the columns, or handle the fields in the service"
        )
    for name, value in changes.items():
        setattr(row, name, value)
    return changes

"""Check a decoded JSON value against its msgspec type field by field, so one 422 names every problem.

msgspec stops at the first error it meets. When it refuses a body (or a parameter), `problems_of`
walks the type — Struct fields, lists, unions, `Annotated` constraints, enums — and reports each
field that is missing, unknown, of the wrong type, out of bounds, too long or short, off pattern or
not an allowed value, at its path (`body.competences[2].level`). msgspec itself still judges every
node (non-strict, as Litestar decodes), so the walk refuses exactly what the decoder refuses; it only
explains more. Pure: no I/O, no request.
"""

from __future__ import annotations

import datetime as dt
import re
import types
from collections.abc import Mapping
from dataclasses import dataclass
from enum import Enum
from typing import Annotated, Any, Literal, Union, get_args, get_origin

import msgspec

from service import validation_texts as texts
from service.suggestions import closest_ids
from service.validation_texts import Code


@dataclass(frozen=True)
class FieldError:
    """One invalid input: where it is (`body.competences[2].id`), why, and a machine `code`.

    `allowed` lists the accepted values when they are few enough to name; `suggestion` is the closest
    accepted value to what was sent.
    """

    field: str
    reason: str
    code: str = Code.INVALID
    allowed: tuple[str, ...] | None = None
    suggestion: str | None = None

    def as_problem_item(self) -> dict[str, Any]:
        """The entry of a problem's `errors` list."""
        item: dict[str, Any] = {"field": self.field, "reason": self.reason, "code": str(self.code)}
        if self.allowed is not None:
            item["allowed"] = list(self.allowed)
        if self.suggestion is not None:
            item["suggestion"] = self.suggestion
        return item


_AT_PATH = re.compile(r" - at `\$[^`]*`$")
_SEQUENCES = (list, set, frozenset)
_MISSING = object()


def decoder_message(error: Exception) -> str:
    """msgspec's message without its `- at $.path` suffix (the path is given apart)."""
    return _AT_PATH.sub("", str(error))


def problems_of(annotation: Any, value: Any, path: str) -> list[FieldError]:
    """Every problem of `value` as a `annotation`; [] when msgspec accepts it."""
    try:
        msgspec.convert(value, annotation, strict=False, str_keys=True)
    except msgspec.ValidationError as error:
        found = _explain(annotation, value, path)
        return found or [FieldError(path, texts.refused(decoder_message(error)))]
    return []


def valid_fields(annotation: Any, value: Any) -> dict[str, Any]:
    """The fields of a Struct body that pass on their own, decoded, by attribute name.

    What is left to check once the shape of the others is refused (service.validation_hooks).
    """
    struct, _metas = _unwrap(annotation)
    if not (isinstance(struct, type) and issubclass(struct, msgspec.Struct) and isinstance(value, dict)):
        return {}
    found: dict[str, Any] = {}
    for field in msgspec.structs.fields(struct):
        raw = value.get(field.encode_name, _MISSING)
        if raw is not _MISSING and not problems_of(field.type, raw, field.encode_name):
            found[field.name] = msgspec.convert(raw, field.type, strict=False, str_keys=True)
    return found


def _unwrap(annotation: Any) -> tuple[Any, list[msgspec.Meta]]:
    """The type under `Annotated[...]`, with its msgspec constraints."""
    metas: list[msgspec.Meta] = []
    while get_origin(annotation) is Annotated:
        base, *extras = get_args(annotation)
        metas += [m for m in extras if isinstance(m, msgspec.Meta)]
        annotation = base
    return annotation, metas


def _is_union(annotation: Any) -> bool:
    return get_origin(annotation) in (Union, types.UnionType)


def _json_kind(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    if isinstance(value, dict):
        return "object"
    return "value"


def _expected_kind(annotation: Any) -> str:
    kinds: list[tuple[type, str]] = [
        (bool, "boolean"),
        (int, "integer"),
        (float, "number"),
        (str, "string"),
        (dt.datetime, "datetime"),
        (dt.date, "date"),
    ]
    if isinstance(annotation, type):
        if issubclass(annotation, msgspec.Struct | dict):
            return "object"
        for kind_type, kind in kinds:
            if issubclass(annotation, kind_type):
                return kind
    origin = get_origin(annotation)
    if origin in _SEQUENCES:
        return "array"
    if origin is dict:
        return "object"
    return "value"


def expects_sequence(annotation: Any) -> bool:
    """Whether `annotation` (optional or not) is a list: a query parameter then takes every value."""
    base, _metas = _unwrap(annotation)
    if _is_union(base):
        return any(expects_sequence(member) for member in get_args(base))
    return _expected_kind(base) == "array"


def _type_error(annotation: Any, value: Any, path: str) -> FieldError:
    return FieldError(path, texts.wrong_type(_expected_kind(annotation), _json_kind(value)), Code.TYPE)


def _explain(annotation: Any, value: Any, path: str) -> list[FieldError]:
    base, metas = _unwrap(annotation)
    if _is_union(base):
        return _explain_union(base, metas, value, path)
    if base is Any:
        return []
    if value is None:
        return [_type_error(base, value, path)]
    if isinstance(base, type) and issubclass(base, msgspec.Struct):
        return _struct_problems(base, value, path)
    if isinstance(base, type) and issubclass(base, Enum):
        return [_not_allowed(value, [str(m.value) for m in base], path)]
    if get_origin(base) is Literal:
        return [_not_allowed(value, [str(v) for v in get_args(base)], path)]
    if base in _SEQUENCES or get_origin(base) in _SEQUENCES:
        return _sequence_problems(base, metas, value, path)
    if base is dict or get_origin(base) is dict:
        return _mapping_problems(base, value, path)
    return _leaf_problems(base, metas, value, path)


def _explain_union(union: Any, metas: list[msgspec.Meta], value: Any, path: str) -> list[FieldError]:
    """`X | None | UnsetType` is checked as X (None passes msgspec already); other unions as a whole."""
    members = [m for m in get_args(union) if m is not msgspec.UnsetType and m is not type(None)]
    if len(members) != 1:
        return []
    (member,) = members
    annotated = Annotated[(member, *metas)] if metas else member
    return problems_of(annotated, value, path)


def _not_allowed(value: Any, allowed: list[str], path: str) -> FieldError:
    suggestion = next(iter(closest_ids(value, allowed, limit=1)), None) if isinstance(value, str) else None
    return FieldError(
        path,
        texts.not_allowed(value, allowed, suggestion),
        Code.NOT_ALLOWED,
        allowed=tuple(allowed),
        suggestion=suggestion,
    )


def _struct_problems(struct: type[msgspec.Struct], value: Any, path: str) -> list[FieldError]:
    if not isinstance(value, dict):
        return [_type_error(struct, value, path)]
    config = struct.__struct_config__
    fields = msgspec.structs.fields(struct)
    errors: list[FieldError] = []
    for field in fields:
        where = f"{path}.{field.encode_name}"
        if field.encode_name in value:
            errors += problems_of(field.type, value[field.encode_name], where)
        elif field.required:
            errors.append(FieldError(where, texts.missing(), Code.MISSING))
    if config.forbid_unknown_fields:
        names = [f.encode_name for f in fields]
        for key in value:
            if key not in names and key != config.tag_field:
                suggestion = next(iter(closest_ids(str(key), names, limit=1)), None)
                errors.append(
                    FieldError(
                        f"{path}.{key}",
                        texts.unknown_field(str(key), suggestion),
                        Code.UNKNOWN_FIELD,
                        allowed=tuple(names),
                        suggestion=suggestion,
                    )
                )
    return errors


def _sequence_problems(base: Any, metas: list[msgspec.Meta], value: Any, path: str) -> list[FieldError]:
    if not isinstance(value, list):
        return [_type_error(base, value, path)]
    errors = [
        FieldError(path, reason, code)
        for reason, code in _length_problems(len(value), metas, texts.too_few_items, texts.too_many_items)
    ]
    item_type = next(iter(get_args(base)), Any)
    for index, item in enumerate(value):
        errors += problems_of(item_type, item, f"{path}[{index}]")
    return errors


def _mapping_problems(base: Any, value: Any, path: str) -> list[FieldError]:
    if not isinstance(value, Mapping):
        return [_type_error(base, value, path)]
    value_type = get_args(base)[1] if len(get_args(base)) == 2 else Any
    return [error for key, item in value.items() for error in problems_of(value_type, item, f"{path}.{key}")]


def _length_problems(
    length: int, metas: list[msgspec.Meta], too_short: Any, too_long: Any
) -> list[tuple[str, Code]]:
    for meta in metas:
        if meta.min_length is not None and length < meta.min_length:
            return [(too_short(meta.min_length), Code.TOO_SHORT)]
        if meta.max_length is not None and length > meta.max_length:
            return [(too_long(meta.max_length), Code.TOO_LONG)]
    return []


def _leaf_problems(base: Any, metas: list[msgspec.Meta], value: Any, path: str) -> list[FieldError]:
    """A scalar: first its type (or date format), then the first constraint it breaks."""
    try:
        converted = msgspec.convert(value, base, strict=False)
    except msgspec.ValidationError:
        expected = _expected_kind(base)
        if expected in {"date", "datetime"} and isinstance(value, str):
            return [FieldError(path, texts.bad_format(expected, value), Code.FORMAT)]
        return [_type_error(base, value, path)]
    if isinstance(converted, str):
        found = _length_problems(len(converted), metas, texts.too_short_text, texts.too_long_text)
        if found:
            return [FieldError(path, found[0][0], found[0][1])]
        for meta in metas:
            if meta.pattern is not None and re.search(meta.pattern, converted) is None:
                example = next(iter(meta.examples or ()), None)
                return [FieldError(path, texts.pattern(meta.pattern, example), Code.PATTERN)]
        return []
    if isinstance(converted, int | float) and not isinstance(converted, bool):
        return [FieldError(path, reason, code) for reason, code in _bound_problems(converted, metas)][:1]
    return []


def _bound_problems(number: float, metas: list[msgspec.Meta]) -> list[tuple[str, Code]]:
    found: list[tuple[str, Code]] = []
    for meta in metas:
        if meta.ge is not None and number < meta.ge:
            found.append((texts.at_least(meta.ge), Code.TOO_SMALL))
        if meta.gt is not None and number <= meta.gt:
            found.append((texts.more_than(meta.gt), Code.TOO_SMALL))
        if meta.le is not None and number > meta.le:
            found.append((texts.at_most(meta.le), Code.TOO_LARGE))
        if meta.lt is not None and number >= meta.lt:
            found.append((texts.less_than(meta.lt), Code.TOO_LARGE))
        if meta.multiple_of is not None and number % meta.multiple_of:
            found.append((texts.multiple_of(meta.multiple_of), Code.INVALID))
    return found

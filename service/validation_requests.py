"""What Litestar refused in a request, re-checked field by field so the 422 names every problem.

Litestar reports one message per handler argument: the first error msgspec met in the body, one per
bad query, path or header parameter. For each, this finds the type the handler declared (its `data`
body, the parameters of the handler and of its dependencies) and the value the client sent, and lets
service.validation explain them all. What it cannot re-check keeps Litestar's message, said plainly.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any

import msgspec
from litestar import Request
from litestar.constants import RESERVED_KWARGS
from litestar.handlers import BaseRouteHandler
from litestar.params import ParameterKwarg
from litestar.types import Empty
from litestar.utils.scope.state import ScopeState

from service import validation_texts as texts
from service.validation import FieldError, expects_sequence, problems_of
from service.validation_texts import Code

_ABSENT = object()
_UNKNOWN_FIELD = re.compile(r"unknown field `(?P<name>[^`]+)`")
_MISSING_FIELD = re.compile(r"missing required field `(?P<name>[^`]+)`")
_BOUND = re.compile(r"Expected `(?:int|float|number)` (?P<op><=|>=|<|>) (?P<limit>-?[0-9.e+]+)")
_LENGTH = re.compile(r"Expected `(?P<what>str|array)` of length (?P<op><=|>=) (?P<limit>[0-9]+)")
_PATTERN = re.compile(r"Expected `str` matching regex (?P<regex>.+)")
_ENUM = re.compile(r"Invalid enum value (?P<value>.+)")
_TYPE = re.compile(r"Expected `(?P<expected>\w+)(?: \| null)?`, got `(?P<got>\w+)`")
#: msgspec's type names, as service.validation_texts names JSON kinds.
_KINDS = {"int": "integer", "float": "number", "str": "string", "bool": "boolean", "object": "object"}
_BOUND_TEXTS = {
    ">=": (texts.at_least, Code.TOO_SMALL),
    ">": (texts.more_than, Code.TOO_SMALL),
    "<=": (texts.at_most, Code.TOO_LARGE),
    "<": (texts.less_than, Code.TOO_LARGE),
}


def source_of(item: Mapping[str, Any]) -> str:
    raw = item.get("source") or "body"
    return str(getattr(raw, "value", raw))


def refused_fields(request: Request[Any, Any, Any], items: list[dict[str, Any]]) -> list[FieldError]:
    """Every problem of the refused request: each parameter of the handler and its dependencies, then
    the body. Litestar stops at the first dependency that fails, so the whole request is re-checked;
    an argument it refused that the re-check cannot explain keeps its message."""
    handler = request.scope.get("route_handler")
    found: list[FieldError] = []
    if isinstance(handler, BaseRouteHandler):
        found = _parameter_problems(request, handler) + _body_problems(request)
    return found + [from_message(item) for item in items if not _explained(item, found)]


def _explained(item: Mapping[str, Any], found: list[FieldError]) -> bool:
    path = "body" if source_of(item) == "body" else _path(item, str(item.get("message", "")))
    return any(e.field == path or e.field.startswith((f"{path}.", f"{path}[")) for e in found)


def body_of(request: Request[Any, Any, Any]) -> tuple[Any, Any] | None:
    """(the type the handler declares for its `data`, the decoded JSON body), if it has both."""
    handler = request.scope.get("route_handler")
    if not isinstance(handler, BaseRouteHandler):
        return None
    data = handler.parsed_fn_signature.parameters.get("data")
    body = ScopeState.from_scope(request.scope).json
    if data is None or body is Empty:
        return None
    return data.annotation, body


def _body_problems(request: Request[Any, Any, Any]) -> list[FieldError]:
    found = body_of(request)
    return [] if found is None else problems_of(found[0], found[1], "body")


def _signatures(handler: BaseRouteHandler) -> Iterator[tuple[Any, type[msgspec.Struct]]]:
    """(parsed signature, signature model) of the handler and of each of its dependencies."""
    yield handler.parsed_fn_signature, handler.signature_model
    for provider in handler.resolve_dependencies().values():
        model = getattr(provider, "signature_model", None)
        if model is not None:
            yield provider.parsed_fn_signature, model


def _parameter_problems(request: Request[Any, Any, Any], handler: BaseRouteHandler) -> list[FieldError]:
    """The problems of every path, query and header parameter the handler's signatures declare."""
    dependencies = handler.resolve_dependencies()
    errors: list[FieldError] = []
    seen: set[str] = set()
    for signature, model in _signatures(handler):
        types = {f.name: f.type for f in msgspec.structs.fields(model)}
        for name, definition in signature.parameters.items():
            kwarg = definition.kwarg_definition
            if name in dependencies or name in RESERVED_KWARGS or not isinstance(kwarg, ParameterKwarg):
                continue
            source, key = str(kwarg.param_type.value), kwarg.name or name
            if f"{source}.{key}" in seen or name not in types:
                continue
            seen.add(f"{source}.{key}")
            raw = _raw_parameter(request, source, key, expects_sequence(types[name]))
            if raw is _ABSENT:
                if not (definition.has_default or definition.is_optional):
                    errors.append(FieldError(f"{source}.{name}", texts.missing(), Code.MISSING))
                continue
            errors += problems_of(types[name], raw, f"{source}.{name}")
    return errors


def _raw_parameter(request: Request[Any, Any, Any], source: str, key: str, is_sequence: bool) -> Any:
    """The value the client sent for a parameter, as Litestar hands it to the signature model."""
    if source == "query":
        values = request.query_params.getall(key, [])
        if not values:
            return _ABSENT
        return values if is_sequence or len(values) > 1 else values[0]
    if source == "path":
        return request.path_params.get(key, _ABSENT)
    if source == "header":
        value = request.headers.get(key)
        return _ABSENT if value is None else value
    return _ABSENT


def _path(item: Mapping[str, Any], message: str) -> str:
    source, key = source_of(item), str(item.get("key") or "")
    if named := _UNKNOWN_FIELD.search(message) or _MISSING_FIELD.search(message):
        key = named["name"] if key in {"", "data"} else f"{key}.{named['name']}"
    return source if key in {"", "data"} else f"{source}.{key}"


def from_message(item: Mapping[str, Any]) -> FieldError:
    """Litestar's own message of one refused argument, said plainly, with its code."""
    message = str(item.get("message", ""))
    path = _path(item, message)
    if message == "'data'" and str(item.get("key") or "") in {"", "data"}:
        return FieldError(path, texts.no_body(), Code.MISSING)
    if message == "required parameter is missing" or _MISSING_FIELD.search(message):
        return FieldError(path, texts.missing(), Code.MISSING)
    if named := _UNKNOWN_FIELD.search(message):
        return FieldError(path, texts.unknown_field(named["name"], None), Code.UNKNOWN_FIELD)
    if bound := _BOUND.fullmatch(message):
        wording, code = _BOUND_TEXTS[bound["op"]]
        return FieldError(path, wording(float(bound["limit"])), code)
    if length := _LENGTH.fullmatch(message):
        return _length_error(path, length["what"], length["op"], int(length["limit"]))
    if regex := _PATTERN.fullmatch(message):
        return FieldError(path, texts.pattern(regex["regex"].strip("'"), None), Code.PATTERN)
    if enum := _ENUM.fullmatch(message):
        return FieldError(path, texts.not_allowed(enum["value"].strip("'"), (), None), Code.NOT_ALLOWED)
    if message.startswith("Invalid RFC3339 encoded"):
        return FieldError(path, texts.wrong_type("date", "string"), Code.FORMAT)
    if kinds := _TYPE.fullmatch(message):
        expected = _KINDS.get(kinds["expected"], kinds["expected"])
        return FieldError(path, texts.wrong_type(expected, _KINDS.get(kinds["got"], kinds["got"])), Code.TYPE)
    return FieldError(path, texts.refused(message))


def _length_error(path: str, what: str, op: str, limit: int) -> FieldError:
    if what == "str":
        reason = texts.too_long_text(limit) if op == "<=" else texts.too_short_text(limit)
    else:
        reason = texts.too_many_items(limit) if op == "<=" else texts.too_few_items(limit)
    return FieldError(path, reason, Code.TOO_LONG if op == "<=" else Code.TOO_SHORT)

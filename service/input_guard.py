"""Refuse input no handler should ever see: NUL characters, invalid UTF-8, runaway JSON nesting.

PostgreSQL cannot store a NUL character (nor an unpaired surrogate) in text or JSONB, and Python's
JSON decoders recurse once per nesting level; letting such input through gives a driver error or a
RecursionError deep inside a service, i.e. a 500. This ASGI middleware looks at the path parameters,
the query string and JSON or form bodies before routing reaches the handler, and answers with a
problem naming every offending field instead:
- a string (or key) holding U+0000 or an unpaired surrogate: 422 `body.headline`, `query.sort`, …;
- a body or query that is not valid UTF-8: 400, with the byte offset;
- JSON nested deeper than `MAX_JSON_DEPTH`: 400.
The body is read once, checked, and replayed to the application unchanged.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qsl

import msgspec
import numpy as np
from litestar.datastructures import Headers
from litestar.enums import ScopeType
from litestar.exceptions import HTTPException
from litestar.types import ASGIApp, Receive, ReceiveMessage, Scope, Send

from service.errors import FieldError, InvalidInput
from service.i18n import _
from service.validation_texts import Code

#: Our request bodies nest four levels at most (body → list → object → list); 64 is generous and far
#: below the interpreter's recursion limit.
MAX_JSON_DEPTH = 64
_BODY_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
_JSON_STRING = re.compile(rb'"(?:[^"\\]|\\.)*"', re.DOTALL)
_OPEN = np.frombuffer(b"[{", dtype=np.uint8)
_CLOSE = np.frombuffer(b"]}", dtype=np.uint8)


class MalformedInput(HTTPException):
    """400 for a request that cannot even be read (its handler maps it to a `malformed-request`)."""

    status_code = 400


def bad_text_reason(value: str) -> str | None:
    """Why this string cannot be stored as text, or None when it can."""
    if "\x00" in value:
        return _("must not contain a NUL character (U+0000)")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as exc:
        code = f"{ord(value[exc.start]):04X}"
        return _("contains an unpaired surrogate (U+%(code)s) that is not valid text", code=code)
    return None


def json_depth(body: bytes) -> int:
    """Deepest nesting of arrays/objects, counted outside strings (vectorised: bodies are up to 1 MB)."""
    skeleton = np.frombuffer(_JSON_STRING.sub(b'""', body), dtype=np.uint8)
    if skeleton.size == 0:
        return 0
    steps = np.isin(skeleton, _OPEN).astype(np.int32) - np.isin(skeleton, _CLOSE).astype(np.int32)
    return int(np.cumsum(steps).max(initial=0))


def _walk(value: Any, path: str) -> Iterator[FieldError]:
    """Every string and key below `value` that cannot be stored, with its field path."""
    stack: list[tuple[Any, str]] = [(value, path)]
    while stack:
        item, where = stack.pop()
        if isinstance(item, str):
            if reason := bad_text_reason(item):
                yield FieldError(where, reason, Code.INVALID_TEXT)
        elif isinstance(item, dict):
            for key, child in item.items():
                if reason := bad_text_reason(key):
                    yield FieldError(
                        f"{where}.<key>", _("a field name %(reason)s", reason=reason), Code.INVALID_TEXT
                    )
                    continue
                stack.append((child, f"{where}.{key}"))
        elif isinstance(item, list):
            stack.extend((child, f"{where}[{index}]") for index, child in enumerate(item))


def _utf8(raw: bytes, what: str) -> str:
    """`what` names the part read, already in the reader's language."""
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise MalformedInput(
            _("%(what)s is not valid UTF-8 (invalid byte at offset %(offset)s)", what=what, offset=exc.start)
        ) from exc


def check_json_body(body: bytes) -> None:
    text = _utf8(body, _("the request body"))
    if json_depth(body) > MAX_JSON_DEPTH:
        raise MalformedInput(_("the JSON body nests deeper than %(depth)s levels", depth=MAX_JSON_DEPTH))
    try:
        decoded = msgspec.json.decode(text)
    except msgspec.DecodeError:
        return  # not JSON: the handler's decoder answers 400 with its own message
    errors = sorted(_walk(decoded, "body"), key=lambda e: e.field)
    if errors:
        raise InvalidInput(errors)


def _form_or_query_errors(raw: bytes, source: str) -> list[FieldError]:
    what = _("the query string") if source == "query" else _("the form body")
    text = _utf8(raw, what)
    try:
        pairs = parse_qsl(text, keep_blank_values=True, encoding="utf-8", errors="strict")
    except UnicodeDecodeError as exc:
        raise MalformedInput(_("%(what)s holds a percent-encoded byte that is not UTF-8", what=what)) from exc
    errors: list[FieldError] = []
    for key, value in pairs:
        if reason := bad_text_reason(key):
            errors.append(
                FieldError(
                    f"{source}.<name>", _("a parameter name %(reason)s", reason=reason), Code.INVALID_TEXT
                )
            )
        elif reason := bad_text_reason(value):
            errors.append(FieldError(f"{source}.{key}", reason, Code.INVALID_TEXT))
    return errors


def check_scope(scope: Scope) -> None:
    """Path parameters and query string of a request."""
    errors = [
        FieldError(f"path.{name}", reason, Code.INVALID_TEXT)
        for name, value in (scope.get("path_params") or {}).items()
        if isinstance(value, str) and (reason := bad_text_reason(value))
    ]
    if isinstance(scope.get("path"), str) and "\x00" in scope["path"] and not errors:
        errors.append(FieldError("path", _("must not contain a NUL character (U+0000)"), Code.INVALID_TEXT))
    errors += _form_or_query_errors(scope.get("query_string", b""), "query")
    if errors:
        raise InvalidInput(errors)


def _declared_length(headers: Headers) -> int | None:
    value = headers.get("content-length")
    return int(value) if value is not None and value.isascii() and value.isdigit() else None


def input_guard(app: ASGIApp, *, max_body_bytes: int) -> ASGIApp:
    """Wrap `app`; bodies over `max_body_bytes` are passed through untouched (the app answers 413)."""

    async def guarded(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != ScopeType.HTTP:
            await app(scope, receive, send)
            return
        check_scope(scope)
        if scope.get("method") not in _BODY_METHODS:
            await app(scope, receive, send)
            return
        headers = Headers.from_scope(scope)
        content_type = headers.get("content-type", "").split(";", 1)[0].strip().lower()
        is_json = content_type == "application/json" or content_type.endswith("+json")
        is_form = content_type == "application/x-www-form-urlencoded"
        declared = _declared_length(headers)
        if not (is_json or is_form) or (declared is not None and declared > max_body_bytes):
            await app(scope, receive, send)
            return
        chunks: list[bytes] = []
        size, more, overflow = 0, True, False
        while more:
            message = await receive()
            if message["type"] != "http.request":  # the client went away: nothing to check
                await app(scope, _replay(b"".join(chunks), receive, final=message), send)
                return
            chunk = message.get("body", b"")
            chunks.append(chunk)
            size += len(chunk)
            more = bool(message.get("more_body", False))
            if size > max_body_bytes:
                overflow = True
                break
        body = b"".join(chunks)
        if not overflow and body:
            if is_json:
                check_json_body(body)
            else:
                errors = _form_or_query_errors(body, "body")
                if errors:
                    raise InvalidInput(errors)
        await app(scope, _replay(body, receive, more_body=more), send)

    return guarded


def _replay(
    body: bytes, receive: Receive, *, more_body: bool = False, final: ReceiveMessage | None = None
) -> Receive:
    """A `receive` that hands the already-read body over once, then defers to the real one."""
    sent = False

    async def replay() -> ReceiveMessage:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": more_body}
        if final is not None:
            return final
        return await receive()

    return replay

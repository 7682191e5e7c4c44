"""Reading the company's forms: values kept as typed, the schema's problems worded for a person and
placed next to their field. The rules themselves are the services' and the schemas' (the JSON API's):
this module only turns form strings into a body and the services' field paths into form fields."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from litestar.datastructures import FormMultiDict

from service.i18n import _
from service.validation import FieldError

Errors = dict[str, list[str]]

_INDEX = re.compile(r"\[\d+\]$")
_WHOLE = re.compile(r"^-?\d+$")


def text(form: FormMultiDict, name: str) -> str:
    value = form.get(name)
    return value.strip() if isinstance(value, str) else ""


def number_or_text(value: str) -> int | str:
    """A whole number as a number; anything else as typed (the schema then says what is wrong)."""
    return int(value) if _WHOLE.match(value) else value


def form_field(path: str) -> str:
    """`body.nice_competences[2]` → `nice_competences`: the form field a service's error belongs to."""
    name = path.removeprefix("body.")
    return _INDEX.sub("", name)


def add(errors: Errors, field: str, message: str) -> None:
    messages = errors.setdefault(field, [])
    if message not in messages:
        messages.append(message)


def add_problems(
    errors: Errors, problems: Iterable[FieldError], aliases: Mapping[str, str] | None = None
) -> None:
    """The services' and the schema's problems, each next to its form field (a field already said to
    be missing keeps that one message)."""
    for problem in problems:
        field = form_field(problem.field)
        field = (aliases or {}).get(field, field)
        if field in errors and errors[field] == [required()]:
            continue
        add(errors, field, problem.reason[:1].upper() + problem.reason[1:])


def required() -> str:
    return _("This field is required.")


def require(errors: Errors, values: Mapping[str, Any], *names: str) -> None:
    for name in names:
        if values.get(name) in (None, ""):
            add(errors, name, required())

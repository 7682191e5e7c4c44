"""The reasons a refused input is given, in the reader's language: one wording per kind of problem.

Shared by the structural check of bodies (service.validation), the input guard and the services, so a
bound, an unknown value or a missing field reads the same wherever it is caught. Values a client sent
are quoted ('so' in English, « so » in French), with the closest known value when there is one
(service.suggestions).
"""

from __future__ import annotations

from collections.abc import Sequence
from enum import StrEnum

from service.i18n import N_, _, ngettext


class Code(StrEnum):
    """The machine name of a problem with one field: stable, for clients to act on."""

    MISSING = "missing"
    TYPE = "type"
    FORMAT = "format"
    TOO_SMALL = "too_small"
    TOO_LARGE = "too_large"
    TOO_SHORT = "too_short"
    TOO_LONG = "too_long"
    PATTERN = "pattern"
    NOT_ALLOWED = "not_allowed"
    UNKNOWN_FIELD = "unknown_field"
    UNKNOWN_ID = "unknown_id"
    WRONG_KIND = "wrong_kind"
    DUPLICATE = "duplicate"
    INCONSISTENT = "inconsistent"
    INVALID_TEXT = "invalid_text"
    REUSED = "reused"
    INVALID = "invalid"


#: What a value of each JSON type is called, as the expected and as the received type.
KIND_NAMES = {
    "integer": N_("a whole number"),
    "number": N_("a number"),
    "string": N_("a text"),
    "boolean": N_("true or false"),
    "array": N_("a list"),
    "object": N_("a JSON object"),
    "null": N_("null"),
    "date": N_("a date (YYYY-MM-DD)"),
    "datetime": N_("a date and time (ISO 8601)"),
    "value": N_("a value of another type"),
}


def kind_name(kind: str) -> str:
    return _(KIND_NAMES.get(kind, KIND_NAMES["value"]))


def shown(value: object) -> str:
    """A received value as quoted in a reason: short, on one line."""
    text = value if isinstance(value, str) else repr(value)
    return text if len(text) <= 60 else text[:57] + "…"


def number(value: float) -> str:
    """A bound as written in the schema: 100, 0.5 (never 100.0)."""
    return str(int(value)) if float(value).is_integer() else str(value)


def missing() -> str:
    return _("is required")


def no_body() -> str:
    return _("a JSON object is required (the request has no body)")


def wrong_type(expected: str, got: str) -> str:
    if expected == "integer" and got == "string":
        return _("must be a whole number written with the digits 0-9")
    return _("must be %(expected)s, not %(got)s", expected=kind_name(expected), got=kind_name(got))


def bad_format(expected: str, value: object) -> str:
    if expected == "datetime":
        return _("must be a date and time such as 2027-01-04T09:00:00Z, not '%(value)s'", value=shown(value))
    return _("must be a date written YYYY-MM-DD (e.g. 2027-01-04), not '%(value)s'", value=shown(value))


def at_least(limit: float) -> str:
    return _("must be at least %(limit)s", limit=number(limit))


def more_than(limit: float) -> str:
    return _("must be more than %(limit)s", limit=number(limit))


def at_most(limit: float) -> str:
    return _("must be at most %(limit)s", limit=number(limit))


def less_than(limit: float) -> str:
    return _("must be less than %(limit)s", limit=number(limit))


def multiple_of(step: float) -> str:
    return _("must be a multiple of %(step)s", step=number(step))


def too_short_text(minimum: int) -> str:
    return ngettext(
        "must contain at least %(num)s character", "must contain at least %(num)s characters", minimum
    )


def too_long_text(maximum: int) -> str:
    return ngettext(
        "must contain at most %(num)s character", "must contain at most %(num)s characters", maximum
    )


def too_few_items(minimum: int) -> str:
    return ngettext("must hold at least %(num)s item", "must hold at least %(num)s items", minimum)


def too_many_items(maximum: int) -> str:
    return ngettext("must hold at most %(num)s item", "must hold at most %(num)s items", maximum)


def pattern(regex: str, example: str | None) -> str:
    if example is not None:
        return _("does not have the expected form, e.g. %(example)s", example=example)
    return _("does not have the expected form (pattern %(pattern)s)", pattern=regex)


def not_allowed(
    value: object, allowed: Sequence[str], suggestion: str | None, suggestion_label: str | None = None
) -> str:
    """A value outside a closed list; `suggestion_label` names the suggested value for a person."""
    choices = ", ".join(allowed)
    if not allowed:
        return _("unknown value '%(value)s'", value=shown(value))
    if suggestion is not None and suggestion_label is not None and suggestion_label != suggestion:
        return _(
            "unknown value '%(value)s'; did you mean '%(label)s' (%(suggestion)s)? "
            "Allowed values: %(allowed)s",
            value=shown(value),
            label=suggestion_label,
            suggestion=suggestion,
            allowed=choices,
        )
    if suggestion is not None:
        return _(
            "unknown value '%(value)s'; did you mean '%(suggestion)s'? Allowed values: %(allowed)s",
            value=shown(value),
            suggestion=suggestion,
            allowed=choices,
        )
    return _("unknown value '%(value)s'; allowed values: %(allowed)s", value=shown(value), allowed=choices)


def unknown_field(name: str, suggestion: str | None) -> str:
    if suggestion is not None:
        return _(
            "unknown field '%(name)s': did you mean '%(suggestion)s'?",
            name=shown(name),
            suggestion=suggestion,
        )
    return _("unknown field '%(name)s'", name=shown(name))


def unknown_id(
    value: str, suggestion_id: str | None, suggestion_label: str | None = None, listed_at: str | None = None
) -> str:
    """An id the reference data does not hold, with the closest one it does, or where they are listed."""
    if suggestion_id is not None and suggestion_label is not None and suggestion_label != suggestion_id:
        return _(
            "'%(value)s' is unknown: did you mean '%(label)s' (%(id)s)?",
            value=shown(value),
            label=suggestion_label,
            id=suggestion_id,
        )
    if suggestion_id is not None:
        return _("'%(value)s' is unknown: did you mean '%(id)s'?", value=shown(value), id=suggestion_id)
    if listed_at is not None:
        return _("'%(value)s' is unknown (see %(where)s)", value=shown(value), where=listed_at)
    return _("'%(value)s' is unknown", value=shown(value))


def refused(message: str) -> str:
    """The decoder's own words, for a case no wording above describes."""
    return _("refused: %(message)s", message=message)

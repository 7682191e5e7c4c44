"""The console's rate grid form: what was typed, read as a band update, each refusal said in words next
to its field (never a field path), so the page can show it again with the typed values kept."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import msgspec

from service.errors import FieldError
from service.i18n import _, format_money
from service.reference.schemas import RateBandUpdate
from service.reference.services import check_band_figures

#: The form's rate fields and the schema's bounds (service.reference.schemas.Tjm).
RATE_FIELDS = ("tjm_low", "tjm_high", "tjm_ceiling")
TJM_MIN, TJM_MAX = 100, 5000
TEXT_MAX = 500


class BandForm(msgspec.Struct):
    tjm_low: str = ""
    tjm_high: str = ""
    tjm_ceiling: str = ""
    note: str = ""
    reason: str = ""


@dataclass
class BandFormState:
    """A band's form as shown again: the values typed, and a sentence per field refused."""

    band_id: str
    values: dict[str, str]
    errors: dict[str, str] = field(default_factory=dict)
    preview: Any = None
    """The preview of the change (service.scoring.grid_what_if.GridPreview), when one was asked."""


def _field_names() -> dict[str, str]:
    return {
        "tjm_low": _("The low end"),
        "tjm_high": _("The high end"),
        "tjm_ceiling": _("The ceiling"),
        "note": _("The note"),
        "reason": _("The reason"),
    }


def _rate(name: str, typed: str, errors: dict[str, str]) -> int | None:
    what = _field_names()[name]
    try:
        value = int(typed.strip().replace(" ", "").replace("\u202f", "").replace("\u00a0", ""))
    except ValueError:
        errors[name] = _(
            "%(what)s must be a whole number of euros (you typed “%(typed)s”).", what=what, typed=typed
        )
        return None
    if not TJM_MIN <= value <= TJM_MAX:
        errors[name] = _(
            "%(what)s (%(value)s) must be between %(min)s and %(max)s.",
            what=what,
            value=format_money(value),
            min=format_money(TJM_MIN),
            max=format_money(TJM_MAX),
        )
        return None
    return value


def read_band_form(band_id: str, form: BandForm) -> tuple[RateBandUpdate | None, BandFormState]:
    """The update the form asks for (None when a field is refused), and the form's state to show."""
    values = {name: getattr(form, name) for name in BandForm.__struct_fields__}
    state = BandFormState(band_id, values)
    errors = state.errors
    low = _rate("tjm_low", form.tjm_low, errors)
    high = _rate("tjm_high", form.tjm_high, errors)
    ceiling = _rate("tjm_ceiling", form.tjm_ceiling, errors) if form.tjm_ceiling.strip() else None
    for name in ("note", "reason"):
        if len(values[name].strip()) > TEXT_MAX:
            errors[name] = _(
                "%(what)s is too long: at most %(max)s characters.", what=_field_names()[name], max=TEXT_MAX
            )
    if errors or low is None or high is None:
        return None, state
    refused = check_band_figures(low, high, ceiling)
    if refused:
        add_service_errors(state, refused)
        return None, state
    update = RateBandUpdate(
        tjm_low=low,
        tjm_high=high,
        tjm_ceiling=ceiling,
        note=form.note.strip(),
        reason=form.reason.strip() or msgspec.UNSET,
    )
    return update, state


def add_service_errors(state: BandFormState, errors: list[FieldError]) -> None:
    """The service's refusals (fields `body.<name>`, reasons already in words) beside their fields."""
    for error in errors:
        name = error.field.removeprefix("body.")
        reason = error.reason[:1].upper() + error.reason[1:]
        state.errors[name if name in state.values else "tjm_low"] = reason

"""The wording of each reason code, registered by code: one function per family of codes, which words
it for the operator, the company or the freelancer (or returns None: not shown to that reader)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from service.explanations import formats as fmt
from service.explanations.audience import Audience
from service.explanations.labels import Labels
from service.i18n import _

Params = Mapping[str, Any]
Renderer = Callable[[str, Params, Audience, Labels], str | None]
"""A code's sentence for one reader (code, params, reader, labels), or None when that reader is not shown
that reason."""

RENDERERS: dict[str, Renderer] = {}


def renders(*codes: str) -> Callable[[Renderer], Renderer]:
    def register(renderer: Renderer) -> Renderer:
        for code in codes:
            RENDERERS[code] = renderer
        return renderer

    return register


def detail(text: str, detail: str) -> str:
    """ "text (detail)", or the text alone when there is no detail."""
    return _("%(text)s (%(detail)s)", text=text, detail=detail) if detail else text


def then(first: str, second: str) -> str:
    return _("%(first)s; %(second)s", first=first, second=second)


def budget_range(p: Params) -> str:
    return fmt.money_range(p["budget_min"], p["budget_max"])


def band_of(p: Params, prefix: str = "band") -> str:
    return fmt.band_years(p[f"{prefix}_min_years"], p[f"{prefix}_max_years"])

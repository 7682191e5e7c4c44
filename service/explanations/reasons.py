"""One sentence per stored reason, in the reader's language and for the reader.

The engine stores each reason as `{"code", "factor", "tone", "params"}` (matching.explain). Each code
has its wording (`candidate`: what the freelancer brings; `terms`: rate, dates, place, budget) for the
operator (every figure, as the console and the review need them), the company ("why this freelancer for
my mission") and the freelancer ("why this mission", and the gaps, in the second person). The company
and the freelancer never read the engine's internals: the text similarity, the factor scores and
weights, the coverage multiplier. A reason stored before reasons were structured is a plain English
string: it is shown as it is until the pair is rescored.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from service.explanations import candidate, gates, terms
from service.explanations.audience import Audience
from service.explanations.candidate import exclusion_reason
from service.explanations.labels import Labels, taxonomy_labels
from service.explanations.registry import RENDERERS

#: The modules that register the wordings (imported for that).
WORDINGS = (candidate, gates, terms)

#: Parts of the reasons stored as English strings (before codes) that only operators may read.
_INTERNAL_LEGACY = ("text similarity", "total scaled by")


def rendered_codes() -> frozenset[str]:
    return frozenset(RENDERERS)


def is_structured(item: object) -> bool:
    return isinstance(item, Mapping) and isinstance(item.get("code"), str)


#: What only operators read as data too: the engine's internals (the text similarity, the coverage
#: multiplier); the others read the facts in the reasons around them.
_INTERNAL_CODES = frozenset({"text_similarity", "availability_gate_open_ended"})
_INTERNAL_PARAMS = frozenset({"multiplier"})


def reason_codes(stored: Iterable[object], audience: Audience = "operator") -> list[Mapping[str, Any]]:
    """The structured reasons of a stored list (the stable ids a client acts on) that `audience` may
    read; strings are skipped."""
    items = [item for item in stored if isinstance(item, Mapping) and is_structured(item)]
    if audience == "operator":
        return items
    return [
        {**r, "params": {k: v for k, v in (r.get("params") or {}).items() if k not in _INTERNAL_PARAMS}}
        for r in items
        if r["code"] not in _INTERNAL_CODES
    ]


def strongest_reasons(
    stored: Sequence[object], factors: Mapping[str, float], weights: Mapping[str, float], count: int = 2
) -> list[object]:
    """The positive reasons of the `count` factors that add most to the score (weight × factor
    value), one per factor, strongest first: what a queue row shows of why the pair ranks high."""
    first_of_factor: dict[str, object] = {}
    for item in stored:
        if is_structured(item) and isinstance(item, Mapping) and item.get("tone") == "positive":
            factor = str(item.get("factor"))
            if factor in weights and item["code"] not in _INTERNAL_CODES:
                first_of_factor.setdefault(factor, item)
    ranked = sorted(first_of_factor, key=lambda f: weights[f] * float(factors.get(f, 0.0)), reverse=True)
    return [first_of_factor[factor] for factor in ranked[:count]]


def _grouped_roles(stored: Sequence[object]) -> list[object]:
    """For the company: the past roles held in the mission's context become one reason ("twice")."""
    out: list[object] = []
    roles: dict[str, list[Mapping[str, Any]]] = {}
    for item in stored:
        if isinstance(item, Mapping) and item.get("code") == "past_role_context":
            params = item.get("params", {})
            context = str(params.get("context"))
            if context not in roles:
                roles[context] = []
                out.append({**item, "params": {**params, "roles": roles[context]}})
            roles[context].append(params)
        else:
            out.append(item)
    return out


def render_reasons(stored: Iterable[object], audience: Audience, labels: Labels | None = None) -> list[str]:
    """The sentences a reader sees for a stored reasons list, in the current locale.

    `labels` defaults to the packaged taxonomy's. An unknown code (written by another version of the
    engine) shows as its code to operators and not at all to the others.
    """
    words = labels if labels is not None else taxonomy_labels()
    items = list(stored)
    if audience == "company":
        items = _grouped_roles(items)
    sentences: list[str] = []
    for item in items:
        if isinstance(item, str):
            if audience == "operator" or not any(part in item for part in _INTERNAL_LEGACY):
                sentences.append(item)
            continue
        if not is_structured(item):
            continue
        assert isinstance(item, Mapping)
        code = str(item["code"])
        renderer = RENDERERS.get(code)
        if renderer is None:
            if audience == "operator":
                sentences.append(code)
            continue
        text = renderer(code, item.get("params") or {}, audience, words)
        if text:
            sentences.append(text)
    return sentences


def render_exclusion(code: str | None, audience: Audience = "operator") -> str | None:
    """A match's `exclusion_reason` code (`mission_closed`, …) in words, for a page that says "Excluded:"
    itself; an unknown code reads as itself."""
    if not code:
        return None
    return exclusion_reason(f"excluded_{code}", audience) if f"excluded_{code}" in RENDERERS else code

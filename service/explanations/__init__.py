"""Match explanations, the budget warning and the market check in words, for each reader, in French
(the default) or English.

The engine stores reasons as codes with their figures (matching.explain); this package words them for
the operator (everything), the company and the freelancer (their own wording, no internal figures), in
the locale of the request (service.i18n). Its texts form the `explanations` message catalog.
"""

from service.explanations.audience import AUDIENCES, Audience, audience_of
from service.explanations.budget import render_budget_option, render_budget_warning
from service.explanations.labels import Labels, taxonomy_labels
from service.explanations.market import MarketCheck, render_market_check
from service.explanations.reasons import (
    reason_codes,
    render_exclusion,
    render_reasons,
    rendered_codes,
    strongest_reasons,
)

__all__ = [
    "AUDIENCES",
    "Audience",
    "Labels",
    "MarketCheck",
    "audience_of",
    "reason_codes",
    "render_budget_option",
    "render_budget_warning",
    "render_exclusion",
    "render_market_check",
    "render_reasons",
    "rendered_codes",
    "strongest_reasons",
    "taxonomy_labels",
]

"""Wire shapes of matches: the lists, the review queue, decisions and the audit trail."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, Literal

import msgspec

from models.enums import MatchStatus, Role
from service.matches.transitions import Action
from service.missions.schemas import BudgetOptionOut


class SkillGapsOut(msgspec.Struct):
    missing_required: list[str]
    missing_nice: list[str]
    partial_required: list[str]


class ReasonCodeOut(msgspec.Struct, kw_only=True):
    """A reason as data: a stable `code` (e.g. `missing_required`), the factor it explains, its tone
    and its figures (numbers, taxonomy ids, ISO dates)."""

    code: str
    factor: str
    tone: Literal["positive", "neutral", "negative"]
    params: dict[str, Any]


class MatchOut(msgspec.Struct, kw_only=True):
    id: int
    mission_id: int
    mission_title: str
    company_name: str
    freelancer_id: int
    freelancer_name: str
    freelancer_headline: str
    availability_confirmed_at: datetime | None = None
    """When the freelancer last confirmed their availability."""
    availability_confirmed: bool = False
    """Confirmed within the reminder period (30 days): operators see the others as "not confirmed"."""
    score: float
    factors: dict[str, float]
    reasons: list[str]
    """The reasons in the reader's language and for the reader (operator, company or freelancer)."""
    reason_codes: list[ReasonCodeOut]
    """The same reasons as stable ids with their figures."""
    skill_gaps: SkillGapsOut
    excluded: bool
    exclusion_reason: str | None
    status: MatchStatus
    version: int
    """Send it back as If-Match (or `version`) when deciding on the match."""
    algorithm_version: str
    scored_at: datetime
    grid_revision_id: int | None = None
    """The rate grid revision the score was computed with (GET /api/v1/rate-grid/revisions); null for a
    match scored before grid revisions were recorded."""


class MatchList(msgspec.Struct, kw_only=True):
    items: list[MatchOut]
    total: int
    budget_warning: str | None = None
    budget_advice: list[BudgetOptionOut] = msgspec.field(default_factory=list)
    scoring_pending: bool
    """True while the subject changed after its matches were computed (a worker will refresh them)."""


class ReviewFacts(msgspec.Struct, kw_only=True):
    """What an operator decides a pair from, the freelancer's side next to the mission's ask."""

    tjm: int
    tjm_min: int
    tjm_max: int
    tjm_over_percent: int
    """How far the TJM is over the budget's maximum, in whole percent (0 when within)."""
    band_asked: str
    available_from: date | None
    start_date: date
    days_offered: int
    days_asked: int
    location: str | None
    remote_preference: str
    mission_location: str | None
    remote_policy: str
    mobility: list[str] = msgspec.field(default_factory=list)
    """Where else the freelancer can work on site (cities or regions)."""
    mobility_anywhere: bool = False
    on_site: str | None = None
    """How the freelancer can be at the mission's city: "city" (lives there), "mobility" (it or its
    region is in their mobility), "anywhere" (anywhere in France); null when they cannot, or for a
    remote mission or one that names no city."""
    presence_gated: bool = False
    """A presence gate scales the total: a work mode the freelancer refuses (remote-only on a hybrid
    mission, on-site-only on a remote one), or a hybrid or on-site mission they cannot be at."""


class ReviewItem(msgspec.Struct, kw_only=True):
    match: MatchOut
    facts: ReviewFacts
    strongest_reasons: list[str]
    """The reasons of the two factors that add most to the score, in the reader's language."""
    version: int
    needs_review: bool
    score_at_decision: float | None
    experience_band: str
    tjm_position: str
    created_at: datetime
    allowed_actions: list[Action]
    possible_duplicate: bool = False
    """The freelancer may have registered twice (same phone, LinkedIn, or name and headline)."""


class DecisionIn(msgspec.Struct, forbid_unknown_fields=True):
    action: Action
    reason: Annotated[str, msgspec.Meta(max_length=1000)] = ""
    version: Annotated[int, msgspec.Meta(ge=1, description='or send If-Match: "<version>"')] | None = None


class DecisionOut(msgspec.Struct, kw_only=True):
    id: int
    match_id: int
    actor_account_id: int | None
    actor_name: str | None
    actor_role: Role | None
    from_status: MatchStatus
    to_status: MatchStatus
    reason: str
    on_behalf_of: Role | None = None
    """The side an operator decided for (an acceptance relayed for a company, say); null otherwise."""
    created_at: datetime


class MatchDetail(msgspec.Struct, kw_only=True):
    match: MatchOut
    version: int
    needs_review: bool
    allowed_actions: list[Action]
    company_id: int | None = None
    """The company the mission is for."""


class SelectedMatch(msgspec.Struct, forbid_unknown_fields=True):
    id: Annotated[int, msgspec.Meta(ge=1)]
    version: Annotated[int, msgspec.Meta(ge=1, description="the version the operator saw")]


class BulkDecisionIn(msgspec.Struct, forbid_unknown_fields=True):
    action: Action
    """shortlist, approve or reject: the operator's own review actions."""
    matches: list[SelectedMatch]
    reason: Annotated[str, msgspec.Meta(max_length=1000)] = ""


class BulkRefusalOut(msgspec.Struct, kw_only=True):
    match_id: int
    status: MatchStatus | None
    version: int | None
    detail: str


class BulkDecisionOut(msgspec.Struct, kw_only=True):
    decided: list[int]
    """The matches the decision applied to, each with its own row in the history."""
    refused: list[BulkRefusalOut]
    """The matches left as they were, with their current status and why."""

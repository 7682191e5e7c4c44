"""Wire shapes of the review queue, decisions and the audit trail."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import msgspec

from models.enums import MatchStatus, Role
from service.review.transitions import Action
from service.scoring.schemas import MatchOut


class ReviewItem(msgspec.Struct, kw_only=True):
    match: MatchOut
    version: int
    needs_review: bool
    score_at_decision: float | None
    experience_band: str
    tjm_position: str
    created_at: datetime
    allowed_actions: list[Action]


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
    created_at: datetime


class MatchDetail(msgspec.Struct, kw_only=True):
    match: MatchOut
    version: int
    needs_review: bool
    allowed_actions: list[Action]

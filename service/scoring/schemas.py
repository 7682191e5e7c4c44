"""Wire shapes of matches and rescoring jobs."""

from __future__ import annotations

from datetime import datetime

import msgspec

from models.enums import JobState, MatchStatus


class SkillGapsOut(msgspec.Struct):
    missing_required: list[str]
    missing_nice: list[str]
    partial_required: list[str]


class MatchOut(msgspec.Struct, kw_only=True):
    id: int
    mission_id: int
    mission_title: str
    company_name: str
    freelancer_id: int
    freelancer_name: str
    freelancer_headline: str
    score: float
    factors: dict[str, float]
    reasons: list[str]
    skill_gaps: SkillGapsOut
    excluded: bool
    exclusion_reason: str | None
    status: MatchStatus
    version: int
    """Send it back as If-Match (or `version`) when deciding on the match."""
    algorithm_version: str
    scored_at: datetime


class MatchList(msgspec.Struct, kw_only=True):
    items: list[MatchOut]
    total: int
    budget_warning: str | None = None
    scoring_pending: bool
    """True while the subject changed after its matches were computed (a worker will refresh them)."""


class JobOut(msgspec.Struct, kw_only=True):
    id: str
    kind: str
    state: JobState
    """queued, running, done, or failed (a chunk kept failing: `error` says which and why)."""
    total_chunks: int
    done_chunks: int
    progress: float
    pairs_scored: int
    created_at: datetime
    finished_at: datetime | None
    error: str | None = None
    """Why a failed job failed, e.g. "chunk 3 of 12 (missions 41-60) failed 3 times: ValueError: …"."""

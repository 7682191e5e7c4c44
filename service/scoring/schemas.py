"""Wire shapes of rescoring jobs."""

from __future__ import annotations

from datetime import datetime

import msgspec

from models.enums import JobState


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

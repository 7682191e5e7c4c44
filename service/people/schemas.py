"""Wire shapes of the people endpoints: a profile's possible duplicates, a merge."""

from __future__ import annotations

from typing import Annotated

import msgspec

from service.params import MAX_ID


class DuplicateOut(msgspec.Struct, kw_only=True):
    profile_id: int
    full_name: str
    headline: str
    rules: list[str]
    """Why it may be the same person: `phone`, `linkedin`, `name_headline` (several when they agree)."""


class DuplicateList(msgspec.Struct, kw_only=True):
    profile_id: int
    items: list[DuplicateOut]


class MergeIn(msgspec.Struct, forbid_unknown_fields=True):
    into: Annotated[
        int, msgspec.Meta(ge=1, le=MAX_ID, description="the profile kept: this one is merged into it")
    ]
    reason: Annotated[str, msgspec.Meta(min_length=1, max_length=1000)]


class MergeOut(msgspec.Struct, kw_only=True):
    merged_id: int
    kept_id: int
    event_id: int


class NotDuplicateIn(msgspec.Struct, forbid_unknown_fields=True):
    other: Annotated[
        int, msgspec.Meta(ge=1, le=MAX_ID, description="the other profile: not the same person as this one")
    ]
    reason: Annotated[str, msgspec.Meta(max_length=1000)] = ""


class NotDuplicateOut(msgspec.Struct, kw_only=True):
    profile_id: int
    other_id: int
    recorded: bool
    """False when the pair was already marked: nothing is written twice."""

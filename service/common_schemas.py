"""Field types shared by the request schemas: one definition of what a valid e-mail, rate or year is."""

from __future__ import annotations

from typing import Annotated

import msgspec

Email = Annotated[
    str,
    msgspec.Meta(
        pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$",
        max_length=254,
        description="e-mail address",
        examples=["jane.doe@example.com"],
    ),
]
Name = Annotated[str, msgspec.Meta(min_length=1, max_length=200)]
ShortText = Annotated[str, msgspec.Meta(max_length=300)]
LongText = Annotated[str, msgspec.Meta(max_length=10_000)]
Tag = Annotated[str, msgspec.Meta(min_length=1, max_length=80)]
City = Annotated[str, msgspec.Meta(max_length=120)]
Phone = Annotated[str, msgspec.Meta(pattern=r"^\+?[0-9 ().-]{6,30}$", description="phone number")]
Url = Annotated[str, msgspec.Meta(pattern=r"^https?://\S+$", max_length=300)]
Tjm = Annotated[int, msgspec.Meta(ge=100, le=5000, description="daily rate, € per day")]
Years = Annotated[float, msgspec.Meta(ge=0, le=60, description="years of experience")]
DaysPerWeek = Annotated[int, msgspec.Meta(ge=1, le=5)]
Level = Annotated[int, msgspec.Meta(ge=1, le=5, description="1 (notions) to 5 (expert)")]
Year = Annotated[int, msgspec.Meta(ge=1960, le=2100)]
TaxonomyId = Annotated[str, msgspec.Meta(min_length=1, max_length=64)]

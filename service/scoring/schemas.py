"""Wire shapes of rescoring jobs and of a freelancer's score options.

`JobOut` lives with the job's row (service.background.jobs), so a domain below scoring that queues a
job (the grid update) can return it too.
"""

from __future__ import annotations

from typing import Annotated, Literal

import msgspec

from service.background.jobs import JobOut

__all__ = ["JobOut", "ScoreOptionOut", "ScoreOptionsOut"]


class ScoreOptionOut(msgspec.Struct, kw_only=True):
    """One change that would raise the score, with the score it would give."""

    kind: Annotated[
        Literal["availability", "tjm", "mobility", "competence", "days_per_week"],
        msgspec.Meta(examples=["availability"]),
    ]
    value: Annotated[
        str | int,
        msgspec.Meta(
            description=(
                "the changed value: the start date (ISO) for `availability`, the TJM in euros for `tjm`, "
                "the city for `mobility`, the competence id for `competence`, the days for `days_per_week`"
            ),
            examples=["2027-01-05"],
        ),
    ]
    level: int | None = None
    """`competence`: the level the option assumes (3, where a required competence counts in full)."""
    current_level: int | None = None
    """`competence`: the level on the profile (null: not on the profile)."""
    new_score: Annotated[float, msgspec.Meta(examples=[80.4])]
    gain: Annotated[float, msgspec.Meta(description="points over the current score", examples=[8.25])]
    text: Annotated[
        str,
        msgspec.Meta(
            description="the option in the reader's language",
            examples=["Si vous pouviez commencer le 05/01/2027 : +8 points"],
        ),
    ]


class ScoreOptionsOut(msgspec.Struct, kw_only=True):
    mission_id: int
    score: Annotated[float, msgspec.Meta(description="the profile's score as it is", examples=[72.15])]
    options: list[ScoreOptionOut]
    """At most 3, the largest gain first; empty when no single change gains more than 0.05 point."""

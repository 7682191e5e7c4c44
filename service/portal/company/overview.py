"""What the company's mission pages show beside each mission: the proposals made to it, counted by
what the company has to do with them. Read through the matches service, as `GET
/api/v1/missions/{id}/matches` does for a company (only what was proposed to it)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from models.enums import MatchStatus
from service.auth.actor import Actor
from service.matches.lists import MatchListFilters, matches_for_mission
from service.matches.schemas import MatchOut

#: Every proposal a mission can hold (the API's cap on stored pairs per mission is below this).
ALL_PROPOSALS = MatchListFilters(limit=1000)
AWAITING = frozenset({MatchStatus.PROPOSED, MatchStatus.FREELANCER_INTERESTED})


@dataclass(frozen=True)
class ProposalCounts:
    proposed: int
    accepted: int
    declined: int
    awaiting: int


def count(proposals: list[MatchOut]) -> ProposalCounts:
    by_status = Counter(p.status for p in proposals)
    return ProposalCounts(
        proposed=len(proposals),
        accepted=by_status[MatchStatus.ACCEPTED],
        declined=by_status[MatchStatus.DECLINED],
        awaiting=sum(by_status[s] for s in AWAITING),
    )


async def proposals_of(session: AsyncSession, actor: Actor, mission_id: int) -> list[MatchOut]:
    """The matches proposed to the company for one of its missions, best first (404 for another's)."""
    return (await matches_for_mission(session, actor, mission_id, ALL_PROPOSALS)).items

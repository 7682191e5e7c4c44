"""What to tell whom when a match changes status; rows are added to the caller's transaction.

Titles and names are user data: they enter subjects (mail headers) only through `one_line`.
"""

from __future__ import annotations

import unicodedata

from sqlalchemy.ext.asyncio import AsyncSession

from models import Account, Company, FreelancerProfile, Match, MatchDecision, Mission, Notification
from models.enums import MatchStatus

#: Longest subject composed or sent (the column holds 300).
SUBJECT_MAX = 250
#: Longest title or name quoted inside a subject or a body.
NAME_MAX = 200


def one_line(text: str, limit: int) -> str:
    """`text` as one safe header line of at most `limit` characters.

    Control and separator characters (CR, LF, NUL, U+2028, …) become a space and runs of spaces
    collapse to one; invisible format characters (bidi overrides, zero-width spaces) are dropped; "=?"
    and "?=" are broken up: a mail parser would decode an RFC 2047 encoded word back into raw CR/LF,
    and the standard library's folder mangles text holding them.
    """
    chars: list[str] = []
    for char in text:
        category = unicodedata.category(char)
        if category == "Cf":
            continue
        chars.append(" " if category[0] in "CZ" else char)
    flat = " ".join("".join(chars).split())
    while "=?" in flat or "?=" in flat:
        flat = flat.replace("=?", "= ?").replace("?=", "? =")
    if len(flat) > limit:
        flat = flat[: max(limit - 1, 0)].rstrip() + "…"
    return flat


async def add_notifications(
    session: AsyncSession, match: Match, decision: MatchDecision
) -> list[Notification]:
    """Notification rows for a decision, in the same (uncommitted) transaction as the decision."""
    mission = await session.get(Mission, match.mission_id)
    profile = await session.get(FreelancerProfile, match.freelancer_id)
    assert mission is not None and profile is not None
    company = await session.get(Company, mission.company_id)
    assert company is not None
    company_account = await session.get(Account, company.account_id)
    freelancer_account = await session.get(Account, profile.account_id)
    assert company_account is not None and freelancer_account is not None
    to = decision.to_status
    title = f"“{one_line(mission.title, NAME_MAX)}”"
    person = one_line(profile.full_name, NAME_MAX)
    headline = one_line(profile.headline, NAME_MAX)
    company_name = one_line(company.name, NAME_MAX)
    messages: list[tuple[Account, str, str, str]] = []
    if to is MatchStatus.PROPOSED:
        messages.append(
            (
                company_account,
                "proposal_to_company",
                f"A freelance CTO is proposed for {title}",
                f"{person} ({headline}) is proposed for your mission {title} "
                f"with a score of {match.score:.0f}/100. Accept or decline the proposal in ctomatch.",
            )
        )
        messages.append(
            (
                freelancer_account,
                "proposal_to_freelancer",
                f"A mission is proposed to you: {title}",
                f"{company_name} is looking for a CTO: {title}, "
                f"{mission.tjm_min}–{mission.tjm_max} € per day, from {mission.start_date}. "
                "Tell us if you are interested.",
            )
        )
    elif to in (MatchStatus.ACCEPTED, MatchStatus.DECLINED):
        verb = "accepted" if to is MatchStatus.ACCEPTED else "declined"
        follow_up = " They will contact you." if to is MatchStatus.ACCEPTED else ""
        if to is MatchStatus.DECLINED and decision.reason.strip():  # the company wrote it for them
            follow_up = f" Their reason: “{decision.reason.strip()}”"
        messages.append(
            (
                freelancer_account,
                f"company_{verb}",
                f"{company_name} {verb} the proposal for {title}",
                f"{company_name} {verb} your profile for {title}.{follow_up}",
            )
        )
    elif to in (MatchStatus.FREELANCER_INTERESTED, MatchStatus.FREELANCER_DECLINED):
        verb = "is interested in" if to is MatchStatus.FREELANCER_INTERESTED else "declined"
        kind = "freelancer_interested" if to is MatchStatus.FREELANCER_INTERESTED else "freelancer_declined"
        messages.append(
            (
                company_account,
                kind,
                f"{person} {verb} {title}",
                f"{person} {verb} your mission {title}.",
            )
        )
    rows = [
        Notification(
            match_id=match.id,
            decision_id=decision.id,
            recipient_account_id=account.id,
            recipient_email=account.email,
            kind=kind,
            subject=one_line(subject, SUBJECT_MAX),
            body=body,
        )
        for account, kind, subject, body in messages
    ]
    session.add_all(rows)
    return rows

"""What to tell whom when a match changes status; rows are added to the caller's transaction.

Titles and names are user data: they enter subjects (mail headers) only through `one_line`.
"""

from __future__ import annotations

import unicodedata

from sqlalchemy.ext.asyncio import AsyncSession

from models import Account, Company, FreelancerProfile, Match, MatchDecision, Mission, Notification
from models.enums import MatchStatus
from service.i18n import _, format_date, format_money, use_locale

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
    reason = decision.reason.strip()
    to_company = f"/missions/{mission.id}/proposals/{match.id}"
    to_freelancer = f"/proposals/{match.id}"
    messages: list[tuple[Account, str, str, str, str]] = []
    if to is MatchStatus.PROPOSED:
        with use_locale(company_account.locale):
            messages.append(
                (
                    company_account,
                    "proposal_to_company",
                    _("A freelance CTO is proposed for %(title)s", title=title),
                    _(
                        "%(person)s (%(headline)s) is proposed for your mission %(title)s. "
                        "Accept or decline the proposal in ctomatch.",
                        person=person,
                        headline=headline,
                        title=title,
                    ),
                    to_company,
                )
            )
        with use_locale(freelancer_account.locale):
            messages.append(
                (
                    freelancer_account,
                    "proposal_to_freelancer",
                    _("A mission is proposed to you: %(title)s", title=title),
                    _(
                        "%(company)s is looking for a CTO: %(title)s, %(low)s to %(high)s per day, "
                        "from %(start)s. Tell us if you are interested.",
                        company=company_name,
                        title=title,
                        low=format_money(mission.tjm_min),
                        high=format_money(mission.tjm_max),
                        start=format_date(mission.start_date),
                    ),
                    to_freelancer,
                )
            )
    elif to in (MatchStatus.ACCEPTED, MatchStatus.DECLINED):
        with use_locale(freelancer_account.locale):
            if to is MatchStatus.ACCEPTED:
                subject = _(
                    "%(company)s accepted the proposal for %(title)s", company=company_name, title=title
                )
                body = _(
                    "%(company)s accepted your profile for %(title)s. "
                    "Their contact is on the proposal's page.",
                    company=company_name,
                    title=title,
                )
            else:
                subject = _(
                    "%(company)s declined the proposal for %(title)s", company=company_name, title=title
                )
                body = _(
                    "%(company)s declined your profile for %(title)s.", company=company_name, title=title
                )
                if reason:  # the company wrote it for them
                    body += " " + _("Their reason: “%(reason)s”", reason=reason)
            messages.append((freelancer_account, f"company_{to.value}", subject, body, to_freelancer))
    elif to in (MatchStatus.FREELANCER_INTERESTED, MatchStatus.FREELANCER_DECLINED):
        interested = to is MatchStatus.FREELANCER_INTERESTED
        with use_locale(company_account.locale):
            if interested:
                subject = _("%(person)s is interested in %(title)s", person=person, title=title)
                body = _("%(person)s is interested in your mission %(title)s.", person=person, title=title)
            else:
                subject = _("%(person)s declined %(title)s", person=person, title=title)
                body = _("%(person)s declined your mission %(title)s.", person=person, title=title)
                if reason:
                    body += " " + _("Their reason: “%(reason)s”", reason=reason)
            kind = "freelancer_interested" if interested else "freelancer_declined"
            messages.append((company_account, kind, subject, body, to_company))
    rows = [
        Notification(
            match_id=match.id,
            decision_id=decision.id,
            recipient_account_id=account.id,
            recipient_email=account.email,
            kind=kind,
            subject=one_line(subject, SUBJECT_MAX),
            body=body,
            link=link,
        )
        for account, kind, subject, body, link in messages
    ]
    session.add_all(rows)
    return rows

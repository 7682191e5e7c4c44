"""One decision for several matches at once: the queue's "shortlist, approve or reject the selected rows".

Each match is still decided as itself: the same transition rules, the same version guard, one
append-only decision row each, with the one reason given. A row that cannot take the decision (decided
by someone else since the page was drawn, or in a status the action does not leave from) is left as
it is and reported, the others go through; all of it in one transaction, so the server time does not
grow with one commit per row.

Only the operator's own review actions are offered in bulk: acting on behalf of a side needs a
confirmation per side, and proposing reveals contact data once accepted, so both stay one at a time.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import and_, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from models import Account, Company, FreelancerProfile, Match, MatchDecision, Mission
from models.enums import MatchStatus, Role
from service.auth.actor import Actor
from service.background.queue import WorkQueue
from service.errors import FieldError, Forbidden, InvalidInput
from service.i18n import _
from service.matches.transitions import RULES, Action, TransitionRefused, next_status
from service.notifications.outbox import add_notifications

#: The actions an operator may take on several rows at once.
BULK_ACTIONS = (Action.SHORTLIST, Action.APPROVE, Action.REJECT)
#: The most rows one bulk decision takes: a queue page holds at most 200.
MAX_BULK = 200


@dataclass(frozen=True)
class BulkRefusal:
    """A selected match the decision did not apply to, and why (its current status and version)."""

    match_id: int
    status: MatchStatus | None
    version: int | None
    why: str


@dataclass(frozen=True)
class BulkOutcome:
    decided: list[int]
    refused: list[BulkRefusal]


def _check_request(actor: Actor, action: Action, reason: str, targets: Sequence[tuple[int, int]]) -> None:
    """Refuse the whole request, naming every bad field, before anything is read."""
    if not actor.is_operator:
        raise Forbidden(_("only operators decide on several matches at once"))
    errors: list[FieldError] = []
    if action not in BULK_ACTIONS:
        allowed = ", ".join(BULK_ACTIONS)
        errors.append(
            FieldError("body.action", _("only %(allowed)s apply to several matches at once", allowed=allowed))
        )
    if RULES[action].reason_required and not reason:
        errors.append(FieldError("body.reason", _("a reason is required to %(action)s", action=action)))
    if not targets:
        errors.append(FieldError("body.matches", _("select at least one match")))
    elif len(targets) > MAX_BULK:
        errors.append(FieldError("body.matches", _("at most %(limit)s matches at once", limit=MAX_BULK)))
    elif len({match_id for match_id, _version in targets}) != len(targets):
        errors.append(FieldError("body.matches", _("each match may be listed once")))
    if errors:
        raise InvalidInput(errors)


async def _warm(session: AsyncSession, matches: Sequence[Match]) -> None:
    """Load the missions, companies, profiles and accounts the notifications read, in four queries."""
    missions = (
        await session.scalars(select(Mission).where(Mission.id.in_({m.mission_id for m in matches})))
    ).all()
    companies = (
        await session.scalars(select(Company).where(Company.id.in_({m.company_id for m in missions})))
    ).all()
    profiles = (
        await session.scalars(
            select(FreelancerProfile).where(FreelancerProfile.id.in_({m.freelancer_id for m in matches}))
        )
    ).all()
    account_ids = {c.account_id for c in companies} | {p.account_id for p in profiles}
    await session.scalars(select(Account).where(Account.id.in_(account_ids)))


async def decide_many(
    session: AsyncSession,
    actor: Actor,
    action: Action,
    reason: str,
    targets: Sequence[tuple[int, int]],
    queue: WorkQueue | None = None,
) -> BulkOutcome:
    """Apply `action` to each (match id, version the operator saw) in `targets`, in one transaction."""
    reason = reason.strip()
    _check_request(actor, action, reason, targets)
    seen = dict(targets)
    found = {
        m.id: m
        for m in (
            await session.scalars(
                select(Match).where(Match.id.in_(seen)).execution_options(populate_existing=True)
            )
        ).all()
    }
    refused: list[BulkRefusal] = []
    moves: dict[int, tuple[MatchStatus, MatchStatus]] = {}
    for match_id, version in targets:
        match = found.get(match_id)
        if match is None:
            refused.append(BulkRefusal(match_id, None, None, _("no match %(id)s", id=match_id)))
            continue
        if match.version != version:  # changed since the page was drawn: say that first
            why = _(
                "match %(id)s changed since version %(expected)s: it is now %(status)s (version %(version)s)",
                id=match_id,
                expected=version,
                status=match.status,
                version=match.version,
            )
            refused.append(BulkRefusal(match_id, match.status, match.version, why))
            continue
        try:
            to_status = next_status(action, Role.OPERATOR, match.status)
        except TransitionRefused as exc:
            refused.append(BulkRefusal(match_id, match.status, match.version, str(exc)))
            continue
        moves[match_id] = (match.status, to_status)
    decided: list[int] = []
    if moves:
        guarded = or_(
            *(
                and_(Match.id == match_id, Match.version == seen[match_id], Match.status == from_status)
                for match_id, (from_status, _to) in moves.items()
            )
        )
        to_status = next(iter(moves.values()))[1]  # one action: one target status
        updated = await session.execute(
            update(Match)
            .where(guarded)
            .values(
                status=to_status,
                version=Match.version + 1,
                score_at_decision=Match.score,
                needs_review=False,
                updated_at=func.now(),
            )
            .returning(Match.id)
            .execution_options(synchronize_session=False)
        )
        won = set(updated.scalars().all())
        for match_id in moves:
            if match_id not in won:  # decided by someone else between the read and the update
                why = _("match %(id)s was decided by someone else meanwhile", id=match_id)
                refused.append(BulkRefusal(match_id, None, None, why))
        decided = [match_id for match_id in seen if match_id in won]
        rows = [
            MatchDecision(
                match_id=match_id,
                actor_account_id=actor.account_id,
                from_status=moves[match_id][0],
                to_status=moves[match_id][1],
                reason=reason,
            )
            for match_id in decided
        ]
        session.add_all(rows)
        await session.flush()
        await _warm(session, [found[match_id] for match_id in decided])
        for row in rows:
            await add_notifications(session, found[row.match_id], row)
    await session.commit()
    if decided and queue is not None:
        await queue.notifications_pending()
    return BulkOutcome(decided=decided, refused=refused)

"""The match status machine: which role may move a match from which status to which, by what action.

pending ──shortlist──▶ shortlisted ──approve──▶ approved ──propose──▶ proposed
   │ ▲                     │                                          │
 reject└──reopen── rejected ◀──reject─┘        company: accept / decline (from proposed or
                                                 freelancer_interested)
                                               freelancer: express_interest / decline_interest
                                                 (from proposed; decline also after interest or
                                                 acceptance)
Operators may also approve or reject straight from pending. Anything else is refused with 409.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from models.enums import MatchStatus, Role
from service.i18n import _

S = MatchStatus


class Action(StrEnum):
    SHORTLIST = "shortlist"
    APPROVE = "approve"
    REJECT = "reject"
    REOPEN = "reopen"
    PROPOSE = "propose"
    ACCEPT = "accept"
    DECLINE = "decline"
    EXPRESS_INTEREST = "express_interest"
    DECLINE_INTEREST = "decline_interest"


@dataclass(frozen=True)
class Rule:
    role: Role
    from_statuses: frozenset[MatchStatus]
    to_status: MatchStatus
    reason_required: bool = False


RULES: dict[Action, Rule] = {
    Action.SHORTLIST: Rule(Role.OPERATOR, frozenset({S.PENDING}), S.SHORTLISTED),
    Action.APPROVE: Rule(Role.OPERATOR, frozenset({S.PENDING, S.SHORTLISTED}), S.APPROVED),
    Action.REJECT: Rule(Role.OPERATOR, frozenset({S.PENDING, S.SHORTLISTED, S.APPROVED}), S.REJECTED, True),
    Action.REOPEN: Rule(Role.OPERATOR, frozenset({S.REJECTED, S.SHORTLISTED}), S.PENDING),
    Action.PROPOSE: Rule(Role.OPERATOR, frozenset({S.APPROVED}), S.PROPOSED),
    Action.ACCEPT: Rule(Role.COMPANY, frozenset({S.PROPOSED, S.FREELANCER_INTERESTED}), S.ACCEPTED),
    Action.DECLINE: Rule(Role.COMPANY, frozenset({S.PROPOSED, S.FREELANCER_INTERESTED}), S.DECLINED),
    Action.EXPRESS_INTEREST: Rule(Role.FREELANCER, frozenset({S.PROPOSED}), S.FREELANCER_INTERESTED),
    Action.DECLINE_INTEREST: Rule(
        Role.FREELANCER, frozenset({S.PROPOSED, S.FREELANCER_INTERESTED, S.ACCEPTED}), S.FREELANCER_DECLINED
    ),
}

#: Statuses in which a match has been put in front of the company and the freelancer.
PROPOSED_STATUSES = frozenset(
    {S.PROPOSED, S.ACCEPTED, S.DECLINED, S.FREELANCER_INTERESTED, S.FREELANCER_DECLINED}
)


class TransitionRefused(Exception):
    def __init__(self, message: str, *, current: MatchStatus) -> None:
        super().__init__(message)
        self.current = current


def next_status(action: Action, role: Role, current: MatchStatus) -> MatchStatus:
    """The status `action` leads to, or TransitionRefused naming the current status."""
    rule = RULES[action]
    if role is not rule.role and role is not Role.OPERATOR:
        raise PermissionError(_("a %(role)s cannot %(action)s a match", role=role, action=action))
    if current not in rule.from_statuses:
        allowed = ", ".join(sorted(rule.from_statuses))
        raise TransitionRefused(
            _(
                "cannot %(action)s a match that is %(status)s (only from: %(allowed)s)",
                action=action,
                status=current,
                allowed=allowed,
            ),
            current=current,
        )
    return rule.to_status


def on_behalf(action: Action, role: Role) -> str | None:
    """The side ("company" or "freelancer") an operator acts for with `action`; None when the caller
    decides for itself. Such decisions need a reason and are recorded as made on behalf."""
    side = RULES[action].role
    return str(side) if role is Role.OPERATOR and side is not Role.OPERATOR else None


def actions_for(role: Role, current: MatchStatus) -> list[Action]:
    """What `role` may do now, for the console's buttons and the API's `allowed_actions`."""
    return [
        action
        for action, rule in RULES.items()
        if current in rule.from_statuses and (rule.role is role or role is Role.OPERATOR)
    ]

"""What the console calls the product's codes (statuses, actions, factors, …), in the reader's language.

Each table is a function, so its texts are looked up when a page is drawn, in the locale of the
request reading it: one process serves French and English readers alike. Codes the tables do not
know (a value added to the model later) show as themselves rather than failing the page.
"""

from __future__ import annotations

from typing import Final

from models.enums import (
    Context,
    MatchStatus,
    MissionStatus,
    Orientation,
    RemotePolicy,
    RemotePreference,
    Role,
)
from service.i18n import _, pgettext
from service.matches.transitions import Action

TJM_POSITIONS: Final = ("below", "within", "above")


def factor_labels() -> dict[str, str]:
    return {
        "competences": _("Competences"),
        "cto_missions": _("CTO missions"),
        "experience": _("Experience"),
        "tjm": _("TJM"),
        "availability": _("Availability"),
        "remote_location": _("Remote / location"),
        "sector_context": _("Sector / context"),
        "orientation": _("Orientation"),
    }


def action_labels() -> dict[str, str]:
    """The button of each operator action."""
    return {
        Action.SHORTLIST: _("Shortlist"),
        Action.APPROVE: _("Approve"),
        Action.REJECT: _("Reject"),
        Action.REOPEN: _("Reopen"),
        Action.PROPOSE: _("Propose"),
        "approve_propose": _("Approve and propose"),  # the console's two decisions in one step
    }


def behalf_labels() -> dict[str, str]:
    """An operator's buttons for what a side does (`%(side)s`: the company's or the freelancer's name)."""
    return {
        Action.ACCEPT: _("Accept on behalf of %(side)s"),
        Action.DECLINE: _("Decline on behalf of %(side)s"),
        Action.EXPRESS_INTEREST: _("Interested, on behalf of %(side)s"),
        Action.DECLINE_INTEREST: _("Not interested, on behalf of %(side)s"),
    }


def action_done_labels() -> dict[str, str]:
    """What the confirmation message says an action did (a match is masculine in French)."""
    return {
        Action.SHORTLIST: pgettext("match", "Shortlisted"),
        Action.APPROVE: pgettext("match", "Approved"),
        Action.REJECT: pgettext("match", "Rejected"),
        Action.REOPEN: pgettext("match", "Reopened"),
        Action.PROPOSE: pgettext("match", "Proposed"),
        "approve_propose": pgettext("match", "Approved and proposed"),
        Action.ACCEPT: _("Accepted on behalf of the company"),
        Action.DECLINE: _("Declined on behalf of the company"),
        Action.EXPRESS_INTEREST: _("Interest relayed for the freelancer"),
        Action.DECLINE_INTEREST: _("Refusal relayed for the freelancer"),
    }


def status_labels() -> dict[str, str]:
    return {
        MatchStatus.PENDING: pgettext("match", "Pending"),
        MatchStatus.SHORTLISTED: pgettext("match", "Shortlisted"),
        MatchStatus.APPROVED: pgettext("match", "Approved"),
        MatchStatus.REJECTED: pgettext("match", "Rejected"),
        MatchStatus.PROPOSED: pgettext("match", "Proposed"),
        MatchStatus.ACCEPTED: pgettext("match", "Accepted"),
        MatchStatus.DECLINED: _("Declined by the company"),
        MatchStatus.FREELANCER_INTERESTED: _("Freelancer interested"),
        MatchStatus.FREELANCER_DECLINED: _("Declined by the freelancer"),
    }


def mission_status_labels() -> dict[str, str]:
    return {
        MissionStatus.OPEN: pgettext("mission", "Open"),
        MissionStatus.CLOSED: pgettext("mission", "Closed"),
    }


def remote_policy_labels() -> dict[str, str]:
    return {
        RemotePolicy.REMOTE: _("remote"),
        RemotePolicy.HYBRID: _("hybrid"),
        RemotePolicy.ONSITE: _("on site"),
        RemotePreference.FLEXIBLE: _("flexible"),  # a freelancer's preference, next to the policies
    }


def context_labels() -> dict[str, str]:
    return {
        Context.AGENCY: _("agency"),
        Context.STARTUP: _("start-up"),
        Context.SCALEUP: _("scale-up"),
        Context.FINTECH: _("fintech"),
        Context.INDUSTRIAL: _("industry"),
        Context.ENTERPRISE: _("large company"),
        Context.PUBLIC_SECTOR: _("public sector"),
    }


def orientation_labels() -> dict[str, str]:
    return {Orientation.CTO: "CTO", Orientation.DSI: "DSI", Orientation.BOTH: _("CTO and DSI")}


def role_labels() -> dict[str, str]:
    return {Role.OPERATOR: _("operator"), Role.COMPANY: _("company"), Role.FREELANCER: _("freelancer")}


def position_labels() -> dict[str, str]:
    """Where a daily rate sits against its band's market range (the queue's rows)."""
    return {"below": _("below market"), "within": _("within market"), "above": _("above market")}


def position_filter_labels() -> dict[str, str]:
    """The same, as the queue filter's choices."""
    return {
        "below": _("Below the market range"),
        "within": _("Within the market range"),
        "above": _("Above the market range"),
    }


def label(table: dict[str, str], code: object) -> str:
    """`code`'s label in `table`, or the code itself."""
    return table.get(str(code), str(code))


def page_labels() -> dict[str, dict[str, str]]:
    """Every table, as the templates name them (the layout's common context)."""
    return {
        "factor_labels": factor_labels(),
        "action_labels": action_labels(),
        "behalf_labels": behalf_labels(),
        "status_labels": status_labels(),
        "mission_status_labels": mission_status_labels(),
        "remote_labels": remote_policy_labels(),
        "context_labels": context_labels(),
        "orientation_labels": orientation_labels(),
        "role_labels": role_labels(),
        "position_labels": position_labels(),
        "position_filter_labels": position_filter_labels(),
    }

"""The queue's bulk form: shortlist, approve or reject the selected rows with one reason.

Each checkbox of the queue carries "match id:version" as drawn, so a row decided by someone else
meanwhile is left alone and named in the message, as a one-row form would be. The decided rows stay
in view with their new status (`kept`), like after a one-row decision.
"""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, post
from litestar.response import Redirect

from service.auth.actor import ANONYMOUS, roles
from service.errors import InvalidInput
from service.handler_params import BackgroundQueue, DbSession
from service.i18n import _, ngettext
from service.matches.bulk import BULK_ACTIONS, BulkOutcome, decide_many
from service.matches.transitions import Action
from service.web.actions import refused_message
from service.web.labels import label, status_labels
from service.web.pages import SIGNED_IN
from service.web.session import CONSOLE_PATH, SignedInOperator, flash, safe_next
from service.web.views import with_kept

#: The checkbox each queue row carries; its value is "match id:version".
SELECTED_FIELD = "selected"
#: Refused rows the message names one by one; the rest are counted.
NAMED_REFUSALS = 5


def selected_targets(values: list[str]) -> list[tuple[int, int]]:
    """The (match id, version) pairs of the ticked rows; a value that is not "id:version" is skipped."""
    targets: list[tuple[int, int]] = []
    for value in values:
        match_id, _sep, version = value.partition(":")
        if match_id.isdigit() and version.isdigit():
            targets.append((int(match_id), int(version)))
    return targets


def done_message(action: Action, outcome: BulkOutcome) -> str:
    """What the operator reads after a bulk decision: how many moved, and which did not and why."""
    count = len(outcome.decided)
    if action is Action.SHORTLIST:
        done = ngettext("%(count)s match shortlisted.", "%(count)s matches shortlisted.", count, count=count)
    elif action is Action.APPROVE:
        done = ngettext("%(count)s match approved.", "%(count)s matches approved.", count, count=count)
    else:
        done = ngettext("%(count)s match rejected.", "%(count)s matches rejected.", count, count=count)
    if not outcome.refused:
        return done
    named = []
    for refusal in outcome.refused[:NAMED_REFUSALS]:
        if refusal.status is None:
            named.append(_("#%(id)s (decided by someone else meanwhile)", id=refusal.match_id))
        else:
            status = label(status_labels(), refusal.status).lower()
            named.append(_("#%(id)s (now %(status)s)", id=refusal.match_id, status=status))
    more = len(outcome.refused) - len(named)
    left = ngettext(
        "%(count)s left as it was: %(names)s",
        "%(count)s left as they were: %(names)s",
        len(outcome.refused),
        count=len(outcome.refused),
        names=", ".join(named),
    )
    if more:
        left += " " + ngettext("and %(count)s more", "and %(count)s more", more, count=more)
    return f"{done} {left}."


class ConsoleBulkActions(Controller):
    path = "/"

    @post(
        "/queue/decisions",
        opt=roles(ANONYMOUS),
        include_in_schema=False,
        description=f"{SIGNED_IN} Shortlist, approve or reject the ticked queue rows with one reason.",
    )
    async def decide_selected(
        self,
        request: Request[Any, Any, Any],
        db_session: DbSession,
        operator: SignedInOperator,
        work_queue: BackgroundQueue,
    ) -> Redirect:
        """As POST /api/v1/review-queue/decisions, from the queue's form (checkboxes repeat a field)."""
        form = await request.form()
        back = safe_next(str(form.get("next", "")), default=f"{CONSOLE_PATH}/queue")
        chosen = str(form.get("action", ""))
        if chosen not in BULK_ACTIONS:
            flash(request, "error", _("Nothing was changed: choose to shortlist, approve or reject."))
            return Redirect(back, status_code=303)
        action = Action(chosen)
        targets = selected_targets([str(v) for v in form.getall(SELECTED_FIELD, [])])
        try:
            outcome = await decide_many(
                db_session, operator.actor, action, str(form.get("reason", "")), targets, work_queue
            )
        except InvalidInput as exc:
            flash(request, "error", refused_message(exc))
            return Redirect(back, status_code=303)
        flash(request, "success" if outcome.decided else "error", done_message(action, outcome))
        return Redirect(with_kept(back, *outcome.decided), status_code=303)

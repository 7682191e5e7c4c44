"""An operator settles a possible duplicate: merge the second registration, deactivate it, or say the
two profiles are two people. Each writes one row of the append-only `profile_events`.

A merge deactivates the duplicate through the profile's own deactivation (`deactivate_profile`: the
same lock, the same rescoring that takes it out of matching at once) and, in that transaction, points
it to the kept profile. Its matches and their decisions are left as they are: the kept profile's page
shows them as coming from the merged one.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from models import FreelancerProfile, ProfileEvent, ProfileEventKind
from models.base import utcnow
from service.auth.actor import Actor
from service.background.queue import WorkQueue
from service.errors import Conflict, FieldError, Forbidden, InvalidInput
from service.freelancers.services import deactivate_profile, get_profile
from service.i18n import _
from service.validation_texts import Code

#: The longest reason kept (the column's size).
REASON_MAX = 1000


@dataclass(frozen=True)
class MergeOutcome:
    merged_id: int
    kept_id: int
    event_id: int


def _ensure_operator(actor: Actor) -> None:
    if not actor.is_operator:
        raise Forbidden(_("only an operator may merge, deactivate or settle possible duplicates"))


def checked_reason(reason: str, field: str = "body.reason") -> str:
    """The reason, trimmed; a blank or too long one is refused naming the field."""
    text = reason.strip()
    if not text:
        raise InvalidInput([FieldError(field, _("give the reason, for the profile's history"), Code.MISSING)])
    if len(text) > REASON_MAX:
        reason_text = _("at most %(count)s characters", count=REASON_MAX)
        raise InvalidInput([FieldError(field, reason_text, Code.TOO_LONG)])
    return text


async def merge_profiles(
    session: AsyncSession,
    actor: Actor,
    duplicate_id: int,
    kept_id: int,
    reason: str,
    *,
    queue: WorkQueue | None = None,
) -> MergeOutcome:
    """Merge `duplicate_id` into `kept_id` (404 for an unknown id; 409 said plainly for a profile merged
    into itself, into an inactive or merged profile, or merged twice)."""
    _ensure_operator(actor)
    text = checked_reason(reason)
    if duplicate_id == kept_id:
        raise Conflict(_("a profile cannot be merged into itself"))
    await get_profile(session, duplicate_id)  # 404 before anything is locked
    kept = await get_profile(session, kept_id)
    if kept.merged_into_id is not None:
        raise Conflict(
            _(
                "profile n° %(kept)s was itself merged into n° %(into)s: merge into that one",
                kept=kept.id,
                into=kept.merged_into_id,
            )
        )
    if not kept.active:
        raise Conflict(
            _(
                "profile n° %(kept)s is inactive: a profile can only be merged into an active one",
                kept=kept.id,
            )
        )
    event = ProfileEvent(
        profile_id=duplicate_id,
        kind=ProfileEventKind.MERGED,
        other_profile_id=kept_id,
        actor_account_id=actor.account_id,
        reason=text,
    )

    def point_to_kept(duplicate: FreelancerProfile) -> None:
        # Read on the locked row: a second merge of the same profile, even at once, is refused here.
        if duplicate.merged_into_id is not None:
            raise Conflict(
                _(
                    "profile n° %(id)s was already merged into n° %(into)s",
                    id=duplicate.id,
                    into=duplicate.merged_into_id,
                )
            )
        duplicate.merged_into_id, duplicate.merged_at = kept_id, utcnow()
        session.add(event)

    await deactivate_profile(session, actor, duplicate_id, queue=queue, along=point_to_kept)
    return MergeOutcome(merged_id=duplicate_id, kept_id=kept_id, event_id=event.id)


async def deactivate_with_reason(
    session: AsyncSession, actor: Actor, profile_id: int, reason: str, *, queue: WorkQueue | None = None
) -> int:
    """The API's deactivation, with the operator's reason recorded; the event's id. An inactive
    profile is refused (409): there is nothing to deactivate."""
    _ensure_operator(actor)
    text = checked_reason(reason)
    profile = await get_profile(session, profile_id)
    if not profile.active:
        raise Conflict(_("profile n° %(id)s is already inactive", id=profile_id))
    event = ProfileEvent(
        profile_id=profile_id,
        kind=ProfileEventKind.DEACTIVATED,
        actor_account_id=actor.account_id,
        reason=text,
    )
    await deactivate_profile(
        session, actor, profile_id, queue=queue, along=lambda _profile: session.add(event)
    )
    return event.id


async def mark_not_duplicate(
    session: AsyncSession, actor: Actor, profile_id: int, other_id: int, reason: str = ""
) -> bool:
    """The two profiles are two people: the pair is no longer flagged. False when it was already
    recorded (nothing is written twice)."""
    _ensure_operator(actor)
    if profile_id == other_id:
        raise InvalidInput(
            [FieldError("body.other", _("name the other profile, not this one"), Code.INCONSISTENT)]
        )
    await get_profile(session, profile_id)
    await get_profile(session, other_id)
    text = reason.strip()[:REASON_MAX]
    pair = {profile_id, other_id}
    recorded = await session.scalar(
        select(ProfileEvent.id).where(
            ProfileEvent.kind == ProfileEventKind.NOT_DUPLICATE,
            ProfileEvent.profile_id.in_(pair),
            ProfileEvent.other_profile_id.in_(pair),
        )
    )
    if recorded is not None:
        return False
    session.add(
        ProfileEvent(
            profile_id=profile_id,
            kind=ProfileEventKind.NOT_DUPLICATE,
            other_profile_id=other_id,
            actor_account_id=actor.account_id,
            reason=text,
        )
    )
    await session.commit()
    return True

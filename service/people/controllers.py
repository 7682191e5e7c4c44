"""HTTP routes of the people behind the profiles: a profile's possible duplicates, and merging one."""

from __future__ import annotations

from typing import Annotated

from litestar import Controller, get, post
from litestar.openapi.spec import Example
from litestar.params import Body

from models.enums import Role
from service.auth.actor import roles
from service.handler_params import BackgroundQueue, CurrentActor, DbSession, PathId
from service.people.duplicates import list_duplicates
from service.people.merge import mark_not_duplicate, merge_profiles
from service.people.schemas import DuplicateList, MergeIn, MergeOut, NotDuplicateIn, NotDuplicateOut

MergeBody = Annotated[
    MergeIn,
    Body(
        examples=[
            Example(
                summary="A second registration of the same person, merged into the first",
                value={"into": 1, "reason": "Inscrite deux fois : même téléphone et même profil LinkedIn."},
            )
        ]
    ),
]

NotDuplicateBody = Annotated[
    NotDuplicateIn,
    Body(
        examples=[
            Example(
                summary="Two people with the same name and trade",
                value={"other": 2, "reason": "Homonymes : téléphones et parcours différents."},
            )
        ]
    ),
]


class PeopleController(Controller):
    path = "/api/v1/freelancers"
    tags = ["freelancers"]  # noqa: RUF012

    @get(
        "/{profile_id:str}/duplicates",
        opt=roles(Role.OPERATOR),
        summary="Possible duplicates of a profile",
        description=(
            "Roles: operator. The active profiles that may be the same person: same phone, same LinkedIn "
            "URL (each compared in a normal form), or near-identical name and headline; `rules` says which. "
            "A pair marked as two people is not listed."
        ),
    )
    async def duplicates(
        self, db_session: DbSession, actor: CurrentActor, profile_id: PathId
    ) -> DuplicateList:
        return await list_duplicates(db_session, actor, profile_id)

    @post(
        "/{duplicate_id:str}/merge",
        opt=roles(Role.OPERATOR),
        status_code=200,
        summary="Merge a duplicate profile into another",
        description=(
            "Roles: operator. This profile (the second registration) is merged `into` the kept one: it "
            "leaves matching at once, says which profile it was merged into, and keeps its matches and "
            "their decisions, shown on the kept profile. The merge is recorded with its reason. "
            "409 for a profile merged into itself, into an inactive or merged profile, or twice."
        ),
    )
    async def merge(
        self,
        db_session: DbSession,
        actor: CurrentActor,
        work_queue: BackgroundQueue,
        duplicate_id: PathId,
        data: MergeBody,
    ) -> MergeOut:
        outcome = await merge_profiles(
            db_session, actor, duplicate_id, data.into, data.reason, queue=work_queue
        )
        return MergeOut(merged_id=outcome.merged_id, kept_id=outcome.kept_id, event_id=outcome.event_id)

    @post(
        "/{profile_id:str}/not-duplicate",
        opt=roles(Role.OPERATOR),
        status_code=200,
        summary="Say two flagged profiles are two people",
        description=(
            "Roles: operator. The pair is no longer flagged as a possible duplicate, on either side; the "
            "decision is recorded with its reason. `recorded` is false when the pair was already marked. "
            "404 for an unknown profile, 422 when `other` is this profile."
        ),
    )
    async def not_duplicate(
        self, db_session: DbSession, actor: CurrentActor, profile_id: PathId, data: NotDuplicateBody
    ) -> NotDuplicateOut:
        recorded = await mark_not_duplicate(db_session, actor, profile_id, data.other, data.reason)
        return NotDuplicateOut(profile_id=profile_id, other_id=data.other, recorded=recorded)

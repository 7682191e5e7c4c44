"""One writer at a time per row, and every write counts: a write first moves the row's revision.

Profiles, missions and companies carry a `revision` counter. A service that changes one of them
calls `lock_for_write()` before it reads the row: the `UPDATE … SET revision = revision + 1` is the
transaction's first write, so it takes the row's write lock (PostgreSQL) or the database's write lock
(SQLite) and concurrent writers of the same row queue up behind it. The row and its child lists are
then read fresh and replaced as a whole, so the stored state is always exactly one request's body
(last writer wins, whole). With `If-Match` the update is guarded on the revision the client read:
a stale one is refused with 409 and nothing changes. Because child-only changes (competences, CTO
missions) move the revision too, the stale sweep and the scoring pool cache see every change.
"""

from __future__ import annotations

import re
from typing import TypeVar

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from models import Company, FreelancerProfile, Mission
from service.errors import Conflict, FieldError, InvalidInput, NotFound
from service.i18n import N_, _
from service.validation_texts import Code

R = TypeVar("R", FreelancerProfile, Mission, Company)

#: What `lock_for_write(what=...)` names, marked so that problems name it in the reader's language.
ROW_NAMES = (N_("freelancer profile"), N_("mission"), N_("company"))

#: An entity tag as sent back by clients: "3", W/"3" or a bare 3 (ASCII digits only).
_ETAG = re.compile(r'^\s*(?:W/)?"?([0-9]{1,18})"?\s*$')


def etag(revision: int) -> str:
    return f'"{revision}"'


def parse_if_match(value: str | None) -> int | None:
    """The revision named by an `If-Match` header; None when the header is absent."""
    if value is None:
        return None
    found = _ETAG.match(value)
    if not found:
        reason = _('expected an ETag such as "3", not %(value)s', value=repr(value))
        raise InvalidInput([FieldError("header.If-Match", reason, Code.FORMAT)])
    return int(found.group(1))


async def lock_for_write(
    session: AsyncSession, model: type[R], row_id: int, *, expected: int | None, what: str
) -> R:
    """Move the row's revision (taking its write lock), then return the row read fresh.

    `expected` is the revision from If-Match (None: last writer wins). Raises NotFound for a missing
    row and Conflict, naming the current revision, when `expected` is not the current one. The row and
    its child lists are re-read even if this session held them. The caller commits (or rolls back:
    the revision then does not move).
    """
    statement = update(model).where(model.id == row_id)
    if expected is not None:
        statement = statement.where(model.revision == expected)
    new_revision = await session.scalar(
        statement.values(revision=model.revision + 1).returning(model.revision)
    )
    if new_revision is not None:
        row = await session.get(model, row_id, populate_existing=True)
        assert row is not None  # locked by this transaction: it cannot have gone
        return row
    current = await session.scalar(select(model.revision).where(model.id == row_id))
    what = _(what)
    if current is None:
        raise NotFound(_("no %(what)s %(id)s", what=what, id=row_id))
    raise Conflict(
        _(
            "%(what)s %(id)s is at revision %(current)s, not %(expected)s (If-Match): read it again, "
            "then retry",
            what=what,
            id=row_id,
            current=current,
            expected=expected,
        ),
        extra={"current_revision": int(current)},
    )

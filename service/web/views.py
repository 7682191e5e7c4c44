"""Presentation helpers of the console: rendering with the common context, labels, query parsing.

Nothing here decides anything about matches; it only turns service results into what a page shows.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any, cast, get_args
from urllib.parse import parse_qsl, urlencode

from litestar import Request
from litestar.response import Template

from matching import FACTOR_NAMES
from models.enums import MatchStatus
from service.errors import FieldError, InvalidInput
from service.i18n import _
from service.matches.services import QueueFilters, QueueSort
from service.web.labels import TJM_POSITIONS, factor_labels, page_labels
from service.web.session import take_flash

assert set(factor_labels()) == set(FACTOR_NAMES), "a factor of the engine has no console label"

PAGE_SIZES = (10, 20, 50, 100)
QUEUE_SORTS = frozenset(get_args(QueueSort))
#: How many decided rows a queue page keeps in view: a whole bulk decision of the largest page.
KEPT_MAX = 200


def with_kept(next_path: str, *match_ids: int) -> str:
    """The queue page `next_path` with `match_ids` kept in view (its other parameters unchanged)."""
    path, _, query = next_path.partition("?")
    if path != "/console/queue" or not match_ids:
        return next_path
    params = dict(parse_qsl(query, keep_blank_values=True))
    new = [str(i) for i in match_ids]
    kept = [i for i in params.get("kept", "").split(",") if i.isdigit() and i not in new]
    params["kept"] = ",".join([*kept, *new][-KEPT_MAX:])
    return f"{path}?{urlencode(params)}"


DEFAULT_PAGE_SIZE = 20


def render(
    request: Request[Any, Any, Any],
    template: str,
    context: Mapping[str, Any],
    *,
    signed_in_as: str | None,
    status_code: int = 200,
) -> Template:
    """A page with what the layout needs: who is signed in, the pending flash message, the path, and
    the labels of the product's codes in the reader's language."""
    return Template(
        template_name=template,
        context={
            **context,
            "signed_in_as": signed_in_as,
            "flash": take_flash(request),
            "current_path": request.url.path,
            "current_url": here(request),
            "factor_names": FACTOR_NAMES,
            **page_labels(),
        },
        status_code=status_code,
    )


def here(request: Request[Any, Any, Any]) -> str:
    """This page's path and query, for the `next` field of its forms."""
    return request.url.path + (f"?{request.url.query}" if request.url.query else "")


def _blank(value: str | None) -> bool:
    return value is None or value.strip() == ""


def _int(params: Mapping[str, str], name: str, *, low: int, high: int | None = None) -> int | None:
    raw = params.get(name)
    if _blank(raw):
        return None
    assert raw is not None
    try:
        value = int(raw)
    except ValueError:
        value = low - 1
    if value < low or (high is not None and value > high):
        if high is not None:
            reason = _(
                "must be a whole number from %(low)s to %(high)s, not “%(raw)s”", low=low, high=high, raw=raw
            )
        else:
            reason = _("must be a whole number of at least %(low)s, not “%(raw)s”", low=low, raw=raw)
        raise InvalidInput([FieldError(f"query.{name}", reason)])
    return value


@dataclass(frozen=True)
class QueueQuery:
    """The queue page's filters and page, parsed from its GET form (blank fields mean "any")."""

    status: MatchStatus = MatchStatus.PENDING
    flagged: bool = False
    mission_id: int | None = None
    min_score: float = 0.0
    band: str | None = None
    tjm_position: str | None = None
    sort: QueueSort = "score"
    grouped: bool = False
    """One heading per mission over its rows (ordered by mission, then score)."""
    kept: tuple[int, ...] = ()
    """Rows decided from this page: they stay in view, with their new status, until the operator
    moves on (another filter or page)."""
    offset: int = 0
    limit: int = DEFAULT_PAGE_SIZE

    @classmethod
    def parse(cls, params: Mapping[str, str]) -> QueueQuery:
        errors: list[FieldError] = []
        status = MatchStatus.PENDING
        raw_status = params.get("status")
        if not _blank(raw_status):
            try:
                status = MatchStatus(str(raw_status))
            except ValueError:
                errors.append(FieldError("query.status", _("unknown status “%(value)s”", value=raw_status)))
        min_score = 0.0
        raw_score = params.get("min_score")
        if not _blank(raw_score):
            try:
                min_score = float(str(raw_score))
            except ValueError:
                min_score = -1.0
            if not 0 <= min_score <= 100:
                reason = _("must be a number from 0 to 100, not “%(raw)s”", raw=raw_score)
                errors.append(FieldError("query.min_score", reason))
        position = params.get("tjm_position")
        if not _blank(position) and position not in TJM_POSITIONS:
            errors.append(FieldError("query.tjm_position", _("must be below, within or above")))
        sort = params.get("sort") or "score"
        if sort not in QUEUE_SORTS:
            errors.append(FieldError("query.sort", _("must be score, date or mission")))
        if errors:
            raise InvalidInput(errors)
        grouped = params.get("group") in {"1", "on", "true"}
        kept = tuple(int(i) for i in (params.get("kept") or "").split(",") if i.isdigit())[-KEPT_MAX:]
        limit = _int(params, "limit", low=1, high=200) or DEFAULT_PAGE_SIZE
        return cls(
            status=status,
            flagged=params.get("flagged") in {"1", "on", "true"},
            mission_id=_int(params, "mission_id", low=1),
            min_score=min_score,
            band=None if _blank(params.get("band")) else params.get("band"),
            tjm_position=None if _blank(position) else position,
            sort="mission" if grouped else cast(QueueSort, sort),
            grouped=grouped,
            kept=kept,
            offset=_int(params, "offset", low=0) or 0,
            limit=limit,
        )

    def filters(self) -> QueueFilters:
        return QueueFilters(
            statuses=(self.status,),
            flagged_only=self.flagged,
            mission_id=self.mission_id,
            min_score=self.min_score,
            band=self.band,
            tjm_position=self.tjm_position,
            sort=self.sort,
            keep_ids=self.kept,
        )

    def query_string(self, **changes: Any) -> str:
        """This query with `changes`, leaving out defaults so links stay short."""
        query = replace(self, **changes)
        pairs: dict[str, Any] = {
            "status": query.status if query.status is not MatchStatus.PENDING else None,
            "flagged": "1" if query.flagged else None,
            "mission_id": query.mission_id,
            "min_score": f"{query.min_score:g}" if query.min_score else None,
            "band": query.band,
            "tjm_position": query.tjm_position,
            "sort": query.sort if query.sort != "score" and not query.grouped else None,
            "group": "1" if query.grouped else None,
            "kept": ",".join(map(str, query.kept)) or None,
            "limit": query.limit if query.limit != DEFAULT_PAGE_SIZE else None,
            "offset": query.offset or None,
        }
        return urlencode({k: v for k, v in pairs.items() if v is not None})


@dataclass(frozen=True)
class Pager:
    """Previous/next links and the "21–40 of 57" line of a paged list."""

    offset: int
    limit: int
    total: int

    @property
    def first(self) -> int:
        return self.offset + 1 if self.total else 0

    @property
    def last(self) -> int:
        return min(self.offset + self.limit, self.total)

    @property
    def previous_offset(self) -> int | None:
        return max(self.offset - self.limit, 0) if self.offset > 0 else None

    @property
    def next_offset(self) -> int | None:
        return self.offset + self.limit if self.offset + self.limit < self.total else None

    @property
    def page(self) -> int:
        return self.offset // self.limit + 1

    @property
    def pages(self) -> int:
        return max((self.total + self.limit - 1) // self.limit, 1)


def last_page_offset(total: int, limit: int) -> int:
    return max((total - 1) // limit, 0) * limit

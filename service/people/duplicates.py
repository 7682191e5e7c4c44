"""Possible duplicates among freelancer profiles: one person registered twice.

Two active, not merged profiles are flagged when they share a phone number or a LinkedIn URL (each
compared in a normal form), or when both their names and their headlines are near-identical. A pair an
operator marked as two different people (`ProfileEventKind.NOT_DUPLICATE`) is no longer flagged.

The rules are pure functions of `PersonFacts`; the name rule is vectorised (character n-gram TF-IDF,
cosine similarity of the asked rows against the whole pool as one sparse product). The pool is
indexed once (`index_people`) and kept per process while its stamp (one narrow query) is unchanged,
so a queue page of any size costs one query and a sparse product, not a pass over every profile.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any
from urllib.parse import urlsplit

import numpy as np
from scipy.sparse import csr_matrix
from sklearn.feature_extraction.text import TfidfVectorizer
from sqlalchemy import Integer, String, func, literal, select, union_all
from sqlalchemy.ext.asyncio import AsyncSession

from models import FreelancerProfile, ProfileEvent, ProfileEventKind
from service.auth.actor import Actor
from service.errors import Forbidden
from service.freelancers.services import get_profile
from service.i18n import _
from service.people.schemas import DuplicateList, DuplicateOut

#: Names this similar (cosine of character 2–3-gram TF-IDF, after `normalise_text`) may be one person:
#: "Claire Martin" and "claire  martín" are 1.0, one letter changed in a long name stays above 0.9,
#: and two people sharing a first name or a family name stay well below it.
NAME_SIMILARITY = 0.9
#: Headlines this similar, together with the names: a headline is short and often shared by people
#: of one trade, so it only counts next to a near-identical name.
HEADLINE_SIMILARITY = 0.8
#: A phone number keeps at least this many digits to be compared (shorter is a typo, not a number).
MIN_PHONE_DIGITS = 8
#: "33" and the nine digits of a French number without its leading 0.
FRENCH_E164_DIGITS = 11
#: The character n-grams the names and headlines are compared on (words padded, as `char_wb` does).
NGRAM_RANGE = (2, 3)


class DuplicateRule(StrEnum):
    """Why two profiles may be one person."""

    PHONE = "phone"
    LINKEDIN = "linkedin"
    NAME_HEADLINE = "name_headline"


@dataclass(frozen=True)
class PersonFacts:
    """What the rules compare of a profile."""

    id: int
    full_name: str
    headline: str
    phone: str | None = None
    linkedin_url: str | None = None


@dataclass(frozen=True)
class PossibleDuplicate:
    """Another profile that may be the same person, and every rule that says so."""

    other_id: int
    rules: tuple[DuplicateRule, ...]


#: A pair of profile ids in either order.
Pair = frozenset[int]


def normalise_phone(raw: str | None) -> str | None:
    """Digits only, the French international forms written as the national one: "+33 6 12 34 56 78",
    "0033612345678" and "06.12.34.56.78" are all "0612345678". None when too short to be a number."""
    if not raw:
        return None
    digits = re.sub(r"\D", "", raw)
    if digits.startswith("0033"):
        digits = "0" + digits[4:]
    elif digits.startswith("33") and (raw.lstrip().startswith("+") or len(digits) == FRENCH_E164_DIGITS):
        digits = "0" + digits[2:]  # "+33 6…", or "33 6…" without its "+"
    return digits if len(digits) >= MIN_PHONE_DIGITS else None


def normalise_linkedin(raw: str | None) -> str | None:
    """The host and path of a LinkedIn URL, lower-cased: the scheme, "www." (or a country prefix such
    as "fr."), the query string, the fragment and a trailing slash do not count."""
    if not raw or not raw.strip():
        return None
    text = raw.strip().lower()
    if "://" not in text:
        text = "https://" + text
    parts = urlsplit(text)
    host = parts.hostname or ""
    if host.endswith(".linkedin.com"):
        host = "linkedin.com"
    path = re.sub(r"/+", "/", parts.path).rstrip("/")
    return f"{host}{path}" if host and path else None


def normalise_text(value: str) -> str:
    """Accents dropped, case folded, punctuation and runs of spaces made one space."""
    decomposed = unicodedata.normalize("NFKD", value)
    bare = "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()
    return " ".join(re.sub(r"[^\w]+", " ", bare).split())


def _vectorised(texts: Sequence[str]) -> csr_matrix:
    """Character n-gram TF-IDF rows, L2-normalised: the product of two rows is their cosine."""
    if not any(texts):
        return csr_matrix((len(texts), 0))
    vectoriser = TfidfVectorizer(analyzer="char_wb", ngram_range=NGRAM_RANGE, lowercase=False)
    return csr_matrix(vectoriser.fit_transform(texts))


@dataclass(frozen=True)
class PoolIndex:
    """The compared forms of a pool of profiles, made once and asked for any subjects: who shares a
    phone or a LinkedIn URL (by normal form), and the names and headlines as TF-IDF rows."""

    people: tuple[PersonFacts, ...]
    row_of: dict[int, int]
    keys: dict[DuplicateRule, list[str | None]]
    holders: dict[DuplicateRule, dict[str, list[int]]]
    names: csr_matrix
    headlines: csr_matrix


def index_people(people: Sequence[PersonFacts]) -> PoolIndex:
    """One pass over the pool: the normal forms of each contact, and the vectorised names and headlines."""
    keys: dict[DuplicateRule, list[str | None]] = {
        DuplicateRule.PHONE: [normalise_phone(p.phone) for p in people],
        DuplicateRule.LINKEDIN: [normalise_linkedin(p.linkedin_url) for p in people],
    }
    holders: dict[DuplicateRule, dict[str, list[int]]] = {}
    for rule, values in keys.items():
        holders[rule] = {}
        for row, key in enumerate(values):
            if key is not None:
                holders[rule].setdefault(key, []).append(row)
    return PoolIndex(
        people=tuple(people),
        row_of={p.id: row for row, p in enumerate(people)},
        keys=keys,
        holders=holders,
        names=_vectorised([normalise_text(p.full_name) for p in people]),
        headlines=_vectorised([normalise_text(p.headline) for p in people]),
    )


def _name_headline_rows(index: PoolIndex, rows: np.ndarray[Any, np.dtype[np.intp]]) -> list[tuple[int, int]]:
    """(subject row, other row) whose names and headlines are both near-identical: one sparse product
    of the subjects' name rows against the pool, the headlines compared for those pairs only."""
    if rows.size == 0 or index.names.shape[1] == 0:
        return []
    name_sim = csr_matrix(index.names[rows] @ index.names.T)
    name_sim.data[name_sim.data < NAME_SIMILARITY] = 0
    name_sim.eliminate_zeros()
    pairs = []
    for i, j in zip(*name_sim.nonzero(), strict=True):
        subject, other = int(rows[i]), int(j)
        if subject == other:
            continue
        same_headline = index.headlines[subject].multiply(index.headlines[other]).sum()
        if index.headlines.shape[1] == 0 or same_headline >= HEADLINE_SIMILARITY:
            pairs.append((subject, other))
    return pairs


def duplicates_in(
    index: PoolIndex, subjects: Collection[int] | None = None, dismissed: Collection[Pair] = ()
) -> dict[int, list[PossibleDuplicate]]:
    """`find_duplicates` on a pool already indexed (the queue asks the same pool page after page)."""
    people = index.people
    wanted = [
        index.row_of[i] for i in (subjects if subjects is not None else index.row_of) if i in index.row_of
    ]
    found: dict[tuple[int, int], list[DuplicateRule]] = {}
    for rule in (DuplicateRule.PHONE, DuplicateRule.LINKEDIN):
        for row in wanted:
            key = index.keys[rule][row]
            for other in index.holders[rule].get(key, []) if key is not None else []:
                if other != row:
                    found.setdefault((row, other), []).append(rule)
    for pair in _name_headline_rows(index, np.asarray(sorted(wanted), dtype=np.intp)):
        found.setdefault(pair, []).append(DuplicateRule.NAME_HEADLINE)
    skipped = set(dismissed)
    result: dict[int, list[PossibleDuplicate]] = {}
    for (row, other), why in found.items():
        subject, other_id = people[row].id, people[other].id
        if frozenset((subject, other_id)) not in skipped:
            result.setdefault(subject, []).append(PossibleDuplicate(other_id, tuple(why)))
    for hits in result.values():
        hits.sort(key=lambda hit: hit.other_id)
    return result


def find_duplicates(
    people: Sequence[PersonFacts],
    subjects: Collection[int] | None = None,
    dismissed: Collection[Pair] = (),
) -> dict[int, list[PossibleDuplicate]]:
    """For each subject (every person when None), the others that may be the same person and why.

    Only subjects with a possible duplicate are keys; their lists are ordered by the other's id.
    """
    return duplicates_in(index_people(people), subjects, dismissed)


def _pool_statement(extra_ids: Iterable[int] = ()) -> Any:
    """The compared facts of every active, not merged profile (and of `extra_ids`), and the dismissed
    pairs, as one statement: a profile row has no `other_id`, a dismissed pair has no name."""
    profile = FreelancerProfile
    in_pool = profile.active.is_(True) & profile.merged_into_id.is_(None)
    extra = list(extra_ids)
    if extra:
        in_pool = in_pool | (profile.id.in_(extra) & profile.merged_into_id.is_(None))
    return union_all(
        select(
            profile.id,
            profile.full_name,
            profile.headline,
            profile.phone,
            profile.linkedin_url,
            literal(None, Integer).label("other_id"),
        ).where(in_pool),
        select(
            ProfileEvent.profile_id,
            literal(None, String),
            literal(None, String),
            literal(None, String),
            literal(None, String),
            ProfileEvent.other_profile_id,
        ).where(ProfileEvent.kind == ProfileEventKind.NOT_DUPLICATE),
    )


async def load_people(
    session: AsyncSession, extra_ids: Iterable[int] = ()
) -> tuple[list[PersonFacts], set[Pair]]:
    """The pool the rules compare (ordered by id) and the pairs marked as two people: one query."""
    people: list[PersonFacts] = []
    dismissed: set[Pair] = set()
    for row in await session.execute(_pool_statement(extra_ids)):
        if row.other_id is not None:
            dismissed.add(frozenset((row.id, row.other_id)))
        else:
            people.append(PersonFacts(row.id, row.full_name, row.headline, row.phone, row.linkedin_url))
    people.sort(key=lambda p: p.id)
    return people, dismissed


#: Per database: the stamp of the pool when it was indexed, its index and its dismissed pairs. The
#: queue asks every page against the same pool; it is indexed again only once the stamp moves.
_pools: dict[str, tuple[tuple[Any, ...], PoolIndex, frozenset[Pair]]] = {}


def _stamp_statement() -> Any:
    """What moves with any change the rules read: a profile written (its revision and updated_at),
    added, deactivated or merged (the count, the largest id), a pair dismissed (the last event)."""
    profile = FreelancerProfile
    dismissed = (
        select(func.max(ProfileEvent.id))
        .where(ProfileEvent.kind == ProfileEventKind.NOT_DUPLICATE)
        .scalar_subquery()
    )
    return select(
        func.count(profile.id),
        func.max(profile.updated_at),
        func.sum(profile.revision),
        func.max(profile.id),
        dismissed,
    ).where(profile.active.is_(True), profile.merged_into_id.is_(None))


async def indexed_pool(session: AsyncSession) -> tuple[PoolIndex, frozenset[Pair]]:
    """The active, not merged profiles indexed, and the dismissed pairs: one narrow query while the
    pool is unchanged, one more to read it again when it changed."""
    key = str(session.get_bind().engine.url)
    stamp = tuple((await session.execute(_stamp_statement())).one())
    cached = _pools.get(key)
    if cached is not None and cached[0] == stamp:
        return cached[1], cached[2]
    people, dismissed = await load_people(session)
    # Keyed by the stamp read first: a change meanwhile is read again next time.
    _pools[key] = (stamp, index_people(people), frozenset(dismissed))
    return _pools[key][1], _pools[key][2]


async def duplicates_of(session: AsyncSession, profile_id: int) -> list[PossibleDuplicate]:
    """The active, not merged profiles that may be the same person as this one (itself compared even
    when inactive, so a second registration already deactivated can still be merged)."""
    index, dismissed = await indexed_pool(session)
    if profile_id not in index.row_of:
        people, found = await load_people(session, extra_ids=[profile_id])
        index, dismissed = index_people(people), frozenset(found)
    return duplicates_in(index, {profile_id}, dismissed).get(profile_id, [])


async def ids_with_duplicates(session: AsyncSession, profile_ids: Collection[int]) -> set[int]:
    """Which of these profiles have a possible duplicate (the queue's flag), whatever their number:
    one query while the pool is unchanged."""
    if not profile_ids:
        return set()
    index, dismissed = await indexed_pool(session)
    return set(duplicates_in(index, set(profile_ids), dismissed))


async def list_duplicates(session: AsyncSession, actor: Actor, profile_id: int) -> DuplicateList:
    """GET /freelancers/{id}/duplicates: operators only, 404 for an unknown profile."""
    if not actor.is_operator:
        raise Forbidden(_("only an operator may read a profile's possible duplicates"))
    await get_profile(session, profile_id)
    hits = await duplicates_of(session, profile_id)
    profiles = {}
    if hits:
        query = select(FreelancerProfile).where(FreelancerProfile.id.in_([h.other_id for h in hits]))
        profiles = {p.id: p for p in await session.scalars(query)}
    return DuplicateList(
        profile_id=profile_id,
        items=[
            DuplicateOut(
                profile_id=hit.other_id,
                full_name=profiles[hit.other_id].full_name,
                headline=profiles[hit.other_id].headline,
                rules=[str(rule) for rule in hit.rules],
            )
            for hit in hits
            if hit.other_id in profiles
        ],
    )

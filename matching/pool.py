"""Encode profiles and missions into the dense arrays the vectorised engine works on.

Encoding is done once (when the pool is loaded or a profile changes); scoring then never touches Python
objects. Profile ids travel with the arrays so results map back to rows. Codes are stateless (cities are
hashed, texts go through a HashingVectorizer), so a profile encodes the same whoever else is in the pool
and a mission can be encoded without seeing the pool. That is also what lets a pool be kept up to date
by splicing (`replace_profiles`, `concat_pools`): only the profiles that changed are encoded, and the
result equals, array for array, the pool encoded from scratch.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, fields
from functools import lru_cache
from typing import Any, TypeVar, cast

import numpy as np
import numpy.typing as npt
from scipy import sparse

from matching.factors import NICE_WEIGHT, REQUIRED_WEIGHT, ProfileTerms, level_credit, profile_terms
from matching.inputs import (
    ORIENTATIONS,
    REMOTE_POLICIES,
    REMOTE_PREFERENCES,
    MissionInput,
    ProfileInput,
    RateGrid,
    Vocabulary,
    normalise_tag,
)
from matching.text import mission_text, profile_text, vectorise_texts

F32 = npt.NDArray[np.float32]
I64 = npt.NDArray[np.int64]
Bool = npt.NDArray[np.bool_]
A = TypeVar("A", bound=npt.NDArray[Any])
S = TypeVar("S", bound=np.generic)

PLACE_FEATURES = 2**20
"""Hash space of place names (cities and regions): collisions between real places are rare."""


@lru_cache(maxsize=65_536)
def place_feature(name: str) -> int | None:
    """Stable hashed column of a normalised place name (None when empty)."""
    key = normalise_tag(name)
    if not key:
        return None
    digest = hashlib.blake2b(key.encode("utf-8"), digest_size=8).digest()
    return int.from_bytes(digest, "big") % PLACE_FEATURES


def places_matrix(rows: Iterable[Iterable[str]]) -> sparse.csr_array:
    """One row per profile or mission: 1 at the hashed column of each of its places (sorted columns)."""
    indptr, indices = [0], []
    for names in rows:
        features = sorted({f for f in map(place_feature, names) if f is not None})
        indices.extend(features)
        indptr.append(len(indices))
    n = len(indptr) - 1
    return sparse.csr_array(
        (
            np.ones(len(indices), dtype=np.float32),
            np.asarray(indices, np.int32),
            np.asarray(indptr, np.int64),
        ),
        shape=(n, PLACE_FEATURES),
    )


@dataclass(frozen=True, slots=True)
class ProfilePool:
    """n profiles as arrays (row i = profile `ids[i]`)."""

    ids: I64
    competence_credit: F32
    """(n, C): level credit 0–1 (0 = competence absent)."""
    cto_missions_done: F32
    """(n, M): 1 if the profile has carried out that CTO mission."""
    years: F32
    band_index: I64
    tjm: F32
    available_from: F32
    """Day ordinal (date.toordinal(); exact in float32)."""
    days_per_week: I64
    remote_preference: I64
    """Index in REMOTE_PREFERENCES."""
    orientation: I64
    """Index in ORIENTATIONS."""
    mobility_anywhere: Bool
    """Can work on site anywhere in France."""
    sector_tags: Bool
    """(n, T): multi-hot over vocab.tag_ids."""
    role_contexts: Bool
    """(n, K): multi-hot over vocab.context_ids (contexts of past CTO roles)."""
    active: Bool
    text: sparse.csr_array
    """(n, 2^20): L2-normalised hashed headline + summary + stack."""
    text_by_feature: sparse.csc_array
    """The same matrix in CSC form: per-feature posting lists, so a mission only touches its features."""
    places: sparse.csr_array
    """(n, PLACE_FEATURES): the profile's city and the cities or regions of its mobility, hashed."""
    places_by_feature: sparse.csc_array
    terms: ProfileTerms
    vocab: Vocabulary
    grid: RateGrid

    def __len__(self) -> int:
        return int(self.ids.shape[0])

    def select(self, index: slice | I64) -> ProfilePool:
        """A sub-pool (a chunk, or a permutation when given an index array)."""
        text = self.text[index]
        places = self.places[index]
        return ProfilePool(
            ids=self.ids[index],
            competence_credit=self.competence_credit[index],
            cto_missions_done=self.cto_missions_done[index],
            years=self.years[index],
            band_index=self.band_index[index],
            tjm=self.tjm[index],
            available_from=self.available_from[index],
            days_per_week=self.days_per_week[index],
            remote_preference=self.remote_preference[index],
            orientation=self.orientation[index],
            mobility_anywhere=self.mobility_anywhere[index],
            sector_tags=self.sector_tags[index],
            role_contexts=self.role_contexts[index],
            active=self.active[index],
            text=text,
            text_by_feature=_csc(text),
            places=places,
            places_by_feature=_csc(places),
            terms=self.terms.select(index),
            vocab=self.vocab,
            grid=self.grid,
        )


@dataclass(frozen=True, slots=True)
class MissionBatch:
    """m missions as arrays (row j = mission `ids[j]`)."""

    ids: I64
    competence_weights: F32
    """(m, C): 4 for a required competence, 1 for a nice-to-have, 0 otherwise."""
    competence_weight_sum: F32
    cto_requested: F32
    """(m, M) binary."""
    cto_count: F32
    band_index: I64
    tjm_min: F32
    tjm_max: F32
    start: F32
    """Day ordinal of start_date."""
    end: F32
    """Day ordinal of end_date, +inf when open ended."""
    days_per_week: I64
    remote_policy: I64
    """Index in REMOTE_POLICIES."""
    orientation: I64
    places: sparse.csr_array
    """(m, PLACE_FEATURES): the mission's city and its region, hashed (no row entry without a city)."""
    has_city: Bool
    context: I64
    """Index in vocab.context_ids; len(context_ids) when unknown."""
    sector_tag: I64
    """Index in vocab.tag_ids; len(tag_ids) when unknown."""
    context_tag: I64
    is_open: Bool
    text: sparse.csr_array
    vocab: Vocabulary
    grid: RateGrid

    def __len__(self) -> int:
        return int(self.ids.shape[0])

    def select(self, index: slice | I64) -> MissionBatch:
        return MissionBatch(
            ids=self.ids[index],
            competence_weights=self.competence_weights[index],
            competence_weight_sum=self.competence_weight_sum[index],
            cto_requested=self.cto_requested[index],
            cto_count=self.cto_count[index],
            band_index=self.band_index[index],
            tjm_min=self.tjm_min[index],
            tjm_max=self.tjm_max[index],
            start=self.start[index],
            end=self.end[index],
            days_per_week=self.days_per_week[index],
            remote_policy=self.remote_policy[index],
            orientation=self.orientation[index],
            places=self.places[index],
            has_city=self.has_city[index],
            context=self.context[index],
            sector_tag=self.sector_tag[index],
            context_tag=self.context_tag[index],
            is_open=self.is_open[index],
            text=self.text[index],
            vocab=self.vocab,
            grid=self.grid,
        )


def _csr(matrix: sparse.csr_array | sparse.csr_matrix) -> sparse.csr_array:
    return sparse.csr_array(matrix, dtype=np.float32)


def _csc(matrix: sparse.csr_array) -> sparse.csc_array:
    csc = sparse.csc_array(matrix, dtype=np.float32)
    csc.sort_indices()
    return csc


def encode_profiles(profiles: Sequence[ProfileInput], vocab: Vocabulary, grid: RateGrid) -> ProfilePool:
    """Turn profiles into a ProfilePool (ids must be unique).

    Competences, CTO missions, sectors and past-role contexts outside the vocabulary are ignored.
    """
    n = len(profiles)
    ids = np.fromiter((p.id for p in profiles), dtype=np.int64, count=n)
    if np.unique(ids).shape[0] != n:
        raise ValueError("profile ids must be unique within a pool")
    credit = np.zeros((n, len(vocab.competence_ids)), dtype=np.float32)
    done = np.zeros((n, len(vocab.cto_mission_ids)), dtype=np.float32)
    tags = np.zeros((n, len(vocab.tag_ids)), dtype=np.bool_)
    roles = np.zeros((n, len(vocab.context_ids)), dtype=np.bool_)
    for i, p in enumerate(profiles):
        for comp_id, level in p.competences.items():
            c = vocab.competence_index.get(comp_id)
            if c is not None:
                credit[i, c] = level_credit(level)
        for mission_id in p.cto_missions:
            c = vocab.cto_mission_index.get(mission_id)
            if c is not None:
                done[i, c] = 1.0
        for tag in p.sectors:
            c = vocab.tag_index.get(normalise_tag(tag))
            if c is not None:
                tags[i, c] = True
        for context in p.past_role_contexts:
            c = vocab.context_index.get(context)
            if c is not None:
                roles[i, c] = True

    years = np.fromiter((p.years_experience for p in profiles), dtype=np.float64, count=n)
    band_index = np.fromiter((grid.index_for_years(y) for y in years), dtype=np.int64, count=n)
    tjm = np.fromiter((p.tjm for p in profiles), dtype=np.float64, count=n)
    days = np.fromiter((p.days_per_week for p in profiles), dtype=np.int64, count=n)
    remote = np.fromiter((REMOTE_PREFERENCES.index(p.remote_preference) for p in profiles), np.int64, n)
    orientation = np.fromiter((ORIENTATIONS.index(p.orientation) for p in profiles), np.int64, n)
    terms = profile_terms(
        band_index=band_index,
        tjm=tjm,
        remote_preference=remote,
        orientation=orientation,
        days_per_week=days,
        role_contexts=roles,
        sector_tags=tags,
        grid=grid,
        context_ids=vocab.context_ids,
    )
    text = _csr(vectorise_texts((profile_text(p) for p in profiles), vocab.lexicon))
    places = places_matrix((p.location, *p.mobility) for p in profiles)
    return ProfilePool(
        ids=ids,
        competence_credit=credit,
        cto_missions_done=done,
        years=years.astype(np.float32),
        band_index=band_index,
        tjm=tjm.astype(np.float32),
        available_from=np.fromiter((p.available_from.toordinal() for p in profiles), np.float32, n),
        days_per_week=days,
        remote_preference=remote,
        orientation=orientation,
        mobility_anywhere=np.fromiter((p.mobility_anywhere for p in profiles), dtype=np.bool_, count=n),
        sector_tags=tags,
        role_contexts=roles,
        active=np.fromiter((p.active for p in profiles), dtype=np.bool_, count=n),
        text=text,
        text_by_feature=_csc(text),
        places=places,
        places_by_feature=_csc(places),
        terms=terms,
        vocab=vocab,
        grid=grid,
    )


def concat_pools(pools: Sequence[ProfilePool]) -> ProfilePool:
    """The rows of `pools`, one pool after the other (ids must stay unique; same vocabulary and grid)."""
    if not pools:
        raise ValueError("concat_pools needs at least one pool (it takes the vocabulary and grid from it)")
    stacked = _gather(pools, None)
    if np.unique(stacked.ids).shape[0] != len(stacked):
        raise ValueError("profile ids must be unique within a pool")
    return stacked


def splice_index(ids: I64, changed_ids: I64, drop_ids: I64) -> I64:
    """Rows of (`ids` followed by `changed_ids`) that make the spliced pool, in id order.

    A row of `ids` is kept unless its id is dropped or comes again in `changed_ids` (the new row
    replaces it); every changed row is taken. Shared by `replace_profiles` and callers that keep
    a list aligned with the pool (index into `old_list + changed_list`).
    """
    if np.unique(changed_ids).shape[0] != changed_ids.shape[0]:
        raise ValueError("changed profile ids must be unique")
    if np.intersect1d(changed_ids, drop_ids).shape[0]:
        raise ValueError("a profile cannot be both changed and dropped")
    kept = np.flatnonzero(~np.isin(ids, np.concatenate((changed_ids, drop_ids))))
    rows = np.concatenate((kept, ids.shape[0] + np.arange(changed_ids.shape[0], dtype=np.int64)))
    order = np.argsort(np.concatenate((ids[kept], changed_ids)), kind="stable")
    return rows[order].astype(np.int64, copy=False)


def replace_profiles(pool: ProfilePool, changed: ProfilePool, drop_ids: Iterable[int] = ()) -> ProfilePool:
    """`pool` with the rows of `changed` put in (replacing rows with the same id, or added) and the
    rows of `drop_ids` taken out (ids not in the pool are ignored); ordered by id.

    Nothing is re-encoded: rows are gathered, so the result equals `encode_profiles` of the final
    profiles (sorted by id) array for array. The text matrices are spliced rather than rebuilt (CSR:
    runs of rows copied; CSC: the posting lists edited in place of a whole conversion), which is what
    makes a refresh after a few edits cheap at 100,000 profiles.
    """
    drop = np.fromiter(drop_ids, dtype=np.int64)
    index = splice_index(pool.ids, changed.ids, drop)
    gathered = _gather_rows((pool, changed), index)
    n_old = len(pool)
    # Where each row of (pool, changed) lands; -1: left out.
    position = np.full(n_old + len(changed), -1, dtype=np.int64)
    position[index] = np.arange(index.shape[0], dtype=np.int64)
    kept = position[:n_old][position[:n_old] >= 0]
    in_order = bool(np.all(kept[1:] > kept[:-1]))  # kept rows keep their order: splice the posting lists
    for name in _SPARSE_ROWS:
        old_rows, new_rows = getattr(pool, name), getattr(changed, name)
        rows = _splice_csr(old_rows, new_rows, index)
        by_feature = (
            _splice_csc(
                getattr(pool, f"{name}_by_feature"),
                old_rows,
                getattr(changed, f"{name}_by_feature"),
                position,
            )
            if in_order
            else _csc(rows)
        )
        gathered[name], gathered[f"{name}_by_feature"] = rows, by_feature
    return ProfilePool(**gathered)


def _splice_csr(old: sparse.csr_array, new: sparse.csr_array, index: I64) -> sparse.csr_array:
    """Rows `index` of (old stacked on new), copied as runs of consecutive rows (one copy, no stacking)."""
    n_old = old.shape[0]
    lengths = np.concatenate((np.diff(old.indptr), np.diff(new.indptr)))[index]
    indptr = np.zeros(index.shape[0] + 1, dtype=old.indptr.dtype)
    np.cumsum(lengths, out=indptr[1:])
    cuts = np.flatnonzero((np.diff(index) != 1) | (index[1:] == n_old)) + 1
    data, indices = [old.data[:0]], [old.indices[:0]]
    for start, end in zip(
        np.concatenate(([0], cuts)).tolist(), np.concatenate((cuts, [index.shape[0]])).tolist(), strict=True
    ):
        if start == end:
            continue
        first, last = int(index[start]), int(index[end - 1]) + 1
        source, offset = (old, 0) if first < n_old else (new, n_old)
        lo, hi = source.indptr[first - offset], source.indptr[last - offset]
        data.append(source.data[lo:hi])
        indices.append(source.indices[lo:hi].astype(old.indices.dtype, copy=False))
    return sparse.csr_array(
        (np.concatenate(data), np.concatenate(indices), indptr), shape=(index.shape[0], old.shape[1])
    )


def _splice_csc(
    old: sparse.csc_array, old_rows: sparse.csr_array, new: sparse.csc_array, position: I64
) -> sparse.csc_array:
    """The CSC copy of the spliced matrix, edited from the old one rather than converted anew: the
    entries of the rows left out are deleted, the new rows' entries inserted at their place in each
    posting list, row numbers moved when rows before them came or went.

    `position[r]` is the output row of row r of (old stacked on new), -1 when left out; kept old rows
    must keep their order, so "the entries of kept rows landing before row q" are those of old rows
    below a threshold and every place is found by binary search in the old lists.
    """
    n_old, n_features = old.shape
    n_out = int(np.count_nonzero(position >= 0))
    rows_dtype = old.indices.dtype
    old_position = position[:n_old]
    # Entries of the old rows left out, found through the CSR copy (few rows, few entries).
    removed = np.flatnonzero(old_position < 0)
    gone = old_rows[removed]
    gone_features = gone.indices.astype(np.int64)
    delete_at = np.sort(
        _column_search(old.indptr, old.indices, gone_features, np.repeat(removed, np.diff(gone.indptr)))
    )
    # The new rows' entries in (feature, row) order; each goes before the first old entry of its
    # feature whose row is the first kept row landing after it (or any later row).
    new_features = np.searchsorted(new.indptr, np.arange(new.indices.shape[0]), side="right") - 1
    new_rows = position[n_old + new.indices.astype(np.int64)]
    order = np.lexsort((new_rows, new_features))
    new_features, new_rows = new_features[order], new_rows[order]
    kept = np.flatnonzero(old_position >= 0)
    threshold = np.append(kept, n_old)[np.searchsorted(old_position[kept], new_rows)]
    insert_at = _column_search(old.indptr, old.indices, new_features, threshold)
    rows = old.indices
    if not np.array_equal(old_position[kept], kept):  # rows before some kept rows came or went
        rows = np.take(old_position.astype(rows_dtype), rows)  # gathered from a small table, in its dtype
    indptr = old.indptr.astype(np.int64)
    indptr[1:] += np.cumsum(
        np.bincount(new_features, minlength=n_features) - np.bincount(gone_features, minlength=n_features)
    )
    return sparse.csc_array(
        (
            _edited(old.data, delete_at, insert_at, new.data[order]),
            _edited(rows, delete_at, insert_at, new_rows.astype(rows_dtype)),
            indptr.astype(old.indptr.dtype),
        ),
        shape=(n_out, n_features),
    )


LOOP_EDITS = 4_096
"""Up to this many deletions + insertions, `_edited` copies the runs between them one by one (one pass
over the array); beyond, whole-array masks are cheaper than the Python loop."""


def _edited(
    values: npt.NDArray[S], delete_at: I64, insert_at: I64, inserted: npt.NDArray[S]
) -> npt.NDArray[S]:
    """`values` without the positions `delete_at` (sorted, unique) and with `inserted[i]` placed before
    the old position `insert_at[i]` (non-decreasing; ties keep their order)."""
    if delete_at.shape[0] + insert_at.shape[0] > LOOP_EDITS:
        keep = np.ones(values.shape[0], dtype=np.bool_)
        keep[delete_at] = False
        return np.insert(values[keep], insert_at - np.searchsorted(delete_at, insert_at), inserted)
    out = np.empty(values.shape[0] - delete_at.shape[0] + insert_at.shape[0], dtype=values.dtype)
    at = np.concatenate((insert_at, delete_at)).tolist()
    n_insert = insert_at.shape[0]
    # By position; at one position the insertions (in their order) come before the deletion.
    events = np.lexsort((np.arange(len(at)), np.arange(len(at)) >= n_insert, at)).tolist()
    source = target = 0
    for event in events:
        place = at[event]
        if place > source:
            out[target : target + place - source] = values[source:place]
            target += place - source
            source = place
        if event < n_insert:
            out[target] = inserted[event]
            target += 1
        else:
            source += 1
    out[target:] = values[source:]
    return out


def _column_search(indptr: I64, rows: I64, features: I64, targets: I64) -> I64:
    """For each (feature, target row): the first position in that feature's sorted row list whose row is
    >= target (a vectorised binary search over every pair at once)."""
    lo = indptr[features].astype(np.int64)
    hi = indptr[features + 1].astype(np.int64)
    active = np.flatnonzero(lo < hi)
    while active.shape[0]:
        mid = (lo[active] + hi[active]) // 2
        right = rows[mid] < targets[active]
        lo[active[right]] = mid[right] + 1
        hi[active[~right]] = mid[~right]
        active = active[lo[active] < hi[active]]
    return lo


def _gather(parts: Sequence[ProfilePool], index: I64 | None) -> ProfilePool:
    """Rows `index` (all when None) of the pools stacked one after the other."""
    stacked = {}
    for name in _SPARSE_ROWS:
        matrix = sparse.vstack([getattr(p, name) for p in parts], format="csr", dtype=np.float32)
        stacked[name] = sparse.csr_array(matrix if index is None else matrix[index])
    return ProfilePool(
        **_gather_rows(parts, index),
        **stacked,
        **{f"{name}_by_feature": _csc(matrix) for name, matrix in stacked.items()},
    )


def _gather_rows(parts: Sequence[ProfilePool], index: I64 | None) -> dict[str, Any]:
    """Every ProfilePool field but the text matrices, for rows `index` of the stacked pools."""
    first = parts[0]
    for part in parts[1:]:
        if part.vocab != first.vocab or part.grid != first.grid:
            raise ValueError("pools encoded with different vocabularies or grids cannot be combined")

    def rows(arrays: Sequence[A], axis: int = 0) -> A:
        stacked = np.concatenate(arrays, axis=axis)
        return cast(A, stacked if index is None else np.take(stacked, index, axis=axis))

    term_parts = [p.terms for p in parts]
    terms = ProfileTerms(
        **{  # tables are (keys, n): the profile axis is the last one
            f.name: rows([getattr(t, f.name) for t in term_parts], axis=getattr(first.terms, f.name).ndim - 1)
            for f in fields(ProfileTerms)
        }
    )
    # Every per-profile array, by field, so a field added to ProfilePool is carried along.
    gathered: dict[str, Any] = {
        f.name: rows([getattr(p, f.name) for p in parts])
        for f in fields(ProfilePool)
        if f.name not in _NOT_ROWS
    }
    return {**gathered, "terms": terms, "vocab": first.vocab, "grid": first.grid}


_SPARSE_ROWS = ("text", "places")
"""Sparse ProfilePool fields, each kept in CSR and, as `<name>_by_feature`, in CSC form."""
_NOT_ROWS = frozenset(
    {*_SPARSE_ROWS, *(f"{name}_by_feature" for name in _SPARSE_ROWS), "terms", "vocab", "grid"}
)
"""ProfilePool fields that are not one plain array row per profile (combined on their own)."""


def encode_missions(missions: Sequence[MissionInput], vocab: Vocabulary, grid: RateGrid) -> MissionBatch:
    """Turn missions into a MissionBatch.

    Unlike profiles, a mission naming a competence or CTO mission outside the vocabulary, or an unknown
    seniority band, is an error: silently dropping what a company asks for would inflate every score.
    """
    m = len(missions)
    weights = np.zeros((m, len(vocab.competence_ids)), dtype=np.float32)
    requested = np.zeros((m, len(vocab.cto_mission_ids)), dtype=np.float32)
    for j, mission in enumerate(missions):
        for comp_id in mission.nice_competences:
            weights[j, _lookup(vocab.competence_index, comp_id, "competence")] = NICE_WEIGHT
        for comp_id in mission.required_competences:  # required wins when listed in both
            weights[j, _lookup(vocab.competence_index, comp_id, "competence")] = REQUIRED_WEIGHT
        for mission_id in mission.cto_missions:
            requested[j, _lookup(vocab.cto_mission_index, mission_id, "CTO mission")] = 1.0
    n_contexts, n_tags = len(vocab.context_ids), len(vocab.tag_ids)
    return MissionBatch(
        ids=np.fromiter((x.id for x in missions), dtype=np.int64, count=m),
        competence_weights=weights,
        competence_weight_sum=weights.sum(axis=1, dtype=np.float32),
        cto_requested=requested,
        cto_count=requested.sum(axis=1, dtype=np.float32),
        band_index=np.fromiter((_band_index(grid, x.seniority) for x in missions), dtype=np.int64, count=m),
        tjm_min=np.fromiter((x.tjm_min for x in missions), dtype=np.float32, count=m),
        tjm_max=np.fromiter((x.tjm_max for x in missions), dtype=np.float32, count=m),
        start=np.fromiter((x.start_date.toordinal() for x in missions), dtype=np.float32, count=m),
        end=np.fromiter(
            (np.inf if x.end_date is None else x.end_date.toordinal() for x in missions), np.float32, m
        ),
        days_per_week=np.fromiter((x.days_per_week for x in missions), dtype=np.int64, count=m),
        remote_policy=np.fromiter((REMOTE_POLICIES.index(x.remote_policy) for x in missions), np.int64, m),
        orientation=np.fromiter((ORIENTATIONS.index(x.orientation) for x in missions), np.int64, m),
        places=places_matrix((x.location, x.region) if x.location else () for x in missions),
        has_city=np.fromiter((bool(normalise_tag(x.location)) for x in missions), dtype=np.bool_, count=m),
        context=np.fromiter((vocab.context_index.get(x.context, n_contexts) for x in missions), np.int64, m),
        sector_tag=np.fromiter(
            (vocab.tag_index.get(normalise_tag(x.sector), n_tags) if x.sector else n_tags for x in missions),
            np.int64,
            m,
        ),
        context_tag=np.fromiter(
            (
                vocab.tag_index.get(normalise_tag(x.context), n_tags) if x.context else n_tags
                for x in missions
            ),
            np.int64,
            m,
        ),
        is_open=np.fromiter((x.is_open for x in missions), dtype=np.bool_, count=m),
        text=_csr(vectorise_texts((mission_text(x) for x in missions), vocab.lexicon)),
        vocab=vocab,
        grid=grid,
    )


def _band_index(grid: RateGrid, band_id: str) -> int:
    try:
        return grid.index(band_id)
    except KeyError:
        raise ValueError(f"unknown seniority band {band_id!r}; known: {grid.band_ids}") from None


def _lookup(index: Mapping[str, int], key: str, what: str) -> int:
    value = index.get(key)
    if value is None:
        raise ValueError(f"unknown {what} id {key!r}")
    return int(value)

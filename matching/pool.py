"""Encode profiles and missions into the dense arrays the vectorised engine works on.

Encoding is done once (when the pool is loaded or a profile changes); scoring then never touches Python
objects. Profile ids travel with the arrays so results map back to rows. Codes are stateless (cities are
hashed, texts go through a HashingVectorizer), so a profile encodes the same whoever else is in the pool
and a mission can be encoded without seeing the pool.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

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

NO_PROFILE_CITY = 0
NO_MISSION_CITY = -1
"""Distinct sentinels so two empty locations never count as the same city."""


def city_code(location: str) -> int:
    """Stable 63-bit hash of the normalised city name (0 when empty)."""
    key = normalise_tag(location)
    if not key:
        return NO_PROFILE_CITY
    digest = hashlib.blake2b(key.encode("utf-8"), digest_size=8).digest()
    return int.from_bytes(digest, "big") & 0x7FFF_FFFF_FFFF_FFFF or 1


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
    city: I64
    sector_tags: Bool
    """(n, T): multi-hot over vocab.tag_ids."""
    role_contexts: Bool
    """(n, K): multi-hot over vocab.context_ids (contexts of past CTO roles)."""
    active: Bool
    text: sparse.csr_array
    """(n, 2^20): L2-normalised hashed headline + summary + stack."""
    text_by_feature: sparse.csc_array
    """The same matrix in CSC form: per-feature posting lists, so a mission only touches its features."""
    terms: ProfileTerms
    vocab: Vocabulary
    grid: RateGrid

    def __len__(self) -> int:
        return int(self.ids.shape[0])

    def select(self, index: slice | I64) -> ProfilePool:
        """A sub-pool (a chunk, or a permutation when given an index array)."""
        text = self.text[index]
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
            city=self.city[index],
            sector_tags=self.sector_tags[index],
            role_contexts=self.role_contexts[index],
            active=self.active[index],
            text=text,
            text_by_feature=_csc(text),
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
    city: I64
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
            city=self.city[index],
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
    text = _csr(vectorise_texts(profile_text(p) for p in profiles))
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
        city=np.fromiter((city_code(p.location) for p in profiles), dtype=np.int64, count=n),
        sector_tags=tags,
        role_contexts=roles,
        active=np.fromiter((p.active for p in profiles), dtype=np.bool_, count=n),
        text=text,
        text_by_feature=_csc(text),
        terms=terms,
        vocab=vocab,
        grid=grid,
    )


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
        city=np.fromiter((city_code(x.location) or NO_MISSION_CITY for x in missions), np.int64, m),
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
        text=_csr(vectorise_texts(mission_text(x) for x in missions)),
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

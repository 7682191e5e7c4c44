"""Score missions against a profile pool: one mission in full, or many missions keeping a top-k.

The hot path is whole-array numpy work on blocks of missions × profiles; there is no Python loop over
profiles or pairs. `top_matches` walks the pool in profile chunks and the missions in mission chunks, so
the working set is bounded by the chunk sizes, not by the pool size, and keeps a running top-k per
mission (the only thing whose size grows is the result: missions × k).

Ranking is deterministic: scores are rounded to 2 decimals and ties are broken by profile id, so the
order of the pool never changes a result.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from matching.factors import (
    DAYS,
    EXCLUSION_REASONS,
    MISSION_CLOSED,
    PROFILE_INACTIVE,
    REMOTE_INCOMPATIBLE,
    availability_fit,
    competence_fit,
    competence_structured,
    coverage_gate_array,
    cto_missions_coverage,
    deal_breaker_gates,
    presence_array,
    remote_location_fit,
    sector_context_fit,
    text_similarity,
    tjm_fit,
)
from matching.inputs import (
    DEFAULT_GATES,
    FACTOR_NAMES,
    REMOTE_POLICIES,
    REMOTE_PREFERENCES,
    Gates,
    MissionInput,
    RateGrid,
    Weights,
)
from matching.pool import MissionBatch, ProfilePool, encode_missions

ALGORITHM_VERSION = "2026.12-2"
"""Stored with every match so a score can be traced to the formula that produced it. A new version also
makes the stale sweep rescore every stored pair: 2026.12-1 (same scores as 2026.11-2) stores the reasons
as codes with their figures instead of English sentences; 2026.12-2 adds the deal-breaker gates
(rate over budget, presence, days per week), the mobility and the concepts of the text lexicon."""

N_FACTORS = len(FACTOR_NAMES)
_AVAILABILITY = FACTOR_NAMES.index("availability")
F32 = npt.NDArray[np.float32]
F64 = npt.NDArray[np.float64]
I64 = npt.NDArray[np.int64]
I8 = npt.NDArray[np.int8]
Bool = npt.NDArray[np.bool_]

_ROUNDING_MARGIN = 0.011
"""A pair in the rounded top-k has a raw score ≥ (k-th raw score − 0.01); 0.001 of float slack."""


@dataclass(frozen=True, slots=True)
class PairScores:
    """One mission against every profile of a pool (arrays aligned on `profile_ids`)."""

    mission_id: int
    profile_ids: I64
    total: F64
    """0–100 rounded to 2 decimals; 0 for excluded pairs. 100 × Σ weight·factor, scaled down when the
    availability factor (the coverage) is under COVERAGE_GATE: see `weighted_total`."""
    raw_total: F32
    """Unrounded float32 total (0 for excluded pairs)."""
    factors: Mapping[str, F32]
    """Factor name -> values in [0, 1] (computed for excluded pairs too, for explanations)."""
    excluded: Bool
    reason_codes: I8
    """0 = scored; else an index in EXCLUSION_REASONS."""

    def exclusion_reason(self, i: int) -> str | None:
        code = int(self.reason_codes[i])
        return EXCLUSION_REASONS[code] if code else None

    def factor_scores(self, i: int) -> dict[str, float]:
        return {name: float(values[i]) for name, values in self.factors.items()}


@dataclass(frozen=True, slots=True)
class MissionTopK:
    """The best profiles for one mission, best first (ties: lower profile id first)."""

    mission_id: int
    profile_ids: I64
    scores: F64
    """0–100 rounded to 2 decimals."""
    factors: F32
    """(len(profile_ids), N_FACTORS), columns in FACTOR_NAMES order."""

    def factor_scores(self, rank: int) -> dict[str, float]:
        return {name: float(v) for name, v in zip(FACTOR_NAMES, self.factors[rank], strict=True)}


def score_block(missions: MissionBatch, pool: ProfilePool, gates: Gates) -> tuple[F32, I8, F32]:
    """All factors for every pair of a block: (N_FACTORS, m, n) float32, (m, n) exclusion codes and the
    (m, n) product of the deal-breaker gates."""
    m, n = len(missions), len(pool)
    terms = pool.terms
    factors = np.empty((N_FACTORS, m, n), dtype=np.float32)
    structured = competence_structured(
        pool.competence_credit, missions.competence_weights, missions.competence_weight_sum, out=factors[0]
    )
    competence_fit(structured, text_similarity(pool.text_by_feature, missions.text))
    cto_missions_coverage(pool.cto_missions_done, missions.cto_requested, missions.cto_count, out=factors[1])
    np.take(terms.experience_by_band, missions.band_index, axis=0, out=factors[2], mode="clip")
    tjm_fit(pool.tjm, terms.market_over, terms.inv_band_low, missions.tjm_max, out=factors[3])
    availability_fit(
        pool.available_from,
        terms.coverage_by_days,
        missions.start,
        missions.end,
        missions.days_per_week,
        out=factors[4],
    )
    present = presence_array(
        pool.places_by_feature, missions.places, pool.mobility_anywhere, missions.has_city
    )
    remote_location_fit(terms.remote_by_policy, present, missions.remote_policy, out=factors[5])
    sector_context_fit(
        terms.role_context_by_context,
        terms.tags_by_tag,
        missions.context,
        missions.sector_tag,
        missions.context_tag,
        out=factors[6],
    )
    np.take(terms.orientation_by_mission, missions.orientation, axis=0, out=factors[7], mode="clip")

    reasons = np.take(terms.remote_excluded_by_policy, missions.remote_policy, axis=0).astype(np.int8)
    reasons *= np.int8(REMOTE_INCOMPATIBLE)
    reasons[:, ~pool.active] = PROFILE_INACTIVE
    reasons[~missions.is_open, :] = MISSION_CLOSED
    gate = deal_breaker_gates(
        pool.tjm,
        missions.tjm_max,
        pool.remote_preference * DAYS + pool.days_per_week - 1,
        missions.remote_policy * DAYS + missions.days_per_week - 1,
        (missions.remote_policy != _REMOTE_POLICY) & missions.has_city,
        pool.remote_preference != _REMOTE_ONLY,
        present,
        gates,
    )
    return factors, reasons, gate


_REMOTE_POLICY = REMOTE_POLICIES.index("remote")
_REMOTE_ONLY = REMOTE_PREFERENCES.index("remote")


def weighted_total(factors: F32, reasons: I8, weights: Weights, gate: F32) -> F32:
    """100 × Σ weight·factor × coverage gate × deal-breaker gates per pair, in a fixed order (no BLAS
    reduction: bit-for-bit reproducible).

    The coverage gate, min(1, availability / COVERAGE_GATE), is 1 unless the freelancer can cover less
    than half of the mission's working time (factors.py, availability notes); `gate` is the product of
    the deal-breaker gates (`matching.inputs.Gates`). Both apply whatever the weights.
    """
    w = [np.float32(100.0 * x) for x in weights.as_tuple()]
    total: F32 = np.multiply(factors[0], w[0])
    scratch = np.empty_like(total)
    for i in range(1, N_FACTORS):
        np.multiply(factors[i], w[i], out=scratch)
        total += scratch
    total *= coverage_gate_array(factors[_AVAILABILITY], out=scratch)
    total *= gate
    total[reasons != 0] = 0.0
    return total


def _check_grid(pool: ProfilePool, grid: RateGrid) -> None:
    if pool.grid != grid:
        raise ValueError("the pool was encoded with a different rate grid; re-encode it")


def _as_batch(
    missions: MissionInput | Sequence[MissionInput] | MissionBatch, pool: ProfilePool
) -> MissionBatch:
    if isinstance(missions, MissionBatch):
        if missions.vocab != pool.vocab or missions.grid != pool.grid:
            raise ValueError("missions and pool were encoded with different vocabularies or grids")
        return missions
    if isinstance(missions, MissionInput):
        missions = [missions]
    return encode_missions(missions, pool.vocab, pool.grid)


def score_mission_against_pool(
    mission: MissionInput | MissionBatch,
    pool: ProfilePool,
    grid: RateGrid,
    weights: Weights,
    *,
    gates: Gates | None = None,
) -> PairScores:
    """Every factor, the total and the exclusion code of one mission against every profile of the pool.

    Excluded pairs (closed mission, inactive profile, remote-only freelancer on an on-site mission) get
    a total of 0 and a reason code; their factors are still computed, for explanations.
    """
    _check_grid(pool, grid)
    batch = _as_batch(mission, pool)
    if len(batch) != 1:
        raise ValueError(f"expected one mission, got a batch of {len(batch)}; use top_matches")
    factors, reasons, gate = score_block(batch, pool, gates or DEFAULT_GATES)
    raw = weighted_total(factors, reasons, weights, gate)[0]
    return PairScores(
        mission_id=int(batch.ids[0]),
        profile_ids=pool.ids,
        total=np.round(raw.astype(np.float64), 2),
        raw_total=raw,
        factors={name: factors[i, 0] for i, name in enumerate(FACTOR_NAMES)},
        excluded=reasons[0] != 0,
        reason_codes=reasons[0],
    )


class _RunningTopK:
    """Best-so-far per mission while profile chunks stream past."""

    def __init__(self, n_missions: int, k: int) -> None:
        self.k = k
        self.ids: list[I64] = [np.empty(0, np.int64) for _ in range(n_missions)]
        self.scores: list[F64] = [np.empty(0, np.float64) for _ in range(n_missions)]
        self.factors: list[F32] = [np.empty((0, N_FACTORS), np.float32) for _ in range(n_missions)]
        self.floor = np.full(n_missions, -np.inf, dtype=np.float32)
        """Raw score below which a pair cannot enter a mission's top-k."""

    def merge(self, mission: int, ids: I64, scores: F64, factors: F32) -> None:
        all_ids = np.concatenate((self.ids[mission], ids))
        all_scores = np.concatenate((self.scores[mission], scores))
        order = np.lexsort((all_ids, -all_scores))[: self.k]
        self.ids[mission] = all_ids[order]
        self.scores[mission] = all_scores[order]
        self.factors[mission] = np.concatenate((self.factors[mission], factors))[order]
        if order.shape[0] == self.k:
            self.floor[mission] = np.float32(self.scores[mission][-1] - _ROUNDING_MARGIN)


def top_matches(
    missions: Sequence[MissionInput] | MissionBatch,
    pool: ProfilePool,
    grid: RateGrid,
    weights: Weights,
    *,
    k: int = 50,
    min_score: float = 0.0,
    mission_chunk: int = 64,
    profile_chunk: int = 8_192,
    gates: Gates | None = None,
) -> list[MissionTopK]:
    """The k best non-excluded profiles (score ≥ min_score) for each mission, in mission order.

    Memory is bounded by N_FACTORS × mission_chunk × profile_chunk float32 (plus a few temporaries of
    mission_chunk × profile_chunk), whatever the pool size.
    """
    if k <= 0:
        raise ValueError("k must be positive")
    if mission_chunk <= 0 or profile_chunk <= 0:
        raise ValueError("chunk sizes must be positive")
    _check_grid(pool, grid)
    batch = _as_batch(missions, pool)
    n_missions, n_profiles = len(batch), len(pool)
    running = _RunningTopK(n_missions, k)
    score_floor = np.float32(min_score - _ROUNDING_MARGIN)
    for p0 in range(0, n_profiles, profile_chunk):
        sub_pool = pool.select(slice(p0, p0 + profile_chunk))
        n_sub = len(sub_pool)
        kk = min(k, n_sub)
        for m0 in range(0, n_missions, mission_chunk):
            sub_missions = batch.select(slice(m0, m0 + mission_chunk))
            factors, reasons, gate = score_block(sub_missions, sub_pool, gates or DEFAULT_GATES)
            raw = weighted_total(factors, reasons, weights, gate)
            raw[reasons != 0] = -np.inf
            # Candidates: whatever could still be in the rounded top-k of this block and of the run. The
            # k-th best raw score is a threshold (np.partition) rather than argpartition's k indices so
            # that every pair tied at the boundary is kept and the final (score, id) sort decides: the
            # order of the pool never does.
            kth = np.partition(raw, n_sub - kk, axis=1)[:, n_sub - kk]
            floor = np.maximum(kth - np.float32(_ROUNDING_MARGIN), running.floor[m0 : m0 + len(sub_missions)])
            floor = np.maximum(floor, score_floor)
            floor = np.maximum(floor, np.finfo(np.float32).min)  # never let an excluded (-inf) pair in
            rows, cols = np.nonzero(raw >= floor[:, None])
            if rows.size == 0:
                continue
            cand_scores = np.round(raw[rows, cols].astype(np.float64), 2).astype(np.float64)
            cand_ids = sub_pool.ids[cols]
            cand_factors = np.ascontiguousarray(factors[:, rows, cols].T)
            bounds = np.searchsorted(rows, np.arange(len(sub_missions) + 1))
            for j in range(len(sub_missions)):
                lo, hi = bounds[j], bounds[j + 1]
                if lo < hi:
                    running.merge(m0 + j, cand_ids[lo:hi], cand_scores[lo:hi], cand_factors[lo:hi])
    results = []
    for j in range(n_missions):
        keep = running.scores[j] >= min_score
        results.append(
            MissionTopK(
                mission_id=int(batch.ids[j]),
                profile_ids=running.ids[j][keep],
                scores=running.scores[j][keep],
                factors=running.factors[j][keep],
            )
        )
    return results


@dataclass(frozen=True, slots=True)
class PairMatrix:
    """Every mission of a batch against every profile of a pool: totals, factors and exclusions."""

    total: F64
    """(m, n), 0–100 rounded to 2 decimals; 0 for excluded pairs."""
    factors: F32
    """(N_FACTORS, m, n), columns in FACTOR_NAMES order."""
    reason_codes: I8
    """(m, n); 0 = scored, else an index in EXCLUSION_REASONS."""

    def factor_scores(self, mission: int, profile: int) -> dict[str, float]:
        return {name: float(self.factors[i, mission, profile]) for i, name in enumerate(FACTOR_NAMES)}


def score_pairs(
    missions: MissionBatch, pool: ProfilePool, grid: RateGrid, weights: Weights, *, gates: Gates | None = None
) -> PairMatrix:
    """The full (m, n) block: for small pools (one profile against every mission, or a mission against
    the few profiles it is already matched to). Large pools go through `top_matches`."""
    _check_grid(pool, grid)
    batch = _as_batch(missions, pool)
    factors, reasons, gate = score_block(batch, pool, gates or DEFAULT_GATES)
    raw = weighted_total(factors, reasons, weights, gate)
    total = np.round(raw.astype(np.float64), 2).astype(np.float64)
    return PairMatrix(total=total, factors=factors, reason_codes=reasons)


def pair_text_similarity(missions: MissionBatch, mission_rows: I64, pool: ProfilePool, pool_rows: I64) -> F32:
    """Cosine text similarity of the pairs (missions[mission_rows[i]], pool[pool_rows[i]]), vectorised:
    the figure an explanation quotes, without hashing the two texts again for each pair."""
    if mission_rows.shape[0] == 0:
        return np.zeros(0, dtype=np.float32)
    product = pool.text[pool_rows].multiply(missions.text[mission_rows])
    return np.asarray(product.sum(axis=1), dtype=np.float32).reshape(-1)

"""The scoring formula: constants and vectorised factor functions, each returning values in [0, 1].

Every function works on a block of missions × profiles at once: mission-side arrays have shape (m,),
profile-side arrays (n,) and results (m, n). What depends on the profile alone (its market position,
its fit for each possible seniority, remote policy, orientation, …) is tabulated once per pool by
`profile_terms`, so scoring a block is mostly row gathers, two small matrix products and a sparse
product. `matching.reference` implements the same formula pair by pair in plain Python; the tests
hold the two together, so a change here must be mirrored there.

Choices worth knowing (see also the module constants):
* competence credit uses dyadic values (0.25, 0.5, 1) and integer item weights (required 4, nice 1) so
  the matrix product is exact in float32: a pair's score never depends on where it sits in the pool;
* orientation (CTO vs DSI, DOMAIN.md §4) is its own small factor rather than folded into sector/context,
  so an explanation can say which one missed;
* the under-priced penalty of the TJM factor is evaluated at min(tjm, budget max): above the budget only
  the (decreasing) over-budget and over-market terms move, so raising a rate never raises the fit;
* availability is the coverage, the share of the mission's working time the freelancer can cover (late
  start measured against the mission's length, days per week against those asked), and it is the one
  factor that can also scale the total: below COVERAGE_GATE (half the mission) the weighted sum is
  multiplied by coverage / COVERAGE_GATE. It stays a pure multiplier in [0, 1] that depends on the dates
  and days only, so no other factor's monotonicity changes.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

import numpy as np
import numpy.typing as npt
from scipy import sparse

from matching.inputs import (
    CONTEXT_IDS,
    ORIENTATIONS,
    REMOTE_POLICIES,
    REMOTE_PREFERENCES,
    Gates,
    RateGrid,
    normalise_tag,
)

F32 = npt.NDArray[np.float32]
I64 = npt.NDArray[np.int64]
Bool = npt.NDArray[np.bool_]

# --- competences ----------------------------------------------------------------------------------
LEVEL_CREDIT: Mapping[int, float] = {1: 0.25, 2: 0.5, 3: 1.0, 4: 1.0, 5: 1.0}
"""Level 3+ counts fully, lower levels partially; dyadic so float32 sums are exact."""
REQUIRED_WEIGHT = 4.0
"""A missing required competence costs 4× a missing nice-to-have one."""
NICE_WEIGHT = 1.0
STRUCTURED_SHARE = 0.85
TEXT_SHARE = 0.15

# --- experience -----------------------------------------------------------------------------------
UNDER_QUALIFIED_FIT: tuple[float, ...] = (0.5, 0.15, 0.03)
"""Fit for 1, 2, 3 bands under the seniority asked; 0 beyond."""
OVER_QUALIFIED_STEP = 0.10
OVER_QUALIFIED_FLOOR = 0.5

# --- TJM ------------------------------------------------------------------------------------------
BUDGET_SHARE = 0.7
MARKET_SHARE = 0.3
BUDGET_DECAY = math.log(2) / 0.15
"""exp decay above tjm_max: 0.5 at 15 % over budget."""
MARKET_DECAY = math.log(2) / 0.25
"""exp decay above the band's market range (or ceiling): 0.5 at 25 % over."""
CEILING_FIT = 0.8
"""Market fit at the documented ceiling (gt15: 1075 €), linear from 1 at tjm_high."""
UNDERPRICED_FREE = 0.10
"""No penalty down to 10 % under the band's tjm_low …"""
UNDERPRICED_SPAN = 0.30
"""… then a linear penalty reaching its maximum at 40 % under."""
UNDERPRICED_MAX_PENALTY = 0.3

# --- availability ---------------------------------------------------------------------------------
# The availability factor is the COVERAGE: the share of the mission's working time the freelancer can
# actually cover = time share × days share.
# * time share, mission with an end date: the share of the mission still ahead when the freelancer can
#   start, 1 − days late / mission length (start and end days included), so 0 from the day after the end;
#   lateness is judged against the mission's length, not in absolute days (30 days is little on a year,
#   most of a 6-week mission);
# * time share, open-ended mission: nothing is lost, the company waits: 1 / (1 + (days late / 90)²);
# * days share: min(days offered, days asked) / days asked.
# Below COVERAGE_GATE the total itself is scaled (see `coverage_gate`): a freelancer who can deliver a
# small part of the mission is not a good match whatever the rest of the profile, which the 0.10
# weight of the factor alone could not express.
AVAILABILITY_HALF_DAYS = 90.0
"""Open-ended missions: 1 / (1 + (days late / 90)²): 0.94 at 22 days, 0.8 at 45, 0.5 at 90, 0.2 at 180.

The half point sits at 90 days so an open-ended mission is judged about like a six-month one (90 days
late = half of it), which matters because the same number feeds the coverage gate."""
COVERAGE_GATE = 0.5
"""Below this coverage the total is multiplied by coverage / COVERAGE_GATE (1 of 3 days: × 0.67)."""

# --- remote / location ----------------------------------------------------------------------------
REMOTE_FIT: Mapping[tuple[str, str], float | None] = {
    # (freelancer preference, mission policy): fit, None = hard exclusion
    ("remote", "remote"): 1.0,
    ("remote", "hybrid"): 0.5,
    ("remote", "onsite"): None,
    ("hybrid", "remote"): 0.85,
    ("hybrid", "hybrid"): 1.0,
    ("hybrid", "onsite"): 0.6,
    ("onsite", "remote"): 0.6,
    ("onsite", "hybrid"): 0.85,
    ("onsite", "onsite"): 1.0,
    ("flexible", "remote"): 1.0,
    ("flexible", "hybrid"): 1.0,
    ("flexible", "onsite"): 1.0,
}
LOCATION_SHARE = 0.25
"""For hybrid/on-site missions, a freelancer who cannot be on site in the mission's city (neither lives
there nor lists it, or its region, in their mobility, nor is mobile anywhere in France) keeps 75 % of the
remote fit."""
PRESENCE_CONFLICTS: frozenset[tuple[str, str]] = frozenset({("remote", "hybrid"), ("onsite", "remote")})
"""(preference, policy) pairs whose presence the freelancer cannot give, gated (`Gates.work_mode_factor`);
(remote, onsite) is a hard exclusion instead."""

# --- sector / context -----------------------------------------------------------------------------
ROLE_CONTEXT_SHARE = 0.6
"""A past CTO role in the same (or a similar) context counts most (DOMAIN.md §3)."""
SECTOR_SHARE = 0.4
CONTEXT_SIMILARITY: Mapping[frozenset[str], float] = {
    frozenset(("startup", "scaleup")): 0.5,
    frozenset(("enterprise", "industrial")): 0.4,
    frozenset(("enterprise", "public_sector")): 0.4,
}
"""Judgement calls for "a similar context"; identical contexts score 1, unlisted pairs 0."""

# --- orientation ----------------------------------------------------------------------------------
ORIENTATION_FIT: Mapping[tuple[str, str], float] = {
    # (mission orientation, freelancer orientation)
    ("cto", "cto"): 1.0,
    ("cto", "both"): 0.9,
    ("cto", "dsi"): 0.4,
    ("dsi", "dsi"): 1.0,
    ("dsi", "both"): 0.9,
    ("dsi", "cto"): 0.4,
    ("both", "both"): 1.0,
    ("both", "cto"): 0.7,
    ("both", "dsi"): 0.7,
}

# --- hard filters ---------------------------------------------------------------------------------
EXCLUSION_REASONS: tuple[str, ...] = ("", "mission_closed", "profile_inactive", "remote_incompatible")
"""Reason code -> name; code 0 = not excluded. When several apply, the lowest code wins."""
MISSION_CLOSED = 1
PROFILE_INACTIVE = 2
REMOTE_INCOMPATIBLE = 3


# --- scalar rules shared with explanations --------------------------------------------------------
def level_credit(level: int) -> float:
    return LEVEL_CREDIT.get(int(level), 1.0 if level > 5 else 0.0)


def experience_fit_for_gap(gap: int) -> float:
    """gap = profile band index − band index asked; one band over is nearly full, under drops fast."""
    if gap >= 0:
        return 1.0 if gap == 0 else max(OVER_QUALIFIED_FLOOR, 1.05 - OVER_QUALIFIED_STEP * gap)
    under = -gap
    return UNDER_QUALIFIED_FIT[under - 1] if under <= len(UNDER_QUALIFIED_FIT) else 0.0


def context_similarity(a: str, b: str) -> float:
    return 1.0 if a == b else CONTEXT_SIMILARITY.get(frozenset((a, b)), 0.0)


def time_share(late_days: int, duration_days: int | None) -> float:
    """Time part of the coverage; `late_days` ≤ 0 = available by the start, `duration_days` None = open ended.

    `duration_days` counts the start and end days (end − start + 1).
    """
    late = max(0, late_days)
    if duration_days is None:
        return 1.0 / (1.0 + (late / AVAILABILITY_HALF_DAYS) ** 2)
    return max(0.0, 1.0 - late / duration_days)


def days_share(offered: int, asked: int) -> float:
    return min(offered, asked) / asked


def coverage_gate(coverage: float) -> float:
    """Multiplier of the total: 1 from COVERAGE_GATE up, coverage / COVERAGE_GATE below."""
    return min(1.0, coverage / COVERAGE_GATE)


RateZone = Literal["within", "small", "demoted", "hard"]
DaysShortfall = Literal["none", "one", "more"]
PresenceFlaw = Literal["work_mode", "other_city"]


def rate_zone(tjm: float, tjm_max: float, gates: Gates) -> RateZone:
    """Where a rate stands against the budget's maximum: within it, a little over (up to
    `rate_small_over`), demoted (up to `rate_hard_over`) or beyond (see `Gates`)."""
    over = tjm / tjm_max - 1.0
    if over <= 0.0:
        return "within"
    if over <= gates.rate_small_over:
        return "small"
    return "demoted" if over <= gates.rate_hard_over else "hard"


def rate_gate(tjm: float, tjm_max: float, gates: Gates) -> float:
    """Multiplier of the total for a rate over the budget's maximum (see `Gates`)."""
    zone = rate_zone(tjm, tjm_max, gates)
    over = tjm / tjm_max - 1.0
    if zone == "within":
        return 1.0
    if zone == "small":
        return 1.0 - (1.0 - gates.rate_small_factor) * over / gates.rate_small_over
    if zone == "demoted":
        span = gates.rate_hard_over - gates.rate_small_over
        return (
            gates.rate_small_factor
            - (gates.rate_small_factor - gates.rate_demoted_factor) * (over - gates.rate_small_over) / span
        )
    return gates.rate_hard_factor


def days_shortfall(offered: int, asked: int) -> DaysShortfall:
    """Days per week against those asked: none short, one short while offering more than half of them,
    or more."""
    if offered >= asked:
        return "none"
    return "one" if asked - offered == 1 and 2 * offered > asked else "more"


def days_gate(offered: int, asked: int, gates: Gates) -> float:
    """Multiplier of the total for fewer days per week than asked: `days_short_factor` one day short
    (`days_shortfall`), `days_hard_factor` more."""
    shortfall = days_shortfall(offered, asked)
    if shortfall == "none":
        return 1.0
    return gates.days_short_factor if shortfall == "one" else gates.days_hard_factor


def presence_flaw(preference: str, policy: str, needs_city: bool, present: bool) -> PresenceFlaw | None:
    """A presence the freelancer cannot give: a work mode they refuse (`PRESENCE_CONFLICTS`), or, for a
    mission with a city (`needs_city`: hybrid or on-site), not being able to be there (`present`: lives
    there, or it or its region is in their mobility; a remote-only freelancer is judged by the work
    mode alone)."""
    if (preference, policy) in PRESENCE_CONFLICTS:
        return "work_mode"
    if needs_city and preference != "remote" and not present:
        return "other_city"
    return None


def presence_gate(preference: str, policy: str, needs_city: bool, present: bool, gates: Gates) -> float:
    """Multiplier of the total for a `presence_flaw`."""
    flaw = presence_flaw(preference, policy, needs_city, present)
    if flaw is None:
        return 1.0
    return gates.work_mode_factor if flaw == "work_mode" else gates.other_city_factor


def on_site_reach(
    city: str, region: str, location: str, mobility: Sequence[str], anywhere: bool
) -> tuple[str, str] | None:
    """How a freelancer living in `location` can be on site in `city` (of `region`): ("city", city),
    ("mobility", the entry of their mobility naming the city or its region), ("anywhere", ""); None
    when they cannot, or no city is given. The rule of the presence the engine encodes as places."""
    key = normalise_tag(city)
    if not key:
        return None
    if key == normalise_tag(location):
        return ("city", city)
    region_key = normalise_tag(region)
    for place in mobility:
        place_key = normalise_tag(place)
        if place_key and place_key in (key, region_key):
            return ("mobility", place)
    return ("anywhere", "") if anywhere else None


def exclusion_code(
    *, mission_open: bool, profile_active: bool, remote_preference: str, remote_policy: str
) -> int:
    """The hard filters for one pair (0 = scored normally)."""
    if not mission_open:
        return MISSION_CLOSED
    if not profile_active:
        return PROFILE_INACTIVE
    if REMOTE_FIT[(remote_preference, remote_policy)] is None:
        return REMOTE_INCOMPATIBLE
    return 0


# --- per-profile tables ---------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class ProfileTerms:
    """Everything that depends on the profile alone, tabulated by the mission-side key.

    Tables are (keys, n): scoring a block of missions is `np.take(table, mission_keys, axis=0)`.
    """

    experience_by_band: F32
    """(bands, n): experience fit if the mission asks band b."""
    orientation_by_mission: F32
    """(3, n): orientation fit per mission orientation."""
    remote_by_policy: F32
    """(3, n): remote fit per mission policy (0 where excluded)."""
    remote_excluded_by_policy: Bool
    """(3, n): True where the pair is a hard exclusion."""
    coverage_by_days: F32
    """(5, n): min(profile days, d) / d for a mission asking d = 1..5 days a week."""
    role_context_by_context: F32
    """(contexts + 1, n): best similarity of a past role's context to the mission's; last row: unknown."""
    tags_by_tag: Bool
    """(tags + 1, n): profile carries the tag; last row (unknown tag) is all False."""
    market_over: F32
    """(n,): market fit of the profile's rate against the upper end of its own band."""
    inv_band_low: F32
    """(n,): 1 / tjm_low of the profile's band, for the under-priced penalty."""

    def select(self, index: slice | I64) -> ProfileTerms:
        """The same tables for a subset of profiles (a chunk or a permutation)."""
        return ProfileTerms(
            experience_by_band=self.experience_by_band[:, index],
            orientation_by_mission=self.orientation_by_mission[:, index],
            remote_by_policy=self.remote_by_policy[:, index],
            remote_excluded_by_policy=self.remote_excluded_by_policy[:, index],
            coverage_by_days=self.coverage_by_days[:, index],
            role_context_by_context=self.role_context_by_context[:, index],
            tags_by_tag=self.tags_by_tag[:, index],
            market_over=self.market_over[index],
            inv_band_low=self.inv_band_low[index],
        )


def market_over_fit_array(tjm: npt.NDArray[np.float64], band_index: I64, grid: RateGrid) -> F32:
    """Market fit above the band's usual range; 1 inside or below it (below is handled separately)."""
    high = np.array([b.tjm_high for b in grid.bands], dtype=np.float64)[band_index]
    ceiling = np.array(
        [b.tjm_ceiling if b.tjm_ceiling is not None else b.tjm_high for b in grid.bands], dtype=np.float64
    )[band_index]
    has_ceiling = ceiling > high
    # Between tjm_high and the documented ceiling: linear from 1 down to CEILING_FIT.
    span = np.where(has_ceiling, ceiling - high, 1.0)
    between = 1.0 - (1.0 - CEILING_FIT) * np.clip((tjm - high) / span, 0.0, 1.0)
    cap = np.where(has_ceiling, ceiling, high)
    at_cap = np.where(has_ceiling, CEILING_FIT, 1.0)
    beyond = at_cap * np.exp(-MARKET_DECAY * np.maximum(tjm - cap, 0.0) / cap)
    fit = np.where(tjm <= high, 1.0, np.where(tjm <= cap, between, beyond))
    return fit.astype(np.float32)


def profile_terms(
    *,
    band_index: I64,
    tjm: npt.NDArray[np.float64],
    remote_preference: I64,
    orientation: I64,
    days_per_week: I64,
    role_contexts: Bool,
    sector_tags: Bool,
    grid: RateGrid,
    context_ids: tuple[str, ...] = CONTEXT_IDS,
) -> ProfileTerms:
    """Tabulate the per-profile terms once per pool (encoding time, not the scoring hot path)."""
    n_bands = len(grid.bands)
    gap_lut = np.array([experience_fit_for_gap(g) for g in range(-(n_bands - 1), n_bands)], dtype=np.float32)
    gaps = band_index[None, :] - np.arange(n_bands)[:, None] + (n_bands - 1)
    experience = gap_lut[gaps]

    orient_lut = np.array(
        [[ORIENTATION_FIT[(mo, po)] for po in ORIENTATIONS] for mo in ORIENTATIONS], dtype=np.float32
    )
    remote_values = [[REMOTE_FIT[(pref, pol)] for pref in REMOTE_PREFERENCES] for pol in REMOTE_POLICIES]
    remote_lut = np.array([[v or 0.0 for v in row] for row in remote_values], dtype=np.float32)
    remote_excl_lut = np.array([[v is None for v in row] for row in remote_values], dtype=np.bool_)

    mission_days = np.arange(1, 6, dtype=np.float32)[:, None]
    coverage = np.minimum(days_per_week[None, :].astype(np.float32), mission_days) / mission_days

    sim = np.array([[context_similarity(a, b) for b in context_ids] for a in context_ids], dtype=np.float32)
    n = band_index.shape[0]
    role = np.zeros((len(context_ids) + 1, n), dtype=np.float32)
    for k in range(len(context_ids)):  # loop over contexts (7), not profiles
        role[:-1] = np.maximum(role[:-1], sim[:, k][:, None] * role_contexts[:, k][None, :])

    tags = np.zeros((sector_tags.shape[1] + 1, n), dtype=np.bool_)
    tags[:-1] = sector_tags.T

    low = np.array([b.tjm_low for b in grid.bands], dtype=np.float64)[band_index]
    return ProfileTerms(
        experience_by_band=np.ascontiguousarray(experience),
        orientation_by_mission=np.ascontiguousarray(orient_lut[:, orientation]),
        remote_by_policy=np.ascontiguousarray(remote_lut[:, remote_preference]),
        remote_excluded_by_policy=np.ascontiguousarray(remote_excl_lut[:, remote_preference]),
        coverage_by_days=coverage.astype(np.float32),
        role_context_by_context=role,
        tags_by_tag=tags,
        market_over=market_over_fit_array(tjm, band_index, grid),
        inv_band_low=(1.0 / low).astype(np.float32),
    )


# --- vectorised factors over a block (m missions × n profiles) ------------------------------------
def competence_structured(credit: F32, weights: F32, weight_sum: F32, out: F32 | None = None) -> F32:
    """Σ item weight × level credit / Σ item weight; 1 when the mission lists no competence.

    credit (n, C) in {0, .25, .5, 1}; weights (m, C) in {0, 1, 4}: the product is exact in float32.
    """
    result: F32 = np.matmul(weights, credit.T, out=out)
    safe = np.where(weight_sum > 0, weight_sum, np.float32(1.0)).astype(np.float32)
    result /= safe[:, None]
    result += (weight_sum == 0).astype(np.float32)[:, None]
    return result


def text_similarity(profile_text: sparse.csc_array, mission_text: sparse.csr_array) -> F32:
    """Cosine similarity (rows are L2-normalised and non-negative) as an (m, n) float32 block.

    `profile_text` is the pool in CSC form (posting lists per hashed feature): only the postings of the
    features some mission of the block uses are read, so the cost is Σ postings × m, not the 2^20-wide
    space nor the whole pool. For each pair the sum runs over the shared features in feature order
    whatever the block, so results do not depend on chunking or pool order.
    """
    m, n = mission_text.shape[0], profile_text.shape[0]
    cols = np.unique(mission_text.indices)
    if cols.size == 0 or n == 0:
        return np.zeros((m, n), dtype=np.float32)
    # (u, m) dense mission weights on those features (built directly: scipy's column indexing would
    # allocate a 2^20-wide offset table per call).
    dense_missions = np.zeros((cols.size, m), dtype=np.float32)
    rows = np.repeat(np.arange(m), np.diff(mission_text.indptr))
    dense_missions[np.searchsorted(cols, mission_text.indices), rows] = mission_text.data
    postings = profile_text[:, cols]  # (n, u) CSC
    product = np.asarray(postings @ dense_missions, dtype=np.float32)  # (n, m)
    return np.ascontiguousarray(product.T)


def competence_fit(structured: F32, text: F32) -> F32:
    """85 % structured coverage, 15 % free-text similarity (in place in `structured`)."""
    structured *= np.float32(STRUCTURED_SHARE)
    structured += np.float32(TEXT_SHARE) * text
    return structured


def cto_missions_coverage(done: F32, requested: F32, count: F32, out: F32 | None = None) -> F32:
    """Share of the mission's requested CTO missions the profile has done; 1 when none requested."""
    result: F32 = np.matmul(requested, done.T, out=out)
    safe = np.where(count > 0, count, np.float32(1.0)).astype(np.float32)
    result /= safe[:, None]
    result += (count == 0).astype(np.float32)[:, None]
    return result


def tjm_fit(tjm: F32, market_over: F32, inv_band_low: F32, tjm_max: F32, out: F32 | None = None) -> F32:
    """0.7 × budget fit + 0.3 × market fit.

    budget = 1 up to tjm_max (cheaper is fine), exp(−BUDGET_DECAY × (tjm − max)/max) above;
    market = over-market fit (per profile) × under-priced fit evaluated at min(tjm, tjm_max).
    """
    t = tjm[None, :]
    mx = tjm_max[:, None]
    # under-priced fit at x = min(t, max): 1 − P × clip(((1 − x/low) − FREE) / SPAN, 0, 1)
    under = np.minimum(t, mx)
    under *= inv_band_low[None, :]
    np.subtract(np.float32(1.0 - UNDERPRICED_FREE), under, out=under)
    under /= np.float32(UNDERPRICED_SPAN)
    np.clip(under, 0.0, 1.0, out=under)
    under *= np.float32(-UNDERPRICED_MAX_PENALTY)
    under += np.float32(1.0)
    under *= market_over[None, :]
    under *= np.float32(MARKET_SHARE)
    budget = np.subtract(t, mx, out=out)
    budget /= mx
    np.maximum(budget, 0.0, out=budget)
    budget *= np.float32(-BUDGET_DECAY)
    np.exp(budget, out=budget)
    budget *= np.float32(BUDGET_SHARE)
    budget += under
    return budget


def _reciprocal_at_least(length: F32) -> F32:
    """float32 1/length, nudged up one ulp where length × (1/length) would round below 1, so that a
    freelancer available by the start gets a time share of exactly 1 after clipping."""
    inv = (np.float32(1.0) / length).astype(np.float32)
    low = (length * inv) < np.float32(1.0)
    return np.where(low, np.nextafter(inv, np.float32(np.inf)), inv).astype(np.float32)


def availability_fit(
    available_from: F32,
    coverage_by_days: F32,
    start: F32,
    end: F32,
    days_per_week: I64,
    out: F32 | None = None,
) -> F32:
    """Coverage = time share × days share (see the notes above the constants), in [0, 1].

    Dated missions: time share = clip((end + 1 − available_from) / (end − start + 1), 0, 1), i.e. the
    days still ahead when the freelancer can start over the mission's days (day ordinals are exact in
    float32, so the numerator is exact and a freelancer available the day after the end gets exactly 0).
    Open-ended missions (end = +inf): their rows are overwritten with 1 / (1 + (days late / 90)²).
    """
    dated = np.isfinite(end)
    length = np.where(dated, end - start + np.float32(1.0), np.float32(1.0)).astype(np.float32)
    inv_length = np.where(dated, _reciprocal_at_least(length), np.float32(0.0)).astype(np.float32)
    day_after_end = np.where(dated, end + np.float32(1.0), np.float32(0.0)).astype(np.float32)
    share = np.subtract(day_after_end[:, None], available_from[None, :], out=out)
    share *= inv_length[:, None]
    np.clip(share, 0.0, 1.0, out=share)
    open_rows = np.flatnonzero(~dated)
    if open_rows.size:
        wait = available_from[None, :] - start[open_rows, None]
        np.maximum(wait, 0.0, out=wait)
        wait *= np.float32(1.0 / AVAILABILITY_HALF_DAYS)
        np.square(wait, out=wait)
        wait += np.float32(1.0)
        np.reciprocal(wait, out=wait)
        share[open_rows] = wait
    share *= np.take(coverage_by_days, days_per_week - 1, axis=0)
    return share


def coverage_gate_array(coverage: F32, out: F32 | None = None) -> F32:
    """min(1, coverage / COVERAGE_GATE), the multiplier of the total."""
    gate: F32 = np.multiply(coverage, np.float32(1.0 / COVERAGE_GATE), out=out)
    np.minimum(gate, np.float32(1.0), out=gate)
    return gate


def presence_array(
    places_by_feature: sparse.csc_array, mission_places: sparse.csr_array, anywhere: Bool, has_city: Bool
) -> Bool:
    """(m, n): the freelancer can be on site in the mission's city: it, or its region, is their city or in
    their mobility (a shared place feature), or they are mobile anywhere in France and the mission names
    a city. A mission without a city has no place: nobody is present there.

    Read from the posting lists of the mission's (at most two) place features: a few index writes per
    mission instead of a sparse product over the block."""
    m, n = mission_places.shape[0], places_by_feature.shape[0]
    present = np.zeros((m, n), dtype=np.bool_)
    indptr, rows = places_by_feature.indptr, places_by_feature.indices
    features, starts = mission_places.indices, mission_places.indptr
    for j in range(m):
        for feature in features[starts[j] : starts[j + 1]]:
            present[j, rows[indptr[feature] : indptr[feature + 1]]] = True
    mobile = np.flatnonzero(anywhere)
    cities = np.flatnonzero(has_city)
    if mobile.size and cities.size:
        present[np.ix_(cities, mobile)] = True
    return present


def remote_location_fit(remote_by_policy: F32, present: Bool, policy: I64, out: F32 | None = None) -> F32:
    """Remote compatibility × (1 − 0.25 + 0.25 × present in the city) for hybrid/on-site missions."""
    result: F32 = np.take(remote_by_policy, policy, axis=0, out=out, mode="clip")
    share = np.where(policy == REMOTE_POLICIES.index("remote"), 0.0, LOCATION_SHARE).astype(np.float32)
    on_site = present.astype(np.float32)
    on_site *= share[:, None]
    on_site += (np.float32(1.0) - share)[:, None]
    result *= on_site
    return result


def sector_context_fit(
    role_context_by_context: F32,
    tags_by_tag: Bool,
    context: I64,
    sector_tag: I64,
    context_tag: I64,
    out: F32 | None = None,
) -> F32:
    """0.6 × best past-role context similarity + 0.4 × [profile tagged with the mission sector/context]."""
    result: F32 = np.take(role_context_by_context, context, axis=0, out=out, mode="clip")
    result *= np.float32(ROLE_CONTEXT_SHARE)
    hit = np.take(tags_by_tag, sector_tag, axis=0)
    hit |= np.take(tags_by_tag, context_tag, axis=0)
    result += hit.astype(np.float32) * np.float32(SECTOR_SHARE)
    return result


# --- deal-breaker gates over a block ----------------------------------------------------------------
DAYS = 5
"""Days per week run 1–5 on both sides."""


def rate_gate_array(tjm: F32, tjm_max: F32, gates: Gates, out: F32 | None = None) -> F32:
    """`rate_gate` for every pair: piecewise linear in over = tjm / max − 1, then `rate_hard_factor`."""
    small, hard = np.float32(gates.rate_small_over), np.float32(gates.rate_hard_over)
    first = np.float32((1.0 - gates.rate_small_factor) / gates.rate_small_over)
    second_slope = np.float32(
        (gates.rate_small_factor - gates.rate_demoted_factor) / (gates.rate_hard_over - gates.rate_small_over)
    )
    over: F32 = np.divide(tjm[None, :], tjm_max[:, None], out=out)
    over -= np.float32(1.0)
    beyond = over > hard
    second = over - small
    np.clip(second, np.float32(0.0), hard - small, out=second)
    second *= -second_slope
    np.clip(over, np.float32(0.0), small, out=over)
    over *= -first
    over += np.float32(1.0)
    over += second
    np.copyto(over, np.float32(gates.rate_hard_factor), where=beyond)
    return over


@lru_cache(maxsize=16)
def mode_days_gate_table(gates: Gates) -> F32:
    """(policies × 5 days asked, preferences × 5 days offered): the work-mode part of `presence_gate`
    times `days_gate`, looked up by (policy · 5 + asked − 1, preference · 5 + offered − 1)."""
    table = np.ones((len(REMOTE_POLICIES) * DAYS, len(REMOTE_PREFERENCES) * DAYS), dtype=np.float32)
    for p, policy in enumerate(REMOTE_POLICIES):
        for asked in range(1, DAYS + 1):
            for r, preference in enumerate(REMOTE_PREFERENCES):
                mode = presence_gate(preference, policy, False, True, gates)  # the work mode alone
                for offered in range(1, DAYS + 1):
                    value = mode * days_gate(offered, asked, gates)
                    table[p * DAYS + asked - 1, r * DAYS + offered - 1] = value
    table.setflags(write=False)  # cached: shared by every call with these gates
    return table


def deal_breaker_gates(
    tjm: F32,
    tjm_max: F32,
    profile_mode_days: I64,
    mission_mode_days: I64,
    needs_city: Bool,
    city_gated: Bool,
    present: Bool,
    gates: Gates,
    out: F32 | None = None,
) -> F32:
    """The product of the rate, work-mode, days and city gates for every pair (m, n).

    `profile_mode_days` / `mission_mode_days` index `mode_days_gate_table`; `needs_city` (m,) is a
    hybrid or on-site mission with a city; `city_gated` (n,) a freelancer who is not remote-only (those
    are judged by their work mode alone); `present` (m, n) whether the freelancer can be in the city.
    """
    gate = rate_gate_array(tjm, tjm_max, gates, out=out)
    gate *= np.take(mode_days_gate_table(gates)[mission_mode_days], profile_mode_days, axis=1)
    if gates.other_city_factor != 1.0:
        # absent = needs the city & not remote-only & not present, as 0/1; multiplier 1 − (1 − f)·absent
        # (arithmetic on the whole block: a masked multiply costs three times as much)
        absent = np.less(present, city_gated[None, :])
        absent &= needs_city[:, None]
        city = absent.astype(np.float32)
        city *= np.float32(gates.other_city_factor - 1.0)
        city += np.float32(1.0)
        gate *= city
    return gate

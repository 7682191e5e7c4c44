"""The scoring formula again, one pair at a time in plain Python: the oracle and the benchmark baseline.

Deliberately naive (loops, dicts, floats; no numpy) so it can be read against the documentation and
checked by eye. The tests require the vectorised engine to agree with it on random inputs; the
benchmark uses it to show what vectorising buys. It shares only the constants with `matching.factors`
(and the helpers that normalise text and tags), not the code.

Text similarity: the reference reuses the engine's stateless vectoriser to turn each text into a
{feature: weight} dict (`matching.text.text_vector`), then takes the dot product itself. Callers scoring
many pairs may pass the vectors in, so the per-pair loop measures scoring and not tokenisation.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from matching import factors as f
from matching.inputs import (
    FACTOR_NAMES,
    Gates,
    MissionInput,
    ProfileInput,
    RateBand,
    RateGrid,
    Vocabulary,
    Weights,
)
from matching.inputs import normalise_tag as norm
from matching.text import mission_text, profile_text, text_vector


@dataclass(frozen=True, slots=True)
class ReferenceScore:
    profile_id: int
    total: float
    """0–100 rounded to 2 decimals; 0 when excluded."""
    raw_total: float
    factors: dict[str, float]
    exclusion: str | None


def _dedupe(ids: Sequence[str]) -> list[str]:
    return list(dict.fromkeys(ids))


def competence_structured(mission: MissionInput, profile: ProfileInput) -> float:
    required = _dedupe(mission.required_competences)
    nice = [c for c in _dedupe(mission.nice_competences) if c not in required]
    earned = 0.0
    possible = 0.0
    for comp_id in required:
        possible += f.REQUIRED_WEIGHT
        level = profile.competences.get(comp_id)
        if level is not None:
            earned += f.REQUIRED_WEIGHT * f.LEVEL_CREDIT[level]
    for comp_id in nice:
        possible += f.NICE_WEIGHT
        level = profile.competences.get(comp_id)
        if level is not None:
            earned += f.NICE_WEIGHT * f.LEVEL_CREDIT[level]
    return earned / possible if possible > 0 else 1.0


def dot(a: Mapping[int, float], b: Mapping[int, float]) -> float:
    if len(a) > len(b):
        a, b = b, a
    return sum(v * b[j] for j, v in a.items() if j in b)


def cto_missions_coverage(mission: MissionInput, profile: ProfileInput) -> float:
    requested = _dedupe(mission.cto_missions)
    if not requested:
        return 1.0
    done = set(profile.cto_missions)
    return sum(1 for x in requested if x in done) / len(requested)


def experience_fit(mission: MissionInput, profile: ProfileInput, grid: RateGrid) -> float:
    gap = grid.index_for_years(profile.years_experience) - grid.index(mission.seniority)
    if gap == 0:
        return 1.0
    if gap > 0:
        return max(f.OVER_QUALIFIED_FLOOR, 1.05 - f.OVER_QUALIFIED_STEP * gap)
    if -gap <= len(f.UNDER_QUALIFIED_FIT):
        return f.UNDER_QUALIFIED_FIT[-gap - 1]
    return 0.0


def market_over_fit(tjm: float, band: RateBand) -> float:
    if tjm <= band.tjm_high:
        return 1.0
    ceiling = band.tjm_ceiling
    if ceiling is not None and ceiling > band.tjm_high:
        if tjm <= ceiling:
            return 1.0 - (1.0 - f.CEILING_FIT) * (tjm - band.tjm_high) / (ceiling - band.tjm_high)
        return f.CEILING_FIT * math.exp(-f.MARKET_DECAY * (tjm - ceiling) / ceiling)
    return math.exp(-f.MARKET_DECAY * (tjm - band.tjm_high) / band.tjm_high)


def underpriced_fit(rate: float, band: RateBand) -> float:
    shortfall = (band.tjm_low - rate) / band.tjm_low
    ramp = min(1.0, max(0.0, (shortfall - f.UNDERPRICED_FREE) / f.UNDERPRICED_SPAN))
    return 1.0 - f.UNDERPRICED_MAX_PENALTY * ramp


def budget_fit(tjm: float, tjm_max: float) -> float:
    if tjm <= tjm_max:
        return 1.0
    return math.exp(-f.BUDGET_DECAY * (tjm - tjm_max) / tjm_max)


def tjm_fit(mission: MissionInput, profile: ProfileInput, grid: RateGrid) -> float:
    band = grid.band_for_years(profile.years_experience)
    market = market_over_fit(profile.tjm, band) * underpriced_fit(min(profile.tjm, mission.tjm_max), band)
    return f.BUDGET_SHARE * budget_fit(profile.tjm, mission.tjm_max) + f.MARKET_SHARE * market


def availability_fit(mission: MissionInput, profile: ProfileInput) -> float:
    """Coverage: share of the mission's working time the freelancer can cover (time share × days share)."""
    late = max(0, (profile.available_from - mission.start_date).days)
    if mission.end_date is None:
        # open ended: nothing of the mission is lost, the company waits
        timing = 1.0 / (1.0 + (late / f.AVAILABILITY_HALF_DAYS) ** 2)
    else:
        # share of the mission still ahead; start and end days both count
        length = (mission.end_date - mission.start_date).days + 1
        timing = max(0.0, 1.0 - late / length)
    days = min(profile.days_per_week, mission.days_per_week) / mission.days_per_week
    return timing * days


def coverage_gate(coverage: float) -> float:
    """Multiplier of the total: scaled down when less than COVERAGE_GATE of the mission can be covered."""
    return 1.0 if coverage >= f.COVERAGE_GATE else coverage / f.COVERAGE_GATE


def present(mission: MissionInput, profile: ProfileInput) -> bool:
    """The freelancer can be on site where the mission is: its city or region is their city or in their
    mobility, or they are mobile anywhere in France (a mission without a city has no place)."""
    if not norm(mission.location):
        return False
    if profile.mobility_anywhere:
        return True
    reach = {norm(x) for x in (profile.location, *profile.mobility)} - {""}
    return norm(mission.location) in reach or (bool(norm(mission.region)) and norm(mission.region) in reach)


def remote_location_fit(mission: MissionInput, profile: ProfileInput) -> float:
    base = f.REMOTE_FIT[(profile.remote_preference, mission.remote_policy)]
    if base is None:
        return 0.0
    if mission.remote_policy == "remote":
        return base
    return base * ((1.0 - f.LOCATION_SHARE) + f.LOCATION_SHARE * present(mission, profile))


def rate_gate(mission: MissionInput, profile: ProfileInput, gates: Gates) -> float:
    over = (profile.tjm - mission.tjm_max) / mission.tjm_max
    if over <= 0:
        return 1.0
    if over <= gates.rate_small_over:
        return 1.0 - (1.0 - gates.rate_small_factor) * over / gates.rate_small_over
    if over <= gates.rate_hard_over:
        share = (over - gates.rate_small_over) / (gates.rate_hard_over - gates.rate_small_over)
        return gates.rate_small_factor + (gates.rate_demoted_factor - gates.rate_small_factor) * share
    return gates.rate_hard_factor


def presence_gate(mission: MissionInput, profile: ProfileInput, gates: Gates) -> float:
    mode = (profile.remote_preference, mission.remote_policy)
    if mode in f.PRESENCE_CONFLICTS:
        return gates.work_mode_factor
    on_site_mission = mission.remote_policy != "remote" and bool(norm(mission.location))
    if on_site_mission and profile.remote_preference != "remote" and not present(mission, profile):
        return gates.other_city_factor
    return 1.0


def days_gate(mission: MissionInput, profile: ProfileInput, gates: Gates) -> float:
    offered, asked = profile.days_per_week, mission.days_per_week
    if offered >= asked:
        return 1.0
    if offered == asked - 1 and offered > asked / 2:
        return gates.days_short_factor
    return gates.days_hard_factor


def sector_context_fit(mission: MissionInput, profile: ProfileInput, vocab: Vocabulary) -> float:
    role = 0.0
    if mission.context in vocab.context_index:
        for context in profile.past_role_contexts:
            if context in vocab.context_index:
                role = max(role, f.context_similarity(mission.context, context))
    tags = {norm(s) for s in profile.sectors if norm(s) in vocab.tag_index}
    hit = (bool(mission.sector) and norm(mission.sector) in tags) or (
        bool(mission.context) and norm(mission.context) in tags
    )
    return f.ROLE_CONTEXT_SHARE * role + f.SECTOR_SHARE * (1.0 if hit else 0.0)


def exclusion(mission: MissionInput, profile: ProfileInput) -> str | None:
    if not mission.is_open:
        return "mission_closed"
    if not profile.active:
        return "profile_inactive"
    if f.REMOTE_FIT[(profile.remote_preference, mission.remote_policy)] is None:
        return "remote_incompatible"
    return None


def reference_pair_score(
    mission: MissionInput,
    profile: ProfileInput,
    vocab: Vocabulary,
    grid: RateGrid,
    weights: Weights,
    *,
    mission_vector: Mapping[int, float] | None = None,
    profile_vector: Mapping[int, float] | None = None,
    gates: Gates | None = None,
) -> ReferenceScore:
    """Score one pair with the documented formula."""
    if mission_vector is None:
        mission_vector = text_vector(mission_text(mission), vocab.lexicon)
    if profile_vector is None:
        profile_vector = text_vector(profile_text(profile), vocab.lexicon)
    text = dot(mission_vector, profile_vector)
    values = {
        "competences": f.STRUCTURED_SHARE * competence_structured(mission, profile) + f.TEXT_SHARE * text,
        "cto_missions": cto_missions_coverage(mission, profile),
        "experience": experience_fit(mission, profile, grid),
        "tjm": tjm_fit(mission, profile, grid),
        "availability": availability_fit(mission, profile),
        "remote_location": remote_location_fit(mission, profile),
        "sector_context": sector_context_fit(mission, profile, vocab),
        "orientation": f.ORIENTATION_FIT[(mission.orientation, profile.orientation)],
    }
    reason = exclusion(mission, profile)
    w = weights.as_dict()
    weighted = 100.0 * sum(w[name] * values[name] for name in FACTOR_NAMES)
    g = gates or Gates()
    deal_breakers = (
        rate_gate(mission, profile, g) * presence_gate(mission, profile, g) * days_gate(mission, profile, g)
    )
    raw = 0.0 if reason else weighted * coverage_gate(values["availability"]) * deal_breakers
    return ReferenceScore(
        profile_id=profile.id, total=round(raw, 2), raw_total=raw, factors=values, exclusion=reason
    )


def reference_score_pool(
    mission: MissionInput,
    profiles: Sequence[ProfileInput],
    vocab: Vocabulary,
    grid: RateGrid,
    weights: Weights,
    *,
    profile_vectors: Sequence[Mapping[int, float]] | None = None,
    gates: Gates | None = None,
) -> list[ReferenceScore]:
    """The per-pair loop over a pool (profile text vectors may be precomputed)."""
    mission_vector = text_vector(mission_text(mission), vocab.lexicon)
    results = []
    for i, profile in enumerate(profiles):
        results.append(
            reference_pair_score(
                mission,
                profile,
                vocab,
                grid,
                weights,
                mission_vector=mission_vector,
                profile_vector=None if profile_vectors is None else profile_vectors[i],
                gates=gates,
            )
        )
    return results

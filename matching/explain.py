"""The reasons of one mission/profile pair as data: a stable code per fact, with the figures behind it.

A company checks specific needs, past CTO roles in a similar context and the rate against the market
(DOMAIN.md §1, §3); an explanation records, with the actual numbers, where a candidate stands on each.
Each reason is a `code` (stable, e.g. `tjm_within_budget`) and its `params` (numbers, ids, ISO dates:
no prose), so the service can word it for each reader and in each language, and a client can act on it.
This runs for one pair at a time (the few pairs shown to a user), so it works on the input dataclasses
rather than the encoded arrays.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Literal

from matching import factors as f
from matching.concepts import Lexicon
from matching.inputs import (
    DEFAULT_GATES,
    Gates,
    MissionInput,
    ProfileInput,
    RateBand,
    RateGrid,
    Vocabulary,
    normalise_tag,
)
from matching.text import mission_text, profile_text, text_similarity_of

Tone = Literal["positive", "neutral", "negative"]
Params = dict[str, Any]
"""JSON-ready values only: numbers, booleans, ids, ISO dates, lists and dicts of those."""

MAX_LEVEL = 5
"""Competence levels run 1–5; a level under 3 earns partial credit only (`factors.LEVEL_CREDIT`)."""
FULL_LEVEL = 3


@dataclass(frozen=True, slots=True)
class Reason:
    code: str
    """Stable id of the fact, e.g. `missing_required`; the wording lives with the service."""
    factor: str
    """A FACTOR_NAMES entry, or "exclusion" / "budget"."""
    tone: Tone
    params: Params = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        """The stored form (the `matches.reasons` JSON list holds one such dict per reason)."""
        return {"code": self.code, "factor": self.factor, "tone": self.tone, "params": self.params}


@dataclass(frozen=True, slots=True)
class SkillGaps:
    missing_required: tuple[str, ...]
    missing_nice: tuple[str, ...]
    partial_required: tuple[str, ...]
    """Required competences held below level 3 (partial credit only)."""


@dataclass(frozen=True, slots=True)
class BudgetWarning:
    """A budget whose maximum is below the market low of the seniority it asks (DOMAIN.md §1)."""

    budget_min: int
    budget_max: int
    band: str
    band_min_years: float
    band_max_years: float | None
    tjm_low: int
    tjm_high: int

    def as_params(self) -> Params:
        return {
            "budget_min": self.budget_min,
            "budget_max": self.budget_max,
            **band_params(self.band, self.band_min_years, self.band_max_years),
            "tjm_low": self.tjm_low,
            "tjm_high": self.tjm_high,
        }


BudgetAction = Literal["raise_max", "lower_seniority"]


@dataclass(frozen=True, slots=True)
class BudgetOption:
    """One concrete way out of a budget warning, with figures from the grid only.

    `raise_max`: set the maximum to `tjm_max` (the asked band's market low). `lower_seniority`: ask for
    `band`, whose market range (`tjm_low`–`tjm_high`) the current maximum reaches.
    """

    action: BudgetAction
    tjm_max: int | None = None
    band: str | None = None
    band_min_years: float | None = None
    band_max_years: float | None = None
    tjm_low: int | None = None
    tjm_high: int | None = None

    def as_params(self) -> Params:
        if self.action == "raise_max":
            return {"action": self.action, "tjm_max": self.tjm_max}
        assert self.band is not None and self.band_min_years is not None
        return {
            "action": self.action,
            **band_params(self.band, self.band_min_years, self.band_max_years),
            "tjm_low": self.tjm_low,
            "tjm_high": self.tjm_high,
        }


@dataclass(frozen=True, slots=True)
class Explanation:
    mission_id: int
    profile_id: int
    factor_scores: Mapping[str, float]
    reasons: tuple[Reason, ...]
    skill_gaps: SkillGaps
    budget_warning: BudgetWarning | None
    exclusion: str | None

    def codes(self) -> list[str]:
        return [r.code for r in self.reasons]

    def stored(self) -> list[dict[str, Any]]:
        """The reasons as stored with the match (`Reason.as_dict` each)."""
        return [r.as_dict() for r in self.reasons]


def band_params(band: str, min_years: float, max_years: float | None, prefix: str = "band") -> Params:
    """A band as params: its id and its years, so a sentence can say "11–15 years" on its own."""
    return {prefix: band, f"{prefix}_min_years": min_years, f"{prefix}_max_years": max_years}


def _band(band: RateBand, prefix: str = "band") -> Params:
    return band_params(band.id, band.min_years, band.max_years, prefix)


def _tone(score: float | None) -> Tone:
    if score is None:
        return "neutral"
    return "positive" if score >= 0.8 else "negative" if score < 0.5 else "neutral"


def skill_gaps(mission: MissionInput, profile: ProfileInput) -> SkillGaps:
    """Competence ids the mission asks for that the profile lacks (or holds weakly)."""
    required = tuple(dict.fromkeys(mission.required_competences))
    nice = tuple(c for c in dict.fromkeys(mission.nice_competences) if c not in required)
    return SkillGaps(
        missing_required=tuple(c for c in required if c not in profile.competences),
        missing_nice=tuple(c for c in nice if c not in profile.competences),
        partial_required=tuple(c for c in required if 0 < profile.competences.get(c, 0) < FULL_LEVEL),
    )


def budget_warning(mission: MissionInput, grid: RateGrid) -> BudgetWarning | None:
    """Warn when the budget cannot afford the seniority asked: tjm_max below that band's tjm_low."""
    band = grid.band(mission.seniority)
    if mission.tjm_max >= band.tjm_low:
        return None
    return BudgetWarning(
        budget_min=mission.tjm_min,
        budget_max=mission.tjm_max,
        band=band.id,
        band_min_years=band.min_years,
        band_max_years=band.max_years,
        tjm_low=band.tjm_low,
        tjm_high=band.tjm_high,
    )


def budget_advice(warning: BudgetWarning, grid: RateGrid) -> tuple[BudgetOption, ...]:
    """The ways out of a budget warning, from `grid` only: raise the maximum to the asked band's market
    low; or ask for the most senior band below the asked one whose market low the current maximum
    reaches (the grid is not monotonic in experience, so that band need not be the next one down)."""
    options = [BudgetOption(action="raise_max", tjm_max=grid.band(warning.band).tjm_low)]
    junior = grid.bands[: grid.index(warning.band)]
    reachable = [b for b in junior if b.tjm_low <= warning.budget_max]
    if reachable:
        band = reachable[-1]
        options.append(
            BudgetOption(
                action="lower_seniority",
                band=band.id,
                band_min_years=band.min_years,
                band_max_years=band.max_years,
                tjm_low=band.tjm_low,
                tjm_high=band.tjm_high,
            )
        )
    return tuple(options)


def _market_reason(tjm: int, band: RateBand, tone_score: float | None) -> Reason:
    params: Params = {"tjm": tjm, **_band(band), "tjm_low": band.tjm_low, "tjm_high": band.tjm_high}
    if tjm < band.tjm_low:
        return Reason("market_below", "tjm", "neutral", params)
    if tjm <= band.tjm_high:
        return Reason("market_within", "tjm", "positive", params)
    if band.tjm_ceiling is None:
        return Reason("market_above", "tjm", "negative", params)
    params["tjm_ceiling"] = band.tjm_ceiling
    if tjm <= band.tjm_ceiling:
        return Reason("market_within_ceiling", "tjm", _tone(tone_score), params)
    return Reason("market_above_ceiling", "tjm", "negative", params)


def _tjm_reasons(
    mission: MissionInput, profile: ProfileInput, grid: RateGrid, score: float | None
) -> list[Reason]:
    t = profile.tjm
    params: Params = {"tjm": t, "budget_min": mission.tjm_min, "budget_max": mission.tjm_max}
    if t > mission.tjm_max:
        params["over_percent"] = round(100.0 * (t - mission.tjm_max) / mission.tjm_max, 1)
        code = "tjm_above_budget"
    elif t < mission.tjm_min:
        code = "tjm_below_budget"
    else:
        code = "tjm_within_budget"
    band = grid.band_for_years(profile.years_experience)
    return [Reason(code, "tjm", _tone(score), params), _market_reason(t, band, score)]


def _availability_reasons(mission: MissionInput, profile: ProfileInput) -> list[Reason]:
    """When the freelancer can start (against the mission's length), the days/week and, when it bites,
    the coverage gate: the same quantities as the availability factor (`matching.factors`), whose value,
    the coverage, sets the tone."""
    late = (profile.available_from - mission.start_date).days
    length = None if mission.end_date is None else (mission.end_date - mission.start_date).days + 1
    time_share = f.time_share(late, length)
    coverage = time_share * f.days_share(profile.days_per_week, mission.days_per_week)
    params: Params = {
        "available_from": profile.available_from.isoformat(),
        "start_date": mission.start_date.isoformat(),
        "end_date": None if mission.end_date is None else mission.end_date.isoformat(),
        "days_late": max(0, late),
        "days_per_week": profile.days_per_week,
        "days_asked": mission.days_per_week,
    }
    if late <= 0:
        code = "availability_by_start"
    elif length is None:
        code = "availability_late_open_ended"
    elif time_share == 0.0:
        code = "availability_after_end"
    else:
        code = "availability_late"
        params["mission_share"] = round(late / length, 4)
    reasons = [Reason(code, "availability", _tone(coverage), params)]
    gate = f.coverage_gate(coverage)
    if gate < 1.0:
        gate_params: Params = {
            "coverage": round(coverage, 4),
            "threshold": f.COVERAGE_GATE,
            "multiplier": round(gate, 4),
        }
        # no share of an open-ended mission is lost: its number is the factor's value, not a share
        gate_code = "availability_gate_open_ended" if length is None else "availability_gate"
        reasons.append(Reason(gate_code, "availability", "negative", gate_params))
    return reasons


def _experience_reason(mission: MissionInput, profile: ProfileInput, grid: RateGrid) -> Reason:
    own = grid.band_for_years(profile.years_experience)
    asked = grid.band(mission.seniority)
    gap = grid.index(own.id) - grid.index(asked.id)
    params: Params = {"years": profile.years_experience, **_band(own), **_band(asked, "asked"), "gap": gap}
    if gap == 0:
        return Reason("experience_as_asked", "experience", "positive", params)
    if gap > 0:
        return Reason("experience_above", "experience", "positive" if gap == 1 else "neutral", params)
    return Reason("experience_below", "experience", "negative", params)


def _competence_reasons(
    mission: MissionInput, profile: ProfileInput, gaps: SkillGaps, similarity: float
) -> list[Reason]:
    reasons: list[Reason] = []
    required = tuple(dict.fromkeys(mission.required_competences))
    nice = tuple(c for c in dict.fromkeys(mission.nice_competences) if c not in required)
    held = [{"id": c, "level": profile.competences[c]} for c in required if c in profile.competences]
    if required:
        tone: Tone = "positive" if len(held) == len(required) else "neutral"
        params: Params = {"held": len(held), "required": len(required), "competences": held}
        reasons.append(Reason("required_held", "competences", tone, params))
    for c in gaps.missing_required:
        reasons.append(Reason("missing_required", "competences", "negative", {"competence": c}))
    for c in gaps.partial_required:
        params = {"competence": c, "level": profile.competences[c], "max_level": MAX_LEVEL}
        reasons.append(Reason("partial_required", "competences", "negative", params))
    if nice:
        params = {
            "held": len(nice) - len(gaps.missing_nice),
            "total": len(nice),
            "missing": list(gaps.missing_nice),
        }
        reasons.append(Reason("nice_held", "competences", "neutral", params))
    params = {"similarity": round(similarity, 4)}
    reasons.append(Reason("text_similarity", "competences", "neutral", params))
    return reasons


@lru_cache(maxsize=4_096)
def _concepts_of(lexicon: Lexicon, text: str) -> tuple[str, ...]:
    """`Lexicon.concept_ids`, remembered: a scoring run explains one mission's text against each of its
    candidates, and one profile's text for each mission it is kept for."""
    return lexicon.concept_ids(text)


def _shared_concepts(mission: MissionInput, profile: ProfileInput, lexicon: Lexicon) -> list[Reason]:
    """The concepts of the lexicon both texts name, whatever their language: what the text part of the
    competence factor found in common ("recette" in the mission, "acceptance testing" in the profile)."""
    both = set(_concepts_of(lexicon, mission_text(mission))) & set(
        _concepts_of(lexicon, profile_text(profile))
    )
    shared = [c for c in lexicon.ids if c in both]
    if not shared:
        return []
    return [Reason("shared_concepts", "competences", "positive", {"concepts": shared})]


def _cto_missions_reason(mission: MissionInput, profile: ProfileInput, score: float | None) -> list[Reason]:
    requested = tuple(dict.fromkeys(mission.cto_missions))
    if not requested:
        return []
    params: Params = {
        "requested": len(requested),
        "done": [x for x in requested if x in profile.cto_missions],
        "missing": [x for x in requested if x not in profile.cto_missions],
    }
    return [Reason("cto_missions_done", "cto_missions", _tone(score), params)]


def mobility_reach(mission: MissionInput, profile: ProfileInput) -> tuple[str, str] | None:
    """How the freelancer can be on site in the mission's city: ("city", place) when it is their city,
    ("mobility", place) when it or its region is in their mobility, ("anywhere", "") when they are
    mobile anywhere in France; None when they cannot (or the mission names no city)."""
    return f.on_site_reach(
        mission.location, mission.region, profile.location, profile.mobility, profile.mobility_anywhere
    )


def _remote_reasons(mission: MissionInput, profile: ProfileInput, score: float | None) -> list[Reason]:
    fit = f.REMOTE_FIT[(profile.remote_preference, mission.remote_policy)]
    params: Params = {"policy": mission.remote_policy, "preference": profile.remote_preference}
    code = "remote_match" if fit == 1.0 else "remote_mismatch"
    reasons = [Reason(code, "remote_location", _tone(fit), params)]
    if mission.remote_policy != "remote" and mission.location:
        reach = mobility_reach(mission, profile)
        if reach is None:
            params = {"city": mission.location, "profile_city": profile.location or None}
            reasons.append(Reason("other_city", "remote_location", _tone(score), params))
        elif reach[0] == "city":
            reasons.append(Reason("same_city", "remote_location", "positive", {"city": mission.location}))
        else:
            params = {"city": mission.location, "profile_city": profile.location or None, "place": reach[1]}
            code = "mobility_anywhere" if reach[0] == "anywhere" else "mobility_city"
            reasons.append(Reason(code, "remote_location", "positive", params))
    return reasons


def _gate_reasons(mission: MissionInput, profile: ProfileInput, gates: Gates) -> list[Reason]:
    """The deal-breaker gates that bite, each with the multiplier it puts on the total."""
    reasons: list[Reason] = []
    rate = f.rate_gate(profile.tjm, mission.tjm_max, gates)
    zone = f.rate_zone(profile.tjm, mission.tjm_max, gates)
    if zone != "within" and rate < 1.0:
        params: Params = {
            "tjm": profile.tjm,
            "budget_max": mission.tjm_max,
            "over_percent": round(100.0 * (profile.tjm - mission.tjm_max) / mission.tjm_max, 1),
            "small_percent": round(100.0 * gates.rate_small_over, 1),
            "hard_percent": round(100.0 * gates.rate_hard_over, 1),
            "multiplier": round(rate, 4),
        }
        reasons.append(Reason(f"gate_rate_{zone}", "gate", "negative", params))
    preference, policy = profile.remote_preference, mission.remote_policy
    needs_city = policy != "remote" and bool(normalise_tag(mission.location))
    present = mobility_reach(mission, profile) is not None
    flaw = f.presence_flaw(preference, policy, needs_city, present)
    presence = f.presence_gate(preference, policy, needs_city, present, gates)
    if flaw == "work_mode" and presence < 1.0:
        params = {"preference": preference, "policy": policy, "multiplier": round(presence, 4)}
        reasons.append(Reason("gate_work_mode", "gate", "negative", params))
    elif flaw == "other_city" and presence < 1.0:
        params = {
            "city": mission.location,
            "profile_city": profile.location or None,
            "mobility": list(profile.mobility),
            "multiplier": round(presence, 4),
        }
        reasons.append(Reason("gate_other_city", "gate", "negative", params))
    offered, asked = profile.days_per_week, mission.days_per_week
    shortfall = f.days_shortfall(offered, asked)
    days = f.days_gate(offered, asked, gates)
    if shortfall != "none" and days < 1.0:
        params = {"days_per_week": offered, "days_asked": asked, "multiplier": round(days, 4)}
        code = "gate_days_short" if shortfall == "one" else "gate_days_hard"
        reasons.append(Reason(code, "gate", "negative", params))
    return reasons


def _context_reasons(mission: MissionInput, profile: ProfileInput, vocab: Vocabulary | None) -> list[Reason]:
    reasons: list[Reason] = []
    ctx = mission.context
    known = vocab.context_index if vocab is not None else None
    contexts = [c for c in profile.past_role_contexts if known is None or c in known]
    if ctx and (known is None or ctx in known):
        same = [r for r in profile.past_roles if r.context == ctx]
        similar = sorted(
            {c for c in contexts if c != ctx and f.context_similarity(ctx, c) > 0},
            key=lambda c: (-f.context_similarity(ctx, c), c),
        )
        if same:
            for role in same:
                params: Params = {
                    "context": ctx,
                    "title": role.title or "CTO",
                    "start_year": role.start_year,
                    "end_year": role.end_year,
                }
                reasons.append(Reason("past_role_context", "sector_context", "positive", params))
        elif ctx in contexts:
            reasons.append(Reason("past_role_context_listed", "sector_context", "positive", {"context": ctx}))
        elif similar:
            example = next((r for r in profile.past_roles if r.context == similar[0]), None)
            params = {
                "context": ctx,
                "similar": similar[0],
                "start_year": example.start_year if example else None,
                "end_year": example.end_year if example else None,
            }
            reasons.append(Reason("similar_context", "sector_context", "neutral", params))
        else:
            reasons.append(Reason("no_context_role", "sector_context", "negative", {"context": ctx}))
    # Mirror the score: a tag counts when the profile carries the mission's sector or context and the
    # tag is in the scoring vocabulary (when the caller passes it).
    tags = {normalise_tag(s) for s in profile.sectors if vocab is None or normalise_tag(s) in vocab.tag_index}
    sector_hit = bool(mission.sector) and normalise_tag(mission.sector) in tags
    context_hit = bool(ctx) and normalise_tag(ctx) in tags
    if sector_hit:
        reasons.append(Reason("sector_match", "sector_context", "positive", {"sector": mission.sector}))
    elif context_hit:
        reasons.append(Reason("context_tag_match", "sector_context", "positive", {"context": ctx}))
    elif mission.sector:
        reasons.append(Reason("no_sector", "sector_context", "neutral", {"sector": mission.sector}))
    return reasons


def _orientation_reason(mission: MissionInput, profile: ProfileInput, score: float | None) -> Reason:
    if mission.orientation == profile.orientation:
        return Reason("orientation_match", "orientation", "positive", {"orientation": mission.orientation})
    params: Params = {"mission": mission.orientation, "freelancer": profile.orientation}
    return Reason("orientation_mismatch", "orientation", _tone(score), params)


def explain_pair(
    mission: MissionInput,
    profile: ProfileInput,
    factor_scores: Mapping[str, float],
    grid: RateGrid,
    *,
    vocab: Vocabulary | None = None,
    text_similarity: float | None = None,
    gates: Gates | None = None,
) -> Explanation:
    """Reasons for one scored pair.

    `vocab`, when given, limits sector tags to those the engine scored (tags outside the vocabulary are
    ignored by the score, so the reasons skip them too). `text_similarity`, when the caller has it from
    the encoded arrays (engine.pair_text_similarity), saves hashing both texts again: that was 90 % of
    the cost of an explanation.
    """
    scores = dict(factor_scores)
    reasons: list[Reason] = []
    code = f.exclusion_code(
        mission_open=mission.is_open,
        profile_active=profile.active,
        remote_preference=profile.remote_preference,
        remote_policy=mission.remote_policy,
    )
    exclusion = f.EXCLUSION_REASONS[code] if code else None
    if exclusion:
        params: Params = {}
        if exclusion == "remote_incompatible":
            params = {"preference": profile.remote_preference, "policy": mission.remote_policy}
        reasons.append(Reason(f"excluded_{exclusion}", "exclusion", "negative", params))

    gaps = skill_gaps(mission, profile)
    similarity = (
        text_similarity_of(mission_text(mission), profile_text(profile), vocab.lexicon if vocab else None)
        if text_similarity is None
        else text_similarity
    )
    reasons.extend(_competence_reasons(mission, profile, gaps, similarity))
    if vocab is not None and vocab.lexicon is not None:
        reasons.extend(_shared_concepts(mission, profile, vocab.lexicon))
    reasons.extend(_cto_missions_reason(mission, profile, scores.get("cto_missions")))
    reasons.append(_experience_reason(mission, profile, grid))
    reasons.extend(_tjm_reasons(mission, profile, grid, scores.get("tjm")))
    reasons.extend(_availability_reasons(mission, profile))
    if exclusion != "remote_incompatible":
        reasons.extend(_remote_reasons(mission, profile, scores.get("remote_location")))
    if not exclusion:
        reasons.extend(_gate_reasons(mission, profile, gates or DEFAULT_GATES))
    reasons.extend(_context_reasons(mission, profile, vocab))
    reasons.append(_orientation_reason(mission, profile, scores.get("orientation")))

    warning = budget_warning(mission, grid)
    if warning:
        options = [o.as_params() for o in budget_advice(warning, grid)]
        reasons.append(
            Reason("budget_below_market", "budget", "negative", {**warning.as_params(), "options": options})
        )
    return Explanation(
        mission_id=mission.id,
        profile_id=profile.id,
        factor_scores=scores,
        reasons=tuple(reasons),
        skill_gaps=gaps,
        budget_warning=warning,
        exclusion=exclusion,
    )


#: Every code `explain_pair` can emit (the service renders each one; its tests hold the two lists equal).
REASON_CODES: tuple[str, ...] = (
    *(f"excluded_{name}" for name in f.EXCLUSION_REASONS if name),
    "required_held",
    "missing_required",
    "partial_required",
    "nice_held",
    "text_similarity",
    "shared_concepts",
    "cto_missions_done",
    "experience_as_asked",
    "experience_above",
    "experience_below",
    "tjm_within_budget",
    "tjm_above_budget",
    "tjm_below_budget",
    "market_below",
    "market_within",
    "market_above",
    "market_within_ceiling",
    "market_above_ceiling",
    "availability_by_start",
    "availability_late",
    "availability_late_open_ended",
    "availability_after_end",
    "availability_gate",
    "availability_gate_open_ended",
    "remote_match",
    "remote_mismatch",
    "same_city",
    "mobility_city",
    "mobility_anywhere",
    "other_city",
    "gate_rate_small",
    "gate_rate_demoted",
    "gate_rate_hard",
    "gate_work_mode",
    "gate_other_city",
    "gate_days_short",
    "gate_days_hard",
    "past_role_context",
    "past_role_context_listed",
    "similar_context",
    "no_context_role",
    "sector_match",
    "context_tag_match",
    "no_sector",
    "orientation_match",
    "orientation_mismatch",
    "budget_below_market",
)

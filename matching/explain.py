"""Human-readable reasons for one mission/profile pair, citing the facts behind each factor.

A company checks specific needs, past CTO roles in a similar context and the rate against the market
(DOMAIN.md §1, §3); an explanation says, with the actual numbers, where a candidate stands on each.
This runs for one pair at a time (the few pairs shown to a user), so it works on the input dataclasses
rather than the encoded arrays.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Literal

from matching import factors as f
from matching.inputs import MissionInput, ProfileInput, RateBand, RateGrid, Vocabulary, normalise_tag
from matching.text import mission_text, profile_text, text_similarity_of

Tone = Literal["positive", "neutral", "negative"]

ORIENTATION_LABELS: Mapping[str, str] = {
    "cto": "CTO (strategy, innovation, new products)",
    "dsi": "DSI (running and optimising existing information systems)",
    "both": "both CTO and DSI",
}
REMOTE_LABELS: Mapping[str, str] = {
    "remote": "full remote",
    "hybrid": "hybrid",
    "onsite": "on site",
    "flexible": "flexible",
}
EXCLUSION_TEXT: Mapping[str, str] = {
    "mission_closed": "excluded: the mission is closed",
    "profile_inactive": "excluded: the profile is inactive",
    "remote_incompatible": "excluded: full-remote freelancer, on-site mission",
}


@dataclass(frozen=True, slots=True)
class Reason:
    factor: str
    """A FACTOR_NAMES entry, or "exclusion" / "budget"."""
    text: str
    tone: Tone


@dataclass(frozen=True, slots=True)
class SkillGaps:
    missing_required: tuple[str, ...]
    missing_nice: tuple[str, ...]
    partial_required: tuple[str, ...]
    """Required competences held below level 3 (partial credit only)."""


@dataclass(frozen=True, slots=True)
class Explanation:
    mission_id: int
    profile_id: int
    factor_scores: Mapping[str, float]
    reasons: tuple[Reason, ...]
    skill_gaps: SkillGaps
    budget_warning: str | None
    exclusion: str | None

    def lines(self) -> list[str]:
        return [r.text for r in self.reasons]


def _context_phrase(context: str) -> str:
    """ "an agency context", "a public sector context": the article follows the word."""
    words = context.replace("_", " ")
    return f"{'an' if words[:1] in set('aeiou') else 'a'} {words} context"


def _label(labels: Mapping[str, str] | None, item_id: str) -> str:
    if labels and item_id in labels:
        return labels[item_id]
    return item_id.replace("_", " ")


def _eur(value: float) -> str:
    return f"{value:,.0f} €".replace(",", " ")


def _range(low: float, high: float) -> str:
    return f"{low:,.0f}–{high:,.0f} €".replace(",", " ")


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
        partial_required=tuple(c for c in required if 0 < profile.competences.get(c, 0) < 3),
    )


def budget_warning(mission: MissionInput, grid: RateGrid) -> str | None:
    """Warn when the budget cannot afford the seniority asked: tjm_max below that band's tjm_low."""
    band = grid.band(mission.seniority)
    if mission.tjm_max >= band.tjm_low:
        return None
    return (
        f"budget {_range(mission.tjm_min, mission.tjm_max)} is below the market range "
        f"{_range(band.tjm_low, band.tjm_high)} for {band.years_label}"
    )


def _market_note(tjm: int, band: RateBand) -> str:
    market = f"market range for {band.years_label} is {_range(band.tjm_low, band.tjm_high)}"
    if tjm < band.tjm_low:
        return f"{market} (rate below it)"
    if tjm <= band.tjm_high:
        return market
    if band.tjm_ceiling is not None and tjm <= band.tjm_ceiling:
        return f"{market} (rate above it, within the documented ceiling {_eur(band.tjm_ceiling)})"
    return f"{market} (rate above it)"


def _tjm_reason(mission: MissionInput, profile: ProfileInput, grid: RateGrid) -> str:
    budget = _range(mission.tjm_min, mission.tjm_max)
    t = profile.tjm
    if t > mission.tjm_max:
        over = 100.0 * (t - mission.tjm_max) / mission.tjm_max
        head = f"TJM {_eur(t)} is {over:.0f}% above budget {budget}"
    elif t < mission.tjm_min:
        head = f"TJM {_eur(t)} below budget {budget} (cheaper than planned)"
    else:
        head = f"TJM {_eur(t)} within budget {budget}"
    return f"{head}; {_market_note(t, grid.band_for_years(profile.years_experience))}"


def _share_text(fraction: float) -> str:
    """A share of the mission as a whole percentage; never rounds a partial share to 0 % or 100 %."""
    pct = 100.0 * fraction
    return "<1%" if pct < 1 else ">99%" if pct > 99 else f"{pct:.0f}%"


def _availability_reasons(mission: MissionInput, profile: ProfileInput) -> list[Reason]:
    """When the freelancer can start (against the mission's length), the days/week and, when it bites,
    the coverage gate: the same quantities as the availability factor (`matching.factors`), whose value,
    the coverage, sets the tone."""
    avail: date = profile.available_from
    late = (avail - mission.start_date).days
    length = None if mission.end_date is None else (mission.end_date - mission.start_date).days + 1
    time_share = f.time_share(late, length)
    coverage = time_share * f.days_share(profile.days_per_week, mission.days_per_week)
    days_late = f"{late} day{'s' if late > 1 else ''}"
    if late <= 0:
        text = f"available {avail}, by the mission start ({mission.start_date})"
    elif length is None:
        text = f"available {avail}, {days_late} after the start of an open-ended mission"
    elif time_share == 0.0:
        text = f"available {avail}, after the mission ends ({mission.end_date})"
    else:
        share = _share_text(late / length)
        text = f"available {avail}, after {share} of the mission (ends {mission.end_date}), {days_late} in"
    if profile.days_per_week < mission.days_per_week:
        text += f"; can work {profile.days_per_week} of the {mission.days_per_week} days/week asked"
    else:
        text += f"; can work the {mission.days_per_week} days/week asked"
    reasons = [Reason("availability", text, _tone(coverage))]
    gate = f.coverage_gate(coverage)
    if gate < 1.0:
        if length is None:  # no share of an open-ended mission is lost: say what the number is
            what = f"availability {coverage:.2f} (waiting time and days/week) is under {f.COVERAGE_GATE:.2f}"
        else:
            covered = _share_text(coverage) if coverage > 0 else "0%"
            what = f"can cover {covered} of the mission's working time, under {f.COVERAGE_GATE:.0%}"
        reasons.append(Reason("availability", f"{what}: total scaled by {gate:.2f}", "negative"))
    return reasons


def _experience_reason(mission: MissionInput, profile: ProfileInput, grid: RateGrid) -> tuple[str, Tone]:
    own = grid.band_for_years(profile.years_experience)
    asked = grid.band(mission.seniority)
    gap = grid.index(own.id) - grid.index(asked.id)
    years = f"{profile.years_experience:g} years of experience ({own.years_label})"
    if gap == 0:
        return f"{years}, the seniority asked", "positive"
    bands = "one band" if abs(gap) == 1 else f"{abs(gap)} bands"
    if gap > 0:
        return f"{years}: {bands} above the {asked.years_label} asked", "positive" if gap == 1 else "neutral"
    return f"{years}: {bands} below the {asked.years_label} asked", "negative"


def _role_span(start: int | None, end: int | None) -> str:
    if start is None and end is None:
        return ""
    return f" ({start if start is not None else '?'}–{end if end is not None else 'now'})"


def _context_reasons(
    mission: MissionInput,
    profile: ProfileInput,
    labels: Mapping[str, str] | None,
    vocab: Vocabulary | None,
) -> list[Reason]:
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
                title = role.title or "CTO"
                span = _role_span(role.start_year, role.end_year)
                text = f"already {title} in {_context_phrase(ctx)}{span}"
                reasons.append(Reason("sector_context", text, "positive"))
        elif ctx in contexts:
            text = f"already held a CTO role in {_context_phrase(ctx)}"
            reasons.append(Reason("sector_context", text, "positive"))
        elif similar:
            example = next((r for r in profile.past_roles if r.context == similar[0]), None)
            span = _role_span(example.start_year, example.end_year) if example else ""
            text = f"past role in a similar context ({similar[0]}{span}), none in {_context_phrase(ctx)}"
            reasons.append(Reason("sector_context", text, "neutral"))
        else:
            text = f"no past CTO role in {_context_phrase(ctx)}"
            reasons.append(Reason("sector_context", text, "negative"))
    # Mirror the score: a tag counts when the profile carries the mission's sector or context and the
    # tag is in the scoring vocabulary (when the caller passes it).
    tags = {normalise_tag(s) for s in profile.sectors if vocab is None or normalise_tag(s) in vocab.tag_index}
    sector_hit = bool(mission.sector) and normalise_tag(mission.sector) in tags
    context_hit = bool(ctx) and normalise_tag(ctx) in tags
    if sector_hit:
        text = f"has worked in the {_label(labels, mission.sector)} sector"
        reasons.append(Reason("sector_context", text, "positive"))
    elif context_hit:
        text = f"the profile lists {_label(labels, ctx)}, the mission's context"
        reasons.append(Reason("sector_context", text, "positive"))
    elif mission.sector:
        text = f"no {_label(labels, mission.sector)} sector in the profile"
        reasons.append(Reason("sector_context", text, "neutral"))
    return reasons


def explain_pair(
    mission: MissionInput,
    profile: ProfileInput,
    factor_scores: Mapping[str, float],
    grid: RateGrid,
    labels: Mapping[str, str] | None = None,
    *,
    vocab: Vocabulary | None = None,
    text_similarity: float | None = None,
) -> Explanation:
    """Reasons for one scored pair.

    `labels` maps taxonomy ids to English labels; `vocab`, when given, limits sector tags to those the
    engine scored (tags outside the vocabulary are ignored by the score, so the reasons skip them too).
    `text_similarity`, when the caller has it from the encoded arrays (engine.pair_text_similarity),
    saves hashing both texts again: that was 90 % of the cost of an explanation.
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
        reasons.append(Reason("exclusion", EXCLUSION_TEXT[exclusion], "negative"))

    # competences
    gaps = skill_gaps(mission, profile)
    required = tuple(dict.fromkeys(mission.required_competences))
    nice = tuple(c for c in dict.fromkeys(mission.nice_competences) if c not in required)
    held = [c for c in required if c in profile.competences]
    if required:
        detail = ", ".join(f"{_label(labels, c)} (level {profile.competences[c]})" for c in held)
        text = f"has {len(held)} of {len(required)} required competences" + (f": {detail}" if detail else "")
        reasons.append(Reason("competences", text, "positive" if len(held) == len(required) else "neutral"))
    for c in gaps.missing_required:
        reasons.append(Reason("competences", f"missing required competence: {_label(labels, c)}", "negative"))
    for c in gaps.partial_required:
        level = profile.competences[c]
        text = f"required competence {_label(labels, c)} only at level {level}/5"
        reasons.append(Reason("competences", text, "negative"))
    if nice:
        text = f"has {len(nice) - len(gaps.missing_nice)} of {len(nice)} nice-to-have competences"
        if gaps.missing_nice:
            text += "; missing: " + ", ".join(_label(labels, c) for c in gaps.missing_nice)
        reasons.append(Reason("competences", text, "neutral"))
    similarity = (
        text_similarity_of(mission_text(mission), profile_text(profile))
        if text_similarity is None
        else text_similarity
    )
    reasons.append(
        Reason("competences", f"text similarity with the mission description: {similarity:.2f}", "neutral")
    )

    # CTO missions
    requested = tuple(dict.fromkeys(mission.cto_missions))
    if requested:
        done = [x for x in requested if x in profile.cto_missions]
        missing = [x for x in requested if x not in profile.cto_missions]
        text = f"already carried out {len(done)} of {len(requested)} requested CTO missions"
        if done:
            text += ": " + ", ".join(_label(labels, x) for x in done)
        if missing:
            text += "; not yet: " + ", ".join(_label(labels, x) for x in missing)
        reasons.append(Reason("cto_missions", text, _tone(scores.get("cto_missions"))))

    text, tone = _experience_reason(mission, profile, grid)
    reasons.append(Reason("experience", text, tone))
    reasons.append(Reason("tjm", _tjm_reason(mission, profile, grid), _tone(scores.get("tjm"))))
    reasons.extend(_availability_reasons(mission, profile))

    # remote / location
    if exclusion != "remote_incompatible":
        text = (
            f"{REMOTE_LABELS[mission.remote_policy]} mission; freelancer prefers "
            f"{REMOTE_LABELS[profile.remote_preference]}"
        )
        if mission.remote_policy != "remote" and mission.location:
            if normalise_tag(mission.location) == normalise_tag(profile.location):
                text += f"; same city ({mission.location})"
            else:
                text += f"; based in {profile.location or 'an unknown city'}, mission in {mission.location}"
        reasons.append(Reason("remote_location", text, _tone(scores.get("remote_location"))))

    reasons.extend(_context_reasons(mission, profile, labels, vocab))

    if mission.orientation != profile.orientation:
        text = (
            f"mission asks {ORIENTATION_LABELS[mission.orientation]}; "
            f"freelancer is {ORIENTATION_LABELS[profile.orientation]}"
        )
        reasons.append(Reason("orientation", text, _tone(scores.get("orientation"))))

    warning = budget_warning(mission, grid)
    if warning:
        reasons.append(Reason("budget", warning, "negative"))
    return Explanation(
        mission_id=mission.id,
        profile_id=profile.id,
        factor_scores=scores,
        reasons=tuple(reasons),
        skill_gaps=gaps,
        budget_warning=warning,
        exclusion=exclusion,
    )

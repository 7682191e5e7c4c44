"""Typed, validated inputs of the scoring engine.

The engine never reads files or the database: the service turns rows (or the fixture JSON) into these
frozen dataclasses, and the caller passes the taxonomy-derived `Vocabulary`, the `RateGrid` and the
`Weights`. Keeping these plain and immutable is what makes the engine pure and testable with hypothesis.
"""

from __future__ import annotations

import math
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, fields
from datetime import date
from functools import lru_cache
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from matching.concepts import Lexicon

REMOTE_PREFERENCES: tuple[str, ...] = ("remote", "hybrid", "onsite", "flexible")
"""Freelancer side; `remote` = full remote only, `onsite` = on site only."""

REMOTE_POLICIES: tuple[str, ...] = ("remote", "hybrid", "onsite")
"""Mission side."""

ORIENTATIONS: tuple[str, ...] = ("cto", "dsi", "both")
"""CTO (strategy, innovation, products) vs DSI (run the existing IS), DOMAIN.md §4."""

CONTEXT_IDS: tuple[str, ...] = (
    "agency",
    "startup",
    "scaleup",
    "fintech",
    "industrial",
    "enterprise",
    "public_sector",
)
"""Company / past-role contexts of fixtures/README.md (not part of taxonomy.json)."""

COMPETENCE_KINDS: frozenset[str] = frozenset(
    {"hard_skill", "soft_skill", "agency_project", "agency_phase", "agency_deliverable"}
)
CTO_MISSION_KIND = "cto_mission"
SECTOR_KIND = "sector"


@lru_cache(maxsize=65_536)
def normalise_tag(value: str) -> str:
    """Case-, accent- and whitespace-insensitive form used to compare cities and sector tags (cached:
    the same few hundred cities and tags come back for every pair explained)."""
    decomposed = unicodedata.normalize("NFKD", value.casefold())
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(stripped.split())


def _as_date(value: Any) -> date:
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        return date.fromisoformat(value)
    raise ValueError(f"expected a date or an ISO date string, got {value!r}")


def _as_str_tuple(values: Iterable[Any] | None) -> tuple[str, ...]:
    return tuple(str(v) for v in (values or ()))


def _check_choice(name: str, value: str, allowed: tuple[str, ...]) -> None:
    if value not in allowed:
        raise ValueError(f"{name} must be one of {allowed}, got {value!r}")


@dataclass(frozen=True, kw_only=True, slots=True)
class PastRole:
    """A past CTO role; only its context is scored, the rest is cited by explanations."""

    title: str
    context: str
    company: str = ""
    start_year: int | None = None
    end_year: int | None = None


@dataclass(frozen=True, kw_only=True)
class ProfileInput:
    """One freelance CTO profile, as the engine sees it (private fields left out)."""

    id: int
    years_experience: float
    tjm: int
    available_from: date
    days_per_week: int
    remote_preference: str
    location: str
    orientation: str
    competences: Mapping[str, int] = field(default_factory=dict)
    cto_missions: tuple[str, ...] = ()
    sectors: tuple[str, ...] = ()
    past_role_contexts: tuple[str, ...] = ()
    stack: tuple[str, ...] = ()
    headline: str = ""
    summary: str = ""
    active: bool = True
    past_roles: tuple[PastRole, ...] = ()
    mobility: tuple[str, ...] = ()
    """Cities or regions (as written: compared accent- and case-insensitively) where the freelancer can
    work on site besides `location`."""
    mobility_anywhere: bool = False
    """Can work on site anywhere in France."""

    def __post_init__(self) -> None:
        if not (math.isfinite(self.years_experience) and 0 <= self.years_experience <= 80):
            raise ValueError(f"years_experience out of range: {self.years_experience}")
        if self.tjm <= 0:
            raise ValueError(f"tjm must be positive, got {self.tjm}")
        if not 1 <= self.days_per_week <= 5:
            raise ValueError(f"days_per_week must be 1-5, got {self.days_per_week}")
        _check_choice("remote_preference", self.remote_preference, REMOTE_PREFERENCES)
        _check_choice("orientation", self.orientation, ORIENTATIONS)
        for comp_id, level in self.competences.items():
            if not 1 <= int(level) <= 5:
                raise ValueError(f"competence {comp_id!r} level must be 1-5, got {level}")
        # A private copy (typed read-only as Mapping): later edits to the caller's dict cannot leak in.
        object.__setattr__(self, "competences", {str(k): int(v) for k, v in self.competences.items()})

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any], *, fallback_id: int = 0) -> ProfileInput:
        """Build from a dict in the fixtures/README.md profile schema.

        Fixture rows are keyed by e-mail, not by id, hence `fallback_id` when `data` has no `id`.
        """
        raw_competences = data.get("competences") or ()
        if isinstance(raw_competences, Mapping):
            competences = {str(k): int(v) for k, v in raw_competences.items()}
        else:
            competences = {str(c["id"]): int(c["level"]) for c in raw_competences}
        past_roles = tuple(
            PastRole(
                title=str(r.get("title", "")),
                context=str(r.get("context", "")),
                company=str(r.get("company", "")),
                start_year=None if r.get("start_year") is None else int(r["start_year"]),
                end_year=None if r.get("end_year") is None else int(r["end_year"]),
            )
            for r in (data.get("past_roles") or ())
        )
        contexts = data.get("past_role_contexts")
        return cls(
            id=int(data.get("id", fallback_id)),
            years_experience=float(data["years_experience"]),
            tjm=int(data["tjm"]),
            available_from=_as_date(data["available_from"]),
            days_per_week=int(data["days_per_week"]),
            remote_preference=str(data["remote_preference"]),
            location=str(data.get("location") or ""),
            orientation=str(data.get("orientation") or "both"),
            competences=competences,
            cto_missions=_as_str_tuple(data.get("cto_missions")),
            sectors=_as_str_tuple(data.get("sectors")),
            past_role_contexts=(
                _as_str_tuple(contexts) if contexts is not None else tuple(r.context for r in past_roles)
            ),
            stack=_as_str_tuple(data.get("stack")),
            headline=str(data.get("headline") or ""),
            summary=str(data.get("summary") or ""),
            active=bool(data.get("active", True)),
            past_roles=past_roles,
            mobility=_as_str_tuple(data.get("mobility")),
            mobility_anywhere=bool(data.get("mobility_anywhere", False)),
        )


@dataclass(frozen=True, kw_only=True, slots=True)
class MissionInput:
    """One mission posted by a company, as the engine sees it."""

    id: int
    title: str
    description: str
    orientation: str
    seniority: str
    tjm_min: int
    tjm_max: int
    start_date: date
    days_per_week: int
    remote_policy: str
    location: str = ""
    sector: str = ""
    context: str = ""
    cto_missions: tuple[str, ...] = ()
    required_competences: tuple[str, ...] = ()
    nice_competences: tuple[str, ...] = ()
    end_date: date | None = None
    is_open: bool = True
    region: str = ""
    """The region of `location` (resolved by the caller from its table of places), so a freelancer
    mobile across a region is present in each of its cities."""

    def __post_init__(self) -> None:
        _check_choice("orientation", self.orientation, ORIENTATIONS)
        _check_choice("remote_policy", self.remote_policy, REMOTE_POLICIES)
        if not 0 < self.tjm_min <= self.tjm_max:
            raise ValueError(f"need 0 < tjm_min <= tjm_max, got {self.tjm_min}-{self.tjm_max}")
        if not 1 <= self.days_per_week <= 5:
            raise ValueError(f"days_per_week must be 1-5, got {self.days_per_week}")
        if self.end_date is not None and self.end_date < self.start_date:
            raise ValueError("end_date is before start_date")
        if not self.seniority:
            raise ValueError("seniority (a rate-grid band id) is required")

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any], *, fallback_id: int = 0) -> MissionInput:
        """Build from a dict in the fixtures/README.md mission schema (`status` "open"/"closed")."""
        end = data.get("end_date")
        return cls(
            id=int(data.get("id", fallback_id)),
            title=str(data.get("title") or ""),
            description=str(data.get("description") or ""),
            orientation=str(data.get("orientation") or "both"),
            seniority=str(data["seniority"]),
            tjm_min=int(data["tjm_min"]),
            tjm_max=int(data["tjm_max"]),
            start_date=_as_date(data["start_date"]),
            end_date=None if end is None else _as_date(end),
            days_per_week=int(data["days_per_week"]),
            remote_policy=str(data["remote_policy"]),
            location=str(data.get("location") or ""),
            sector=str(data.get("sector") or ""),
            context=str(data.get("context") or ""),
            cto_missions=_as_str_tuple(data.get("cto_missions")),
            required_competences=_as_str_tuple(data.get("required_competences")),
            nice_competences=_as_str_tuple(data.get("nice_competences")),
            is_open=bool(data["is_open"]) if "is_open" in data else data.get("status", "open") == "open",
            region=str(data.get("region") or ""),
        )


@dataclass(frozen=True, kw_only=True, slots=True)
class RateBand:
    """One experience band of the TJM grid: `min_years <= y < max_years` (None = open ended)."""

    id: str
    min_years: float
    max_years: float | None
    tjm_low: int
    tjm_high: int
    tjm_ceiling: int | None = None
    label_en: str = ""

    def contains(self, years: float) -> bool:
        return years >= self.min_years and (self.max_years is None or years < self.max_years)

    @property
    def years_label(self) -> str:
        """Human form used in explanations: "11–15 years", "less than 1 year", "more than 15 years"."""
        if self.max_years is None:
            return f"more than {_fmt_num(self.min_years - 1)} years"
        if self.min_years <= 0:
            plural = "year" if self.max_years == 1 else "years"
            return f"less than {_fmt_num(self.max_years)} {plural}"
        return f"{_fmt_num(self.min_years)}–{_fmt_num(self.max_years - 1)} years"


def _fmt_num(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


@dataclass(frozen=True, slots=True)
class RateGrid:
    """The TJM grid (fixtures/rate_grid.json); bands ordered by experience, the seniority scale."""

    bands: tuple[RateBand, ...]

    def __post_init__(self) -> None:
        if not self.bands:
            raise ValueError("a rate grid needs at least one band")
        ids = [b.id for b in self.bands]
        if len(set(ids)) != len(ids):
            raise ValueError(f"duplicate band ids: {ids}")
        for prev, nxt in zip(self.bands, self.bands[1:], strict=False):
            if prev.max_years is None or prev.max_years != nxt.min_years:
                raise ValueError(f"bands {prev.id} and {nxt.id} are not contiguous")
        if self.bands[-1].max_years is not None:
            raise ValueError("the last band must be open ended (max_years null)")
        for b in self.bands:
            if not 0 < b.tjm_low <= b.tjm_high:
                raise ValueError(f"band {b.id}: need 0 < tjm_low <= tjm_high")
            if b.tjm_ceiling is not None and b.tjm_ceiling < b.tjm_high:
                raise ValueError(f"band {b.id}: tjm_ceiling below tjm_high")

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any]) -> RateGrid:
        """Build from the rate_grid.json document (a dict with `bands`)."""
        bands = sorted(
            (
                RateBand(
                    id=str(b["id"]),
                    min_years=float(b["min_years"]),
                    max_years=None if b.get("max_years") is None else float(b["max_years"]),
                    tjm_low=int(b["tjm_low"]),
                    tjm_high=int(b["tjm_high"]),
                    tjm_ceiling=None if b.get("tjm_ceiling") is None else int(b["tjm_ceiling"]),
                    label_en=str(b.get("label_en", "")),
                )
                for b in data["bands"]
            ),
            key=lambda b: b.min_years,
        )
        return cls(tuple(bands))

    @property
    def band_ids(self) -> tuple[str, ...]:
        return tuple(b.id for b in self.bands)

    def index(self, band_id: str) -> int:
        """Position of a band on the seniority scale (lt1 = 0 … gt15 = 5 with the fixture grid)."""
        for i, b in enumerate(self.bands):
            if b.id == band_id:
                return i
        raise KeyError(f"unknown rate band {band_id!r}; known: {self.band_ids}")

    def band(self, band_id: str) -> RateBand:
        return self.bands[self.index(band_id)]

    def index_for_years(self, years: float) -> int:
        for i, b in enumerate(self.bands):
            if b.contains(years):
                return i
        return 0  # below the first band's min_years: treat as the most junior band

    def band_for_years(self, years: float) -> RateBand:
        return self.bands[self.index_for_years(years)]


FACTOR_NAMES: tuple[str, ...] = (
    "competences",
    "cto_missions",
    "experience",
    "tjm",
    "availability",
    "remote_location",
    "sector_context",
    "orientation",
)
"""Order of the factor axis everywhere (arrays, weights, results)."""


@dataclass(frozen=True, kw_only=True, slots=True)
class Weights:
    """One weight per factor; they must sum to 1 so the total, 100 × Σ weight·factor, is in [0, 100].

    (The total is then scaled down when the freelancer can cover less than half of the mission's working
    time, whatever the weights: see `matching.factors.COVERAGE_GATE`.)
    """

    competences: float = 0.28
    cto_missions: float = 0.14
    experience: float = 0.14
    tjm: float = 0.14
    availability: float = 0.10
    remote_location: float = 0.08
    sector_context: float = 0.08
    orientation: float = 0.04

    def __post_init__(self) -> None:
        values = self.as_tuple()
        if not all(math.isfinite(v) and v >= 0 for v in values):
            raise ValueError(f"weights must be finite and non-negative: {self.as_dict()}")
        if abs(math.fsum(values) - 1.0) > 1e-6:
            raise ValueError(f"weights must sum to 1, got {math.fsum(values):.6f}: {self.as_dict()}")

    def as_tuple(self) -> tuple[float, ...]:
        return tuple(float(getattr(self, name)) for name in FACTOR_NAMES)

    def as_dict(self) -> dict[str, float]:
        return dict(zip(FACTOR_NAMES, self.as_tuple(), strict=True))

    @classmethod
    def from_mapping(cls, data: Mapping[str, float]) -> Weights:
        """Build from settings; keys not given keep their default, unknown keys are an error."""
        unknown = set(data) - set(FACTOR_NAMES)
        if unknown:
            raise ValueError(f"unknown weight names: {sorted(unknown)}")
        return cls(**{k: float(v) for k, v in data.items()})


_GATE_FACTORS = (
    "rate_small_factor",
    "rate_demoted_factor",
    "rate_hard_factor",
    "work_mode_factor",
    "other_city_factor",
    "days_short_factor",
    "days_hard_factor",
)


@dataclass(frozen=True, kw_only=True, slots=True)
class Gates:
    """Deal-breakers: multipliers of the total, like the coverage gate, so that a pair an operator would
    not propose cannot rank above ordinary fits however strong the rest of the profile (a factor's weight
    alone cannot do that: the TJM factor weighs 14 %). Each is 1 when the deal-breaker is absent; they
    multiply when several apply. Settings `GATE_*`, documented in the README.

    Rate, with over = TJM / budget maximum − 1: up to `rate_small_over` the multiplier falls linearly
    from 1 to `rate_small_factor` (a small cost), up to `rate_hard_over` on to `rate_demoted_factor`
    (clearly demoted), beyond it is `rate_hard_factor`. Presence: a remote-only freelancer on a hybrid
    mission or an on-site-only one on a remote mission, `work_mode_factor`; a hybrid or on-site mission
    in a city the freelancer neither lives in nor lists (it or its region) in their mobility,
    `other_city_factor`. Days per week: one day short of what is asked while offering more than half of
    it, `days_short_factor`; more, `days_hard_factor`.

    The defaults were set against the operators' grades of `fixtures/evaluation.json` (bench/quality.py):
    a flaw the grading calls minor costs 3–5 %, a significant one 10–20 %, a rate more than 25 % over
    the budget 25 %, which puts an otherwise perfect profile under an ordinary fit.
    """

    rate_small_over: float = 0.10
    rate_hard_over: float = 0.25
    rate_small_factor: float = 0.95
    rate_demoted_factor: float = 0.90
    rate_hard_factor: float = 0.75
    work_mode_factor: float = 0.80
    other_city_factor: float = 0.97
    days_short_factor: float = 0.97
    days_hard_factor: float = 0.85

    def __post_init__(self) -> None:
        if not 0 < self.rate_small_over < self.rate_hard_over:
            over = (self.rate_small_over, self.rate_hard_over)
            raise ValueError(f"need 0 < rate_small_over < rate_hard_over, got {over}")
        for name in _GATE_FACTORS:
            value = float(getattr(self, name))
            if not (math.isfinite(value) and 0 <= value <= 1):
                raise ValueError(f"{name} must be between 0 and 1, got {value}")
        if not self.rate_small_factor >= self.rate_demoted_factor >= self.rate_hard_factor:
            raise ValueError("need rate_small_factor >= rate_demoted_factor >= rate_hard_factor")
        if not self.days_short_factor >= self.days_hard_factor:
            raise ValueError("need days_short_factor >= days_hard_factor")

    @classmethod
    def off(cls) -> Gates:
        """No deal-breaker gate (every multiplier 1)."""
        return cls(**dict.fromkeys(_GATE_FACTORS, 1.0))

    def as_dict(self) -> dict[str, float]:
        return {f.name: float(getattr(self, f.name)) for f in fields(self)}

    @classmethod
    def from_mapping(cls, data: Mapping[str, float]) -> Gates:
        """Build from settings; names not given keep their default, unknown names are an error."""
        known = {f.name for f in fields(cls)}
        unknown = set(data) - known
        if unknown:
            raise ValueError(f"unknown gate names: {sorted(unknown)}; known: {sorted(known)}")
        return cls(**{k: float(v) for k, v in data.items()})


DEFAULT_GATES = Gates()
"""The gates when a caller names none (the service passes `Settings.gates()`)."""


@dataclass(frozen=True)
class Vocabulary:
    """Column order of the encoded arrays, built by the caller from the taxonomy.

    `sector_ids` is the tag vocabulary for profile sectors and the mission's sector; the contexts are
    appended to it (a profile may tag itself "fintech", a mission's context may be "fintech"). Tags not
    in the vocabulary are ignored by both the vectorised engine and the reference, so a service that wants
    free-form sector tags to match must add them here (`extra_sectors`).
    """

    competence_ids: tuple[str, ...]
    cto_mission_ids: tuple[str, ...]
    context_ids: tuple[str, ...] = CONTEXT_IDS
    sector_ids: tuple[str, ...] = ()
    lexicon: Lexicon | None = None
    """The concepts the text part compares across languages (`matching.concepts`); None: words only."""
    competence_index: Mapping[str, int] = field(init=False, repr=False, compare=False)
    cto_mission_index: Mapping[str, int] = field(init=False, repr=False, compare=False)
    context_index: Mapping[str, int] = field(init=False, repr=False, compare=False)
    tag_ids: tuple[str, ...] = field(init=False, repr=False, compare=False)
    tag_index: Mapping[str, int] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        for name in ("competence_ids", "cto_mission_ids", "context_ids"):
            ids = getattr(self, name)
            if len(set(ids)) != len(ids):
                raise ValueError(f"duplicate ids in {name}")
        tags: dict[str, int] = {}
        for raw in (*self.sector_ids, *self.context_ids):
            tags.setdefault(normalise_tag(raw), len(tags))
        object.__setattr__(self, "competence_index", _index(self.competence_ids))
        object.__setattr__(self, "cto_mission_index", _index(self.cto_mission_ids))
        object.__setattr__(self, "context_index", _index(self.context_ids))
        object.__setattr__(self, "tag_ids", tuple(tags))
        object.__setattr__(self, "tag_index", tags)

    @classmethod
    def from_taxonomy(
        cls,
        taxonomy: Mapping[str, Any],
        *,
        contexts: tuple[str, ...] = CONTEXT_IDS,
        extra_sectors: Iterable[str] = (),
        lexicon: Lexicon | None = None,
    ) -> Vocabulary:
        """Build from the taxonomy.json document (already parsed: the engine does no file I/O)."""
        items = list(taxonomy["items"])
        return cls(
            competence_ids=tuple(str(i["id"]) for i in items if i["kind"] in COMPETENCE_KINDS),
            cto_mission_ids=tuple(str(i["id"]) for i in items if i["kind"] == CTO_MISSION_KIND),
            context_ids=tuple(contexts),
            sector_ids=(
                *(str(i["id"]) for i in items if i["kind"] == SECTOR_KIND),
                *(str(s) for s in extra_sectors),
            ),
            lexicon=lexicon,
        )


def _index(ids: tuple[str, ...]) -> Mapping[str, int]:
    return {v: i for i, v in enumerate(ids)}


def labels_from_taxonomy(taxonomy: Mapping[str, Any]) -> dict[str, str]:
    """id -> English label, so explanations say "IT security" rather than "it_security"."""
    return {str(i["id"]): str(i["label_en"]) for i in taxonomy["items"]}

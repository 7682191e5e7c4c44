"""Batch scoring without a database: profiles and missions from JSON or CSV files, ranked matches out.

Input files follow the fixtures schema (fixtures/README.md). JSON: a list of objects (or an object
with an `items` list). CSV: one row per record with the same column names; list columns hold values
separated by `;`, and `competences` holds `id:level` pairs (`it_security:4;leadership:5`). A CSV
profile may give `past_role_contexts` (`fintech;agency`) instead of nested `past_roles`, lists its
`mobility` as `Lyon;Bretagne` and says `mobility_anywhere` with true/false (also yes/no, oui/non, 1/0).
A mission's region is the region of its `location` (fixtures/places.json) unless the record gives one.
The taxonomy and the rate grid come from fixtures/ (or the files given). Reasons and budget warnings
are worded as the operator reads them, in French unless asked otherwise (`ctomatch score --lang en`).
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any

from matching import (
    FACTOR_NAMES,
    Gates,
    MissionInput,
    ProfileInput,
    RateGrid,
    Vocabulary,
    Weights,
    budget_advice,
    budget_warning,
    encode_missions,
    encode_profiles,
    explain_pair,
    top_matches,
)
from service.explanations import Labels, render_budget_warning, render_reasons
from service.fixture_files import RATE_GRID, TAXONOMY
from service.freelancers.mobility import clean_mobility
from service.i18n import use_locale
from service.reference.lexicon import concept_lexicon
from service.reference.places import region_of

LIST_COLUMNS = {
    "cto_missions",
    "sectors",
    "stack",
    "past_role_contexts",
    "mobility",
    "required_competences",
    "nice_competences",
}


class BatchInputError(ValueError):
    """A file that cannot be read as profiles or missions; the message names the file and the record."""


def _csv_record(row: Mapping[str, str]) -> dict[str, Any]:
    record: dict[str, Any] = {}
    for key, raw in row.items():
        if key is None or raw is None:
            continue
        value = raw.strip()
        if key in LIST_COLUMNS:
            record[key] = [v.strip() for v in value.split(";") if v.strip()]
        elif key == "competences":
            pairs = [p.split(":") for p in value.split(";") if p.strip()]
            record[key] = [{"id": p[0].strip(), "level": int(p[1]) if len(p) > 1 else 3} for p in pairs]
        elif value == "" and key in {"end_date", "id"}:
            continue
        else:
            record[key] = value
    return record


_TRUE, _FALSE = {"true", "yes", "oui", "1"}, {"false", "no", "non", "0", ""}


def _text_bool(key: str, value: str) -> bool:
    """A yes/no written as text (a CSV cell): "false" must not read as true."""
    if value.strip().lower() in _TRUE:
        return True
    if value.strip().lower() in _FALSE:
        return False
    raise ValueError(f"{key}: expected true or false, not {value!r}")


def profile_from_record(record: Mapping[str, Any], fallback_id: int) -> ProfileInput:
    """A profile record, its mobility as the API stores it (known places in the table's spelling)."""
    mobility, anywhere = record.get("mobility"), record.get("mobility_anywhere")
    if isinstance(mobility, list) and all(isinstance(m, str) for m in mobility):
        record = {**record, "mobility": clean_mobility(mobility)}
    if isinstance(anywhere, str):
        record = {**record, "mobility_anywhere": _text_bool("mobility_anywhere", anywhere)}
    return ProfileInput.from_mapping(record, fallback_id=fallback_id)


def mission_from_record(record: Mapping[str, Any], fallback_id: int) -> MissionInput:
    """A mission record with the region of its city, as the database's missions get it."""
    if not record.get("region") and isinstance(record.get("location"), str):
        record = {**record, "region": region_of(record["location"])}
    return MissionInput.from_mapping(record, fallback_id=fallback_id)


def read_records(path: Path) -> list[dict[str, Any]]:
    """Records from a .json or .csv file."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise BatchInputError(f"{path}: {exc.strerror}") from exc
    if path.suffix.lower() == ".csv":
        return [_csv_record(row) for row in csv.DictReader(io.StringIO(text))]
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise BatchInputError(f"{path}: not valid JSON ({exc})") from exc
    if isinstance(data, dict) and isinstance(data.get("items"), list):
        data = data["items"]
    if not isinstance(data, list) or not all(isinstance(r, dict) for r in data):
        raise BatchInputError(f"{path}: expected a list of objects")
    return data


def _label(record: Mapping[str, Any], index: int, keys: Sequence[str]) -> str:
    return next((str(record[k]) for k in keys if record.get(k)), f"#{index + 1}")


@dataclass(frozen=True)
class BatchResult:
    missions: list[dict[str, Any]]


def score_files(
    profiles_path: Path,
    missions_path: Path,
    *,
    top_k: int = 10,
    min_score: float = 0.0,
    weights: Weights | None = None,
    gates: Gates | None = None,
    taxonomy_path: Traversable = TAXONOMY,
    grid_path: Traversable = RATE_GRID,
    lang: str = "fr",
) -> BatchResult:
    """Rank the profiles for each mission; reasons and warnings are worded for an operator in `lang`."""
    taxonomy = json.loads(taxonomy_path.read_text(encoding="utf-8"))
    grid = RateGrid.from_mapping(json.loads(grid_path.read_text(encoding="utf-8")))
    vocab = Vocabulary.from_taxonomy(taxonomy, lexicon=concept_lexicon())
    labels = Labels.from_taxonomy(taxonomy)
    profile_rows = read_records(profiles_path)
    mission_rows = read_records(missions_path)
    profiles = _build(profile_rows, profile_from_record, profiles_path, ("email", "full_name"))
    missions = _build(mission_rows, mission_from_record, missions_path, ("ref", "title"))
    try:
        pool = encode_profiles(profiles, vocab, grid)
        batch = encode_missions(missions, vocab, grid)
    except (KeyError, ValueError) as exc:
        raise BatchInputError(f"{missions_path}: {exc}") from exc
    results = top_matches(batch, pool, grid, weights or Weights(), k=top_k, min_score=min_score, gates=gates)
    by_id = {p.id: (p, i) for i, p in enumerate(profiles)}
    out = []
    with use_locale(lang):
        for m_index, (mission, ranked) in enumerate(zip(missions, results, strict=True)):
            matches = []
            for rank, (profile_id, score) in enumerate(zip(ranked.profile_ids, ranked.scores, strict=True)):
                profile, p_index = by_id[int(profile_id)]
                factors = ranked.factor_scores(rank)
                explanation = explain_pair(mission, profile, factors, grid, vocab=vocab, gates=gates)
                matches.append(
                    {
                        "rank": rank + 1,
                        "profile": _label(profile_rows[p_index], p_index, ("email", "full_name", "id")),
                        "full_name": profile_rows[p_index].get("full_name", ""),
                        "score": float(score),
                        "factors": {k: round(v, 4) for k, v in factors.items()},
                        "reasons": render_reasons(explanation.stored(), "operator", labels),
                        "missing_required": list(explanation.skill_gaps.missing_required),
                    }
                )
            warning = budget_warning(mission, grid)
            advice = budget_advice(warning, grid) if warning else ()
            out.append(
                {
                    "mission": _label(mission_rows[m_index], m_index, ("ref", "title", "id")),
                    "title": mission.title,
                    "budget_warning": render_budget_warning(warning, advice),
                    "matches": matches,
                }
            )
    return BatchResult(out)


def _build(rows: list[dict[str, Any]], make: Any, path: Path, keys: Sequence[str]) -> list[Any]:
    built = []
    for index, row in enumerate(rows):
        try:
            built.append(make(row, fallback_id=index + 1))
        except (KeyError, ValueError, TypeError) as exc:
            missing = f"missing field {exc}" if isinstance(exc, KeyError) else str(exc)
            raise BatchInputError(f"{path}: record {_label(row, index, keys)}: {missing}") from exc
    return built


def render(result: BatchResult, output_format: str) -> str:
    if output_format == "json":
        return json.dumps(result.missions, ensure_ascii=False, indent=2)
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(
        ["mission", "rank", "profile", "full_name", "score", *FACTOR_NAMES, "reasons", "budget_warning"]
    )
    for mission in result.missions:
        for match in mission["matches"]:
            writer.writerow(
                [
                    mission["mission"],
                    match["rank"],
                    match["profile"],
                    match["full_name"],
                    f"{match['score']:.2f}",
                    *(f"{match['factors'][name]:.4f}" for name in FACTOR_NAMES),
                    " | ".join(match["reasons"]),
                    mission["budget_warning"] or "",
                ]
            )
    return buffer.getvalue()

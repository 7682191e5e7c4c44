"""`ctomatch score`: profiles and missions from files, ranked matches with breakdowns, no database."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"


def _score(*args: str | Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DATABASE_URL": "postgresql+asyncpg://nobody@127.0.0.1:1/none"}  # must not be used
    return subprocess.run(
        [sys.executable, "-m", "service.cli", "score", *map(str, args)],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
        check=False,
    )


def test_json_in_json_out_ranks_with_breakdown() -> None:
    result = _score(
        "--profiles",
        FIXTURES / "demo/freelancers.json",
        "--missions",
        FIXTURES / "demo/missions.json",
        "--top-k",
        "3",
    )
    assert result.returncode == 0, result.stderr
    missions: list[dict[str, Any]] = json.loads(result.stdout)
    assert len(missions) == len(json.loads((FIXTURES / "demo/missions.json").read_text()))
    first = missions[0]
    assert first["mission"] == "m01-agency-website"
    scores = [m["score"] for m in first["matches"]]
    assert len(scores) == 3 and scores == sorted(scores, reverse=True)
    top = first["matches"][0]
    assert set(top["factors"]) >= {"competences", "tjm", "experience"} and top["reasons"]
    warned = {m["mission"]: m["budget_warning"] for m in missions if m["budget_warning"]}
    assert "pour y remédier\u00a0: relever le maximum" in warned["m04-agency-presales-cto"]


def _write_csv(path: Path, rows: list[dict[str, str]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return path


@pytest.fixture
def csv_inputs(tmp_path: Path) -> tuple[Path, Path]:
    base = {
        "years_experience": "12",
        "available_from": "2027-01-04",
        "days_per_week": "4",
        "remote_preference": "hybrid",
        "location": "Paris",
        "orientation": "cto",
        "cto_missions": "technology_strategy;team_management",
        "sectors": "fintech",
        "past_role_contexts": "fintech",
        "stack": "python;aws",
        "headline": "CTO",
        "summary": "payments",
    }
    profiles = _write_csv(
        tmp_path / "profiles.csv",
        [
            {**base, "email": "fit@example.test", "tjm": "680", "competences": "it_security:5;leadership:4"},
            {
                **base,
                "email": "pricey@example.test",
                "tjm": "1400",
                "competences": "it_security:5;leadership:4",
            },
            {**base, "email": "gap@example.test", "tjm": "680", "competences": "communication:2"},
        ],
    )
    missions = _write_csv(
        tmp_path / "missions.csv",
        [
            {
                "ref": "fin-1",
                "title": "Fintech CTO",
                "description": "payments platform",
                "orientation": "cto",
                "seniority": "y11_15",
                "tjm_min": "600",
                "tjm_max": "700",
                "start_date": "2027-01-15",
                "end_date": "",
                "days_per_week": "3",
                "remote_policy": "hybrid",
                "location": "Paris",
                "sector": "fintech",
                "context": "fintech",
                "cto_missions": "technology_strategy",
                "required_competences": "it_security;leadership",
                "nice_competences": "communication",
            }
        ],
    )
    return profiles, missions


def test_csv_in_csv_out(csv_inputs: tuple[Path, Path]) -> None:
    profiles, missions = csv_inputs
    result = _score("--profiles", profiles, "--missions", missions, "--format", "csv", "--lang", "en")
    assert result.returncode == 0, result.stderr
    rows = {r["profile"]: r for r in csv.DictReader(io.StringIO(result.stdout))}
    fit, pricey, gap = (rows[f"{name}@example.test"] for name in ("fit", "pricey", "gap"))
    assert next(iter(rows)) == "fit@example.test"
    assert float(fit["tjm"]) > float(pricey["tjm"])
    assert "TJM €680 within budget €600–700" in fit["reasons"].split(" | ")
    # twice the budget: the rate gate is named with its multiplier
    assert any(r.startswith("rate gate: TJM 100% over") for r in pricey["reasons"].split(" | ")), pricey
    assert "missing required competence: IT security" in gap["reasons"].split(" | ")
    assert float(gap["competences"]) < float(fit["competences"])


def test_reasons_are_french_unless_asked(csv_inputs: tuple[Path, Path]) -> None:
    profiles, missions = csv_inputs
    result = _score("--profiles", profiles, "--missions", missions)
    assert result.returncode == 0, result.stderr
    matches = {m["profile"]: m for m in json.loads(result.stdout)[0]["matches"]}
    assert "TJM de 680\u00a0€ dans le budget de 600–700\u00a0€" in matches["fit@example.test"]["reasons"]
    gap = matches["gap@example.test"]["reasons"]
    assert "compétence requise manquante\u00a0: Sécurité informatique" in gap
    assert _score("--profiles", profiles, "--missions", missions, "--lang", "de").returncode == 2


def test_min_score_filters(csv_inputs: tuple[Path, Path]) -> None:
    profiles, missions = csv_inputs
    everything = json.loads(_score("--profiles", profiles, "--missions", missions).stdout)[0]["matches"]
    cutoff = everything[0]["score"]
    kept = json.loads(
        _score("--profiles", profiles, "--missions", missions, "--min-score", str(cutoff)).stdout
    )
    assert [m["profile"] for m in kept[0]["matches"]] == ["fit@example.test"]


def test_bad_files_give_a_clear_error(tmp_path: Path, csv_inputs: tuple[Path, Path]) -> None:
    _, missions = csv_inputs
    missing = _score("--profiles", tmp_path / "nope.json", "--missions", missions)
    assert missing.returncode == 2 and "nope.json" in missing.stderr
    broken = tmp_path / "broken.json"
    broken.write_text("{not json")
    bad_json = _score("--profiles", broken, "--missions", missions)
    assert bad_json.returncode == 2 and "not valid JSON" in bad_json.stderr
    incomplete = tmp_path / "incomplete.json"
    incomplete.write_text(json.dumps([{"email": "x@example.test", "years_experience": 3}]))
    result = _score("--profiles", incomplete, "--missions", missions)
    assert result.returncode == 2 and "x@example.test" in result.stderr and "tjm" in result.stderr
    assert "Traceback" not in result.stderr

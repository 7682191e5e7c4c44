"""The batch scorer reads the mobility as the API stores it and gives each mission its region."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from service.batch_scoring import (
    BatchInputError,
    mission_from_record,
    profile_from_record,
    read_records,
    score_files,
)

PROFILE = {
    "years_experience": "12",
    "tjm": "680",
    "available_from": "2027-01-04",
    "days_per_week": "4",
    "remote_preference": "hybrid",
    "location": "Paris",
    "orientation": "cto",
    "competences": "it_security:5;leadership:4",
    "cto_missions": "technology_strategy",
    "sectors": "fintech",
    "stack": "python",
    "headline": "CTO",
    "summary": "payments",
}
MISSION = {
    "ref": "brest",
    "title": "CTO de transition",
    "description": "paiements",
    "orientation": "cto",
    "seniority": "y11_15",
    "tjm_min": "600",
    "tjm_max": "700",
    "start_date": "2027-01-15",
    "end_date": "",
    "days_per_week": "3",
    "remote_policy": "hybrid",
    "location": "Brest",
    "sector": "fintech",
    "context": "fintech",
    "cto_missions": "technology_strategy",
    "required_competences": "it_security;leadership",
    "nice_competences": "",
}


def _csv(path: Path, rows: list[dict[str, str]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return path


def test_csv_mobility_columns_are_read_as_the_api_stores_them(tmp_path: Path) -> None:
    rows = [
        {**PROFILE, "email": "a@example.test", "mobility": "brittany; lyon;Lyon", "mobility_anywhere": "non"},
        {**PROFILE, "email": "b@example.test", "mobility": "", "mobility_anywhere": "true"},
    ]
    a, b = (profile_from_record(r, i) for i, r in enumerate(read_records(_csv(tmp_path / "p.csv", rows)), 1))
    assert (a.mobility, a.mobility_anywhere) == (("Bretagne", "Lyon"), False)
    assert (b.mobility, b.mobility_anywhere) == ((), True)
    (mission,) = read_records(_csv(tmp_path / "m.csv", [MISSION]))
    assert mission_from_record(mission, 1).region == "Bretagne"
    assert mission_from_record({**mission, "location": "Atlantis"}, 1).region == ""
    assert mission_from_record({**mission, "region": "Normandie"}, 1).region == "Normandie"


def test_a_yes_or_no_that_is_neither_names_the_record(tmp_path: Path) -> None:
    profiles = _csv(
        tmp_path / "p.csv", [{**PROFILE, "email": "odd@example.test", "mobility_anywhere": "peut-être"}]
    )
    missions = _csv(tmp_path / "m.csv", [MISSION])
    with pytest.raises(BatchInputError, match=r"p\.csv: record odd@example\.test: mobility_anywhere"):
        score_files(profiles, missions)


def test_a_freelancer_mobile_across_the_missions_region_ranks_above_one_who_is_not(tmp_path: Path) -> None:
    profiles = _csv(
        tmp_path / "p.csv",
        [
            {**PROFILE, "email": "sedentary@example.test", "mobility": "", "mobility_anywhere": ""},
            {**PROFILE, "email": "mobile@example.test", "mobility": "Bretagne", "mobility_anywhere": ""},
        ],
    )
    result = score_files(profiles, _csv(tmp_path / "m.csv", [MISSION]), lang="en")
    (ranked,) = result.missions
    scores = {m["profile"]: m["score"] for m in ranked["matches"]}
    assert scores["mobile@example.test"] > scores["sedentary@example.test"]

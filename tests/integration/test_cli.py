"""The `ctomatch` command, run as a user runs it, on a fresh embedded data directory."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from tests.processes import run_cli


def _counts(db: Path) -> dict[str, int]:
    with sqlite3.connect(db) as connection:
        tables = [r[0] for r in connection.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        return {t: connection.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in tables}  # noqa: S608


@pytest.fixture(scope="module")
def migrated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    data_dir = tmp_path_factory.mktemp("cli")
    result = run_cli(data_dir, "migrate")
    assert result.returncode == 0, result.stderr
    return data_dir


def test_load_fixtures_twice_is_idempotent(migrated: Path) -> None:
    first = run_cli(migrated, "load-fixtures", "--demo")
    assert first.returncode == 0, first.stderr
    assert "'freelancers'" in first.stdout
    counts = _counts(migrated / "ctomatch.db")
    second = run_cli(migrated, "load-fixtures", "--demo")
    assert second.returncode == 0, second.stderr
    assert "nothing (already loaded)" in second.stdout
    assert _counts(migrated / "ctomatch.db") == counts
    assert counts["freelancer_profiles"] >= 60 and counts["missions"] >= 20


def test_create_operator_prints_a_key_once_and_stores_its_hash(migrated: Path) -> None:
    result = run_cli(migrated, "create-operator", "--email", "ops@ctomatch.test", "--name", "Ops")
    assert result.returncode == 0, result.stderr
    key = result.stdout.strip().rsplit(" ", 1)[-1]
    assert key.startswith("cto_")
    with sqlite3.connect(migrated / "ctomatch.db") as connection:
        stored = connection.execute(
            "SELECT key_hash, role FROM api_keys JOIN accounts ON accounts.id = api_keys.account_id "
            "WHERE email = 'ops@ctomatch.test'"
        ).fetchone()
    assert stored[1] == "operator" and key not in stored[0]
    duplicate = run_cli(migrated, "create-operator", "--email", "ops@ctomatch.test")
    assert duplicate.returncode == 1 and "existe déjà" in duplicate.stderr  # French, the default locale


def test_downgrade_removes_the_schema(tmp_path: Path) -> None:
    assert run_cli(tmp_path, "migrate").returncode == 0
    assert run_cli(tmp_path, "downgrade").returncode == 0
    assert set(_counts(tmp_path / "ctomatch.db")) <= {"alembic_version"}

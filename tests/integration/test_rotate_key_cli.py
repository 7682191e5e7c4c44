"""`ctomatch rotate-key`, run as an operator runs it: a lost key is replaced, an unknown e-mail is refused."""

from __future__ import annotations

import sqlite3
import subprocess
from pathlib import Path

from service.auth.keys import hash_api_key
from tests.processes import run_cli

SECRET = "cli-rotate-key-secret-0123456789"


def _run(data_dir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return run_cli(data_dir, *args, env={"SECRET_KEY": SECRET})


def _keys(db: Path, email: str) -> list[tuple[str, str | None]]:
    """The account's keys, oldest first: (hash, revoked_at)."""
    with sqlite3.connect(db) as connection:
        return connection.execute(
            "SELECT key_hash, revoked_at FROM api_keys JOIN accounts ON accounts.id = api_keys.account_id "
            "WHERE accounts.email = ? ORDER BY api_keys.id",
            (email,),
        ).fetchall()


def test_rotate_key_prints_a_new_key_once_and_the_old_one_stops_matching(tmp_path: Path) -> None:
    assert _run(tmp_path, "migrate").returncode == 0
    created = _run(tmp_path, "create-operator", "--email", "ops@ctomatch.test")
    assert created.returncode == 0, created.stderr
    old_key = created.stdout.strip().rsplit(" ", 1)[-1]
    db = tmp_path / "ctomatch.db"
    assert _keys(db, "ops@ctomatch.test") == [(hash_api_key(old_key, SECRET), None)]

    rotated = _run(tmp_path, "rotate-key", "--email", "OPS@ctomatch.test")
    assert rotated.returncode == 0, rotated.stderr
    new_key = rotated.stdout.strip().rsplit(" ", 1)[-1]
    assert new_key.startswith("cto_") and new_key != old_key
    assert rotated.stdout.count(new_key) == 1 and new_key not in rotated.stderr
    (old_hash, revoked_at), (new_hash, still_active) = _keys(db, "ops@ctomatch.test")
    assert old_hash == hash_api_key(old_key, SECRET) and revoked_at is not None  # refused from now on
    assert new_hash == hash_api_key(new_key, SECRET) and still_active is None


def test_rotate_key_for_an_unknown_email_exits_2_with_a_message(tmp_path: Path) -> None:
    assert _run(tmp_path, "migrate").returncode == 0
    result = _run(tmp_path, "rotate-key", "--email", "nobody@ctomatch.test")
    assert result.returncode == 2
    assert "aucun compte avec l'e-mail « nobody@ctomatch.test »" in result.stderr  # French, the default
    assert result.stdout == ""

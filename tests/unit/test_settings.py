"""Settings come from the environment, with embedded defaults, and refuse unsafe values."""

from __future__ import annotations

from pathlib import Path

import pytest

from matching import Gates
from service.settings import DEFAULT_SECRET_KEY, Settings, SettingsError


def test_embedded_defaults_live_under_the_data_dir(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name in ("DATABASE_URL", "CELERY_BROKER_URL", "CELERY_RESULT_BACKEND", "SECRET_KEY", "CTOMATCH_ENV"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("CTOMATCH_DATA_DIR", str(tmp_path))
    settings = Settings.from_env()
    assert settings.database_url == f"sqlite+aiosqlite:///{tmp_path}/ctomatch.db"
    assert settings.celery_broker_url == f"sqla+sqlite:///{tmp_path}/celery-broker.db"
    assert settings.celery_result_backend == f"db+sqlite:///{tmp_path}/celery-results.db"
    assert settings.is_sqlite


def test_production_urls_come_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABASE_URL", "postgresql+asyncpg://u@db:5432/ctomatch")
    monkeypatch.setenv("CELERY_BROKER_URL", "redis://redis:6379/0")
    monkeypatch.setenv("CELERY_RESULT_BACKEND", "redis://redis:6379/1")
    monkeypatch.setenv("API_PORT", "9000")
    monkeypatch.setenv("CORS_ORIGINS", "https://a.example, https://b.example")
    settings = Settings.from_env()
    assert settings.database_url.startswith("postgresql+asyncpg://")
    assert settings.celery_broker_url == "redis://redis:6379/0"
    assert settings.api_port == 9000
    assert settings.cors_origins == ["https://a.example", "https://b.example"]
    assert not settings.is_sqlite


def test_production_refuses_the_default_secret(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CTOMATCH_ENV", "production")
    monkeypatch.delenv("SECRET_KEY", raising=False)
    with pytest.raises(SettingsError, match="SECRET_KEY"):
        Settings.from_env()
    monkeypatch.setenv("SECRET_KEY", "a-real-secret-of-enough-length")
    assert Settings.from_env().secret_key != DEFAULT_SECRET_KEY


def test_bad_integer_is_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("API_PORT", "eighty")
    with pytest.raises(SettingsError, match="API_PORT must be an integer"):
        Settings.from_env()


def test_job_watchdog_settings_have_defaults_and_come_from_the_environment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    names = ("CHUNK_LEASE_SECONDS", "JOB_STALL_SECONDS", "JOB_WATCHDOG_SECONDS", "CHUNK_MAX_ATTEMPTS")
    for name in names:
        monkeypatch.delenv(name, raising=False)
    defaults = Settings.from_env()
    assert (defaults.chunk_lease_seconds, defaults.job_stall_seconds) == (120, 60)
    assert (defaults.job_watchdog_seconds, defaults.chunk_max_attempts) == (15, 3)
    for name, value in zip(names, ("10", "5", "2", "4"), strict=True):
        monkeypatch.setenv(name, value)
    settings = Settings.from_env()
    assert (settings.chunk_lease_seconds, settings.job_stall_seconds) == (10, 5)
    assert (settings.job_watchdog_seconds, settings.chunk_max_attempts) == (2, 4)


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"CHUNK_LEASE_SECONDS": "0"}, "CHUNK_LEASE_SECONDS must be more than 0"),
        (
            {"CHUNK_LEASE_SECONDS": "700", "SCORING_TASK_TIME_LIMIT": "600"},
            r"CHUNK_LEASE_SECONDS must be more than 0 and at most SCORING_TASK_TIME_LIMIT \(600\), got 700",
        ),
        ({"JOB_STALL_SECONDS": "-1"}, "JOB_STALL_SECONDS must be more than 0, got -1"),
        ({"JOB_WATCHDOG_SECONDS": "0"}, "JOB_WATCHDOG_SECONDS must be more than 0"),
        ({"CHUNK_MAX_ATTEMPTS": "0"}, "CHUNK_MAX_ATTEMPTS must be at least 1, got 0"),
        ({"CHUNK_MAX_ATTEMPTS": "three"}, "CHUNK_MAX_ATTEMPTS must be an integer"),
    ],
)
def test_job_watchdog_settings_out_of_range_are_clear_errors(
    monkeypatch: pytest.MonkeyPatch, env: dict[str, str], message: str
) -> None:
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    with pytest.raises(SettingsError, match=message):
        Settings.from_env()


def test_deal_breaker_gates_come_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GATE_RATE_HARD_OVER", "0.2")
    monkeypatch.setenv("GATE_OTHER_CITY_FACTOR", "0.8")
    gates = Settings.from_env().gates()
    assert gates.rate_hard_over == 0.2
    assert gates.other_city_factor == 0.8
    assert gates.rate_small_over == Gates().rate_small_over  # not set: the default


@pytest.mark.parametrize(
    ("name", "value", "said"),
    [
        ("GATE_RATE_HARD_OVER", "0.05", "rate_small_over < rate_hard_over"),
        ("GATE_WORK_MODE_FACTOR", "1.5", "work_mode_factor must be between 0 and 1"),
        ("GATE_DAYS_HARD_FACTOR", "many", "GATE_DAYS_HARD_FACTOR must be a number"),
    ],
)
def test_inconsistent_gates_stop_the_start_with_the_reason(
    monkeypatch: pytest.MonkeyPatch, name: str, value: str, said: str
) -> None:
    monkeypatch.setenv(name, value)
    with pytest.raises(SettingsError, match=said):
        Settings.from_env()

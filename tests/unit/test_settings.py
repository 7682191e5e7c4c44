"""Settings come from the environment, with embedded defaults, and refuse unsafe values."""

from __future__ import annotations

from pathlib import Path

import pytest

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

"""docker-compose.yml cannot be run here (no Docker engine), so it is checked by reading: the commands
it runs exist, its environment builds valid settings, and the image copies what the code needs."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from typing import Any

import pytest
import yaml

from service.cli import beat_arguments, build_parser
from service.settings import Settings

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    return data


def test_stack_has_every_service(compose: dict[str, Any]) -> None:
    assert set(compose["services"]) == {"postgres", "redis", "api", "worker", "beat"}


@pytest.mark.parametrize("service", ["api", "worker", "beat"])
def test_environment_builds_production_settings(
    compose: dict[str, Any], service: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    env = dict(compose["services"][service]["environment"])
    env["SECRET_KEY"] = "a-production-secret-of-length"
    for name, value in env.items():
        monkeypatch.setenv(name, str(value))
    settings = Settings.from_env()
    assert settings.environment == "production" and settings.log_json
    assert settings.database_url.startswith("postgresql+asyncpg://")
    assert settings.celery_broker_url.startswith("redis://")


def test_commands_are_real_cli_commands(compose: dict[str, Any]) -> None:
    api = compose["services"]["api"]["command"]
    assert api[:2] == ["sh", "-c"]
    steps = [step.split() for step in api[2].split("&&")]
    # The server replaces the shell (exec), so `docker compose stop` sends SIGTERM to it, not to sh.
    assert steps[-1][:2] == ["exec", "ctomatch"] and steps[-1][2] == "serve"
    for words in steps:
        words = words[1:] if words[0] == "exec" else words
        assert words[0] == "ctomatch"
        build_parser().parse_args(words[1:])
    worker = compose["services"]["worker"]["command"]
    assert worker[0] == "ctomatch"
    build_parser().parse_args(worker[1:])
    beat = compose["services"]["beat"]["command"]
    assert beat[0] == "ctomatch"
    beat_args = build_parser().parse_args(beat[1:])
    assert beat_args.command == "beat" and beat_args.schedule is not None
    celery_beat = beat_arguments(Settings(), beat_args.schedule)  # what `ctomatch beat` hands Celery
    assert celery_beat[0] == "beat" and celery_beat[-2:] == ["--schedule", str(beat_args.schedule)]


def test_image_copies_every_package() -> None:
    dockerfile = (ROOT / "Dockerfile").read_text()
    copied = set(re.findall(r"^COPY (\S+) \./", dockerfile, flags=re.MULTILINE))
    for package in ("service", "workers", "models", "matching", "fixtures"):
        assert package in copied and (ROOT / package).is_dir()


def test_image_copies_what_the_wheel_is_built_from() -> None:
    """Every package pyproject ships (fixtures/ and its data among them), and the files the build reads."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())
    packages = {p.rstrip("*") for p in project["tool"]["setuptools"]["packages"]["find"]["include"]}
    assert "fixtures" in packages and "fixtures" in project["tool"]["setuptools"]["package-data"]
    copied = set()
    for line in (ROOT / "Dockerfile").read_text().splitlines():
        if line.startswith("COPY "):
            copied |= {w for w in line.split()[1:-1] if not w.startswith("--")}
    assert packages | {"pyproject.toml", "constraints.txt", project["project"]["readme"]} <= copied

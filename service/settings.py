"""Typed settings read from the environment, shared by the API, the workers and the CLI.

Every process calls `get_settings()`; nothing else reads `os.environ`. Defaults are the embedded mode:
SQLite for the data and for the Celery broker/result backend, under one data directory.
"""

from __future__ import annotations

import ipaddress
import os
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from matching.inputs import Gates, Weights

DEFAULT_SECRET_KEY = "dev-insecure-secret-change-me"  # noqa: S105 - refused outside development


class SettingsError(ValueError):
    """Raised when the environment holds an invalid setting."""


def _env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise SettingsError(f"{name} must be an integer, got {raw!r}") from exc


def _env_float(name: str, default: float) -> float:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        return float(raw)
    except ValueError as exc:
        raise SettingsError(f"{name} must be a number, got {raw!r}") from exc


def _env_weights(name: str) -> dict[str, float]:
    """`MATCH_WEIGHTS=competences=0.3,tjm=0.12,...`: factors not named keep their default weight."""
    raw = os.environ.get(name, "").strip()
    weights: dict[str, float] = {}
    for part in filter(None, (p.strip() for p in raw.split(","))):
        key, _, value = part.partition("=")
        try:
            weights[key.strip()] = float(value)
        except ValueError as exc:
            raise SettingsError(f"{name}: '{part}' is not factor=weight") from exc
    return weights


GATE_SETTINGS: dict[str, str] = {f"GATE_{name.upper()}": name for name in Gates().as_dict()}
"""Environment variable -> `matching.inputs.Gates` field (GATE_RATE_HARD_OVER=0.25, …)."""


def _env_gates() -> dict[str, float]:
    """The deal-breaker thresholds set in the environment; the others keep their default."""
    gates: dict[str, float] = {}
    for variable, name in GATE_SETTINGS.items():
        if os.environ.get(variable, "").strip():
            gates[name] = _env_float(variable, 0.0)
    return gates


def _env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    return raw.strip().lower() in {"1", "true", "yes", "on"}


def _env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [part.strip() for part in raw.split(",") if part.strip()]


@dataclass(frozen=True)
class Settings:
    """All configuration of ctomatch; build it with `Settings.from_env()`."""

    environment: str = "development"
    data_dir: Path = Path(".data")
    database_url: str = ""
    celery_broker_url: str = ""
    celery_result_backend: str = ""
    secret_key: str = DEFAULT_SECRET_KEY
    api_host: str = "127.0.0.1"
    api_port: int = 8000
    max_body_bytes: int = 1_000_000
    rate_limit_per_minute: int = 600
    cors_origins: list[str] = field(default_factory=list)
    forwarded_allow_ips: list[str] = field(default_factory=list)
    log_json: bool = False
    log_level: str = "INFO"
    database_echo: bool = False
    match_weights: dict[str, float] = field(default_factory=dict)
    #: Deal-breaker thresholds and multipliers (`GATE_*`, see the README and `matching.inputs.Gates`).
    match_gates: dict[str, float] = field(default_factory=dict)
    match_min_score: float = 35.0
    match_store_limit: int = 200
    rescore_chunk_missions: int = 64
    stale_sweep_seconds: float = 60.0
    enqueue_timeout_seconds: float = 0.5
    celery_visibility_timeout: int = 900
    scoring_task_time_limit: int = 600
    celery_task_always_eager: bool = False
    celery_queue: str = "ctomatch"
    review_score_drift: float = 10.0
    smtp_url: str = ""
    notify_from: str = "ctomatch <no-reply@ctomatch.local>"
    notification_sweep_seconds: float = 30.0
    notify_max_attempts: int = 8
    notify_retry_base_seconds: float = 60.0
    notify_retry_max_seconds: float = 3600.0
    chunk_lease_seconds: float = 120.0
    job_stall_seconds: float = 60.0
    job_watchdog_seconds: float = 15.0
    chunk_max_attempts: int = 3
    #: Where users reach the web app: the base of the links in e-mails. Empty: http://API_HOST:API_PORT.
    public_url: str = ""
    sign_in_max_failures: int = 5
    sign_in_max_failures_per_client: int = 20
    sign_in_window_seconds: float = 900.0
    #: A freelancer is reminded to confirm their availability this many days after the last confirmation.
    availability_reminder_days: int = 30

    @property
    def site_url(self) -> str:
        return (self.public_url or f"http://{self.api_host}:{self.api_port}").rstrip("/")

    @classmethod
    def from_env(cls) -> Settings:
        """Read the environment once; embedded defaults live under CTOMATCH_DATA_DIR."""
        data_dir = Path(os.environ.get("CTOMATCH_DATA_DIR", ".data")).resolve()
        environment = os.environ.get("CTOMATCH_ENV", "development")
        settings = cls(
            environment=environment,
            data_dir=data_dir,
            database_url=os.environ.get("DATABASE_URL") or f"sqlite+aiosqlite:///{data_dir / 'ctomatch.db'}",
            celery_broker_url=os.environ.get("CELERY_BROKER_URL")
            or f"sqla+sqlite:///{data_dir / 'celery-broker.db'}",
            celery_result_backend=os.environ.get("CELERY_RESULT_BACKEND")
            or f"db+sqlite:///{data_dir / 'celery-results.db'}",
            secret_key=os.environ.get("SECRET_KEY", DEFAULT_SECRET_KEY),
            api_host=os.environ.get("API_HOST", "127.0.0.1"),
            api_port=_env_int("API_PORT", 8000),
            max_body_bytes=_env_int("MAX_BODY_BYTES", 1_000_000),
            rate_limit_per_minute=_env_int("RATE_LIMIT_PER_MINUTE", 600),
            cors_origins=_env_list("CORS_ORIGINS", []),
            forwarded_allow_ips=_env_list("FORWARDED_ALLOW_IPS", []),
            log_json=_env_bool("LOG_JSON", environment == "production"),
            log_level=os.environ.get("LOG_LEVEL", "INFO").upper(),
            database_echo=_env_bool("DATABASE_ECHO", False),
            match_weights=_env_weights("MATCH_WEIGHTS"),
            match_gates=_env_gates(),
            match_min_score=_env_float("MATCH_MIN_SCORE", 35.0),
            match_store_limit=_env_int("MATCH_STORE_LIMIT", 200),
            rescore_chunk_missions=_env_int("RESCORE_CHUNK_MISSIONS", 64),
            stale_sweep_seconds=_env_float("STALE_SWEEP_SECONDS", 60.0),
            enqueue_timeout_seconds=_env_float("ENQUEUE_TIMEOUT_SECONDS", 0.5),
            celery_visibility_timeout=_env_int("CELERY_VISIBILITY_TIMEOUT", 900),
            scoring_task_time_limit=_env_int("SCORING_TASK_TIME_LIMIT", 600),
            celery_queue=os.environ.get("CELERY_QUEUE", "ctomatch"),
            review_score_drift=_env_float("REVIEW_SCORE_DRIFT", 10.0),
            smtp_url=os.environ.get("SMTP_URL", ""),
            notify_from=os.environ.get("NOTIFY_FROM", "ctomatch <no-reply@ctomatch.local>"),
            notification_sweep_seconds=_env_float("NOTIFICATION_SWEEP_SECONDS", 30.0),
            notify_max_attempts=_env_int("NOTIFY_MAX_ATTEMPTS", 8),
            notify_retry_base_seconds=_env_float("NOTIFY_RETRY_BASE_SECONDS", 60.0),
            notify_retry_max_seconds=_env_float("NOTIFY_RETRY_MAX_SECONDS", 3600.0),
            chunk_lease_seconds=_env_float("CHUNK_LEASE_SECONDS", 120.0),
            job_stall_seconds=_env_float("JOB_STALL_SECONDS", 60.0),
            job_watchdog_seconds=_env_float("JOB_WATCHDOG_SECONDS", 15.0),
            chunk_max_attempts=_env_int("CHUNK_MAX_ATTEMPTS", 3),
            public_url=os.environ.get("PUBLIC_URL", ""),
            sign_in_max_failures=_env_int("SIGN_IN_MAX_FAILURES", 5),
            sign_in_max_failures_per_client=_env_int("SIGN_IN_MAX_FAILURES_PER_CLIENT", 20),
            sign_in_window_seconds=_env_float("SIGN_IN_WINDOW_SECONDS", 900.0),
            availability_reminder_days=_env_int("AVAILABILITY_REMINDER_DAYS", 30),
        )
        settings.validate()
        return settings

    def validate(self) -> None:
        """Refuse settings that would be unsafe or cannot work."""
        if self.environment == "production" and self.secret_key == DEFAULT_SECRET_KEY:
            raise SettingsError("SECRET_KEY must be set in production")
        if len(self.secret_key) < 16:
            raise SettingsError("SECRET_KEY must be at least 16 characters")
        if self.max_body_bytes < 1024:
            raise SettingsError("MAX_BODY_BYTES must be at least 1024")
        if not 0 <= self.match_min_score <= 100:
            raise SettingsError("MATCH_MIN_SCORE must be between 0 and 100")
        for proxy in self.forwarded_allow_ips:
            try:
                ipaddress.ip_network(proxy, strict=False)
            except ValueError as exc:
                raise SettingsError(f"FORWARDED_ALLOW_IPS: {proxy!r} is not an IP address or CIDR") from exc
        if self.match_store_limit < 1 or self.rescore_chunk_missions < 1:
            raise SettingsError("MATCH_STORE_LIMIT and RESCORE_CHUNK_MISSIONS must be positive")
        if not 0 < self.enqueue_timeout_seconds <= 10:
            # A write waits this long at most for its enqueue; above a few seconds the API stalls.
            raise SettingsError("ENQUEUE_TIMEOUT_SECONDS must be more than 0 and at most 10")
        if self.notify_max_attempts < 1:
            raise SettingsError("NOTIFY_MAX_ATTEMPTS must be at least 1")
        if not 0 <= self.notify_retry_base_seconds <= self.notify_retry_max_seconds:
            raise SettingsError("NOTIFY_RETRY_BASE_SECONDS must be between 0 and NOTIFY_RETRY_MAX_SECONDS")
        if self.sign_in_max_failures < 1 or self.sign_in_max_failures_per_client < 1:
            raise SettingsError("SIGN_IN_MAX_FAILURES and SIGN_IN_MAX_FAILURES_PER_CLIENT must be at least 1")
        if self.sign_in_window_seconds <= 0:
            raise SettingsError("SIGN_IN_WINDOW_SECONDS must be more than 0")
        if self.availability_reminder_days < 1:
            raise SettingsError("AVAILABILITY_REMINDER_DAYS must be at least 1")
        if self.public_url and not self.public_url.startswith(("http://", "https://")):
            raise SettingsError(f"PUBLIC_URL must start with http:// or https://, got {self.public_url!r}")
        self._validate_job_watchdog()
        try:
            self.weights()
        except ValueError as exc:
            raise SettingsError(f"MATCH_WEIGHTS: {exc}") from exc
        try:
            self.gates()
        except ValueError as exc:
            raise SettingsError(f"GATE_*: {exc}") from exc

    def _validate_job_watchdog(self) -> None:
        if not 0 < self.chunk_lease_seconds <= self.scoring_task_time_limit:
            # The lease must outlast a chunk's run; no task lives past its time limit, so neither should it.
            raise SettingsError(
                f"CHUNK_LEASE_SECONDS must be more than 0 and at most SCORING_TASK_TIME_LIMIT "
                f"({self.scoring_task_time_limit}), got {self.chunk_lease_seconds:g}"
            )
        if self.job_stall_seconds <= 0:
            raise SettingsError(f"JOB_STALL_SECONDS must be more than 0, got {self.job_stall_seconds:g}")
        if self.job_watchdog_seconds <= 0:
            raise SettingsError(
                f"JOB_WATCHDOG_SECONDS must be more than 0, got {self.job_watchdog_seconds:g}"
            )
        if self.chunk_max_attempts < 1:
            raise SettingsError(f"CHUNK_MAX_ATTEMPTS must be at least 1, got {self.chunk_max_attempts}")

    def weights(self) -> Weights:
        """The factor weights of the engine: defaults, overridden by MATCH_WEIGHTS."""
        return Weights.from_mapping(self.match_weights)

    def gates(self) -> Gates:
        """The deal-breaker gates of the engine: defaults, overridden by the GATE_* variables."""
        return Gates.from_mapping(self.match_gates)

    @property
    def celery_control_queue(self) -> str:
        """The queue of the job watchdog: a backlog of scoring chunks on the main queue never delays it."""
        return f"{self.celery_queue}.control"

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

    def ensure_data_dir(self) -> None:
        """The embedded SQLite files need their folder before the first connection."""
        self.data_dir.mkdir(parents=True, exist_ok=True)


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings, read once."""
    return Settings.from_env()

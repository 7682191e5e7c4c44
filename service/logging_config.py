"""Logging for every process: JSON lines in production, readable lines in development.

Every line carries the request id of the request it belongs to (bound in structlog's contextvars by
the request-context middleware) and passes through one redaction step, so an API key, its stored
hash, a password in a URL or the value of a field named like a secret never reaches a log sink:

- a LogRecord factory masks the rendered message (and traceback) of every stdlib record as it is
  created, so *every* handler sees the masked text — ours, uvicorn's, celery's, pytest's caplog;
- a structlog processor masks the final event dict just before rendering (structlog events, and
  anything a processor added, e.g. a formatted traceback).
"""

from __future__ import annotations

import contextlib
import logging
import re
import sys
from collections.abc import Callable, Mapping
from typing import Any

import structlog

from service.settings import Settings

REDACTED = "[REDACTED]"

#: Field names whose value is a secret whatever it looks like (compared lower-cased, `-` as `_`).
_SECRET_FIELD = re.compile(r"api_?key|authorization|passw(?:or)?d|secret|token|cookie|credential")

#: Secrets recognised inside any text, with the part kept so a reader can still tell what it was.
_SECRET_PATTERNS: tuple[tuple[re.Pattern[str], str], ...] = (
    # API keys: role prefix + token_urlsafe (service.auth.keys); keep the role prefix.
    (re.compile(r"(?<![A-Za-z0-9])(ctf|ctc|cto)_[A-Za-z0-9_-]{20,}"), r"\1_" + REDACTED),
    # Demo keys of the fixtures, e.g. demo-fl-lea-moreau-1a2b3c4d.
    (re.compile(r"(?<![A-Za-z0-9])demo-(fl|co|op)-[a-z0-9-]+"), r"demo-\1-" + REDACTED),
    # HMAC-SHA256 hex digests: how API keys are stored (shown by SQL parameter logging, aiosqlite).
    (re.compile(r"(?<![0-9A-Fa-f])[0-9a-f]{64}(?![0-9A-Fa-f])"), REDACTED),
    # The password of a URL (database, broker, SMTP): scheme://user:password@host.
    (re.compile(r"(://[^:/?#@\s]*):[^@/\s]+@"), r"\1:" + REDACTED + "@"),
)


def redact_text(text: str) -> str:
    """`text` with every recognised secret masked."""
    for pattern, replacement in _SECRET_PATTERNS:
        text = pattern.sub(replacement, text)
    return text


def is_secret_field(name: str) -> bool:
    return bool(_SECRET_FIELD.search(name.lower().replace("-", "_")))


def redact_value(value: Any) -> Any:
    """A copy of `value` with secrets masked in strings, and in mappings and sequences inside it."""
    if isinstance(value, str):
        return redact_text(value)
    if isinstance(value, bytes):
        return redact_text(value.decode("utf-8", "replace"))
    if isinstance(value, Mapping):
        return {
            key: REDACTED if isinstance(key, str) and is_secret_field(key) else redact_value(item)
            for key, item in value.items()
        }
    if isinstance(value, tuple):  # keeps exc_info tuples usable by format_exc_info
        return tuple(redact_value(item) for item in value)
    if isinstance(value, list | set | frozenset):
        return [redact_value(item) for item in value]
    return value


def redact_event(
    _logger: Any, _method: str, event_dict: structlog.types.EventDict
) -> structlog.types.EventDict:
    """structlog processor: mask secret fields and secrets inside values (keys `_…` are structlog's)."""
    for key, value in list(event_dict.items()):
        if key.startswith("_"):
            continue
        event_dict[key] = REDACTED if is_secret_field(key) else redact_value(value)
    return event_dict


class _RedactingRecordFactory:
    """Wraps the LogRecord factory: masks the message and traceback of each record at creation.

    Records of structlog loggers carry their event dict as `msg`; it is masked the same way.
    A record is only rewritten when it held a secret, so other records keep their `msg`/`args`.
    """

    def __init__(self, wrapped: Callable[..., logging.LogRecord]) -> None:
        self.wrapped = wrapped
        self._exception_formatter = logging.Formatter()

    def __call__(self, *args: Any, **kwargs: Any) -> logging.LogRecord:
        record = self.wrapped(*args, **kwargs)
        with contextlib.suppress(Exception):  # a log call must never fail because of redaction
            self._redact(record)
        return record

    def _redact(self, record: logging.LogRecord) -> None:
        if isinstance(record.msg, Mapping):
            record.msg = redact_value(record.msg)
        elif record.msg or record.args:
            message = record.getMessage()
            masked = redact_text(message)
            if masked != message:
                record.msg, record.args = masked, ()
        if record.exc_info and not record.exc_text:
            text = self._exception_formatter.formatException(record.exc_info)
            masked = redact_text(text)
            if masked != text:
                record.exc_text = masked


def _install_record_factory() -> None:
    current = logging.getLogRecordFactory()
    if not isinstance(current, _RedactingRecordFactory):
        logging.setLogRecordFactory(_RedactingRecordFactory(current))


def configure_logging(settings: Settings) -> None:
    """The one logging set-up of the API, the CLI and the workers (idempotent)."""
    renderer: structlog.types.Processor = (
        structlog.processors.JSONRenderer()
        if settings.log_json
        # Plain tracebacks: the rich formatter would print local variables (API keys among them).
        else structlog.dev.ConsoleRenderer(colors=False, exception_formatter=structlog.dev.plain_traceback)
    )
    shared: list[structlog.types.Processor] = [
        # Brings in `request_id` (bound by service.observability's middleware for each request).
        structlog.contextvars.merge_contextvars,
        structlog.stdlib.add_log_level,
        structlog.stdlib.add_logger_name,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
    ]
    structlog.configure(
        processors=[*shared, structlog.stdlib.ProcessorFormatter.wrap_for_formatter],
        logger_factory=structlog.stdlib.LoggerFactory(),
        cache_logger_on_first_use=True,
    )
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(
        structlog.stdlib.ProcessorFormatter(
            foreign_pre_chain=shared,
            processors=[
                structlog.stdlib.ProcessorFormatter.remove_processors_meta,
                # Traceback as text before redaction, so secrets in exception messages are masked.
                structlog.processors.format_exc_info,
                redact_event,
                renderer,
            ],
        )
    )
    _install_record_factory()
    root = logging.getLogger()
    root.handlers = [handler]
    root.setLevel(settings.log_level)
    logging.getLogger("httpx").setLevel(logging.WARNING)
    # Our access line (service.observability) replaces uvicorn's, which would print query strings.
    logging.getLogger("uvicorn.access").setLevel(logging.WARNING)

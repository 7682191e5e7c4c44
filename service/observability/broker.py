"""Blocking reads of the Celery broker for /health and /metrics (run them in a thread).

They go through kombu, the library Celery itself publishes with, so Redis in production and the
embedded SQLite broker (kombu's SQLAlchemy transport, `sqla+sqlite://`) are read the same way, with
short timeouts and one retry at most.
"""

from __future__ import annotations

from typing import Any

CONNECT_TIMEOUT_SECONDS = 2.0


def _connection(url: str) -> Any:
    from kombu.connection import Connection

    options: dict[str, Any] = {}
    if url.startswith(("redis://", "rediss://")):
        options = {
            "socket_connect_timeout": CONNECT_TIMEOUT_SECONDS,
            "socket_timeout": CONNECT_TIMEOUT_SECONDS,
        }
    return Connection(  # type: ignore[no-untyped-call]
        url, connect_timeout=CONNECT_TIMEOUT_SECONDS, transport_options=options
    )


def queue_depth(url: str, queue: str) -> int:
    """Messages waiting in `queue`, connecting to the broker at `url` (raises if it is unreachable).

    The count is kombu's own `queue_declare(passive=True)` message count: on Redis the LLEN of the
    queue's list (summed over its priority lists), on the SQLAlchemy transport the rows of
    `kombu_message` for that queue still `visible` (delivered rows stay, marked invisible). A queue
    Redis does not know yet (never used, or emptied) counts 0.
    """
    from kombu.exceptions import ChannelError

    with _connection(url) as connection:
        connection.ensure_connection(
            max_retries=1,
            interval_start=0.1,
            interval_step=0.2,
            interval_max=0.5,
            timeout=CONNECT_TIMEOUT_SECONDS * 2,
        )
        channel = connection.channel()
        try:
            _, count, _ = channel.queue_declare(queue=queue, passive=True)
        except ChannelError:
            return 0
        finally:
            channel.close()
        return int(count)

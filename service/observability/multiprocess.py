"""prometheus_client multiprocess mode: one metrics directory shared by the API and the workers.

The API and the Celery workers are different processes; each writes its metric values to its own
memory-mapped file (`<kind>_<pid>.db`) in one directory, and `/metrics` merges them
(`MultiProcessCollector`). The directory is `PROMETHEUS_MULTIPROC_DIR` when set, else
`<data dir>/prometheus` — the same for the API and the workers of one machine (the embedded mode).

Init order, and why: prometheus_client picks how a metric stores its values (in-process, or in a
file of that directory) from `PROMETHEUS_MULTIPROC_DIR` *when the first metric is built*
(`prometheus_client.values.ValueClass`, chosen at import). So in ctomatch:

1. no module builds a prometheus metric at import time — the metrics are made by accessors
   (`service.observability.metrics.api_metrics`, `workers.metrics.task_duration`);
2. each accessor first calls `prepare_multiprocess()`, which sets the variable (creating the
   directory), and re-selects the value class if prometheus_client was imported before it was set;
3. the API calls it at start-up (lifespan), a worker in its child process at its first task.

If the directory cannot be used (not creatable, not writable), the process keeps in-process values
and `/metrics` serves the API's own metrics from the default registry instead of failing.
"""

from __future__ import annotations

import logging
import os
import threading
from pathlib import Path

from service.settings import Settings

ENV_VAR = "PROMETHEUS_MULTIPROC_DIR"

logger = logging.getLogger("ctomatch.metrics")

_lock = threading.Lock()
_prepared = False
_directory: Path | None = None


def _usable(directory: Path) -> bool:
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError:
        return False
    return directory.is_dir() and os.access(directory, os.W_OK | os.X_OK)


def prepare_multiprocess(settings: Settings) -> Path | None:
    """Choose, once per process, where metric values live; returns the shared directory or None.

    Must run before this process builds its first metric (see the module docstring).
    """
    global _prepared, _directory
    with _lock:
        if _prepared:
            return _directory
        configured = os.environ.get(ENV_VAR)
        directory = Path(configured) if configured else settings.data_dir / "prometheus"
        from prometheus_client import values  # imported only now, after the decision above

        if _usable(directory):
            os.environ[ENV_VAR] = str(directory)
            if not getattr(values.ValueClass, "_multiprocess", False):
                # prometheus_client was imported before the variable was set.
                values.ValueClass = values.get_value_class()  # type: ignore[no-untyped-call]
            _directory = directory.resolve()
        else:
            logger.warning(
                "metrics directory %s is not usable; /metrics serves this process's metrics only",
                directory,
            )
            values.ValueClass = values.MutexValue
            _directory = None
        _prepared = True
        return _directory


def multiprocess_directory() -> Path | None:
    """The directory chosen by `prepare_multiprocess`, or None (not prepared, or in-process mode)."""
    return _directory

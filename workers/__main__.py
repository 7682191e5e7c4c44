"""`python -m workers worker|beat [celery options]`: a Celery command on the worker app, built from
this process's environment (`ctomatch worker` and `ctomatch beat` run the same, with their options).

What starts a worker process of its own goes through here (`service.cli.worker_command`): the demo's
worker, the tests' and the benchmarks' (which add Celery options such as `--without-gossip`).
"""

from __future__ import annotations

import sys

from service.settings import get_settings
from workers.celery_app import run_celery

if __name__ == "__main__":
    sys.exit(run_celery(get_settings(), sys.argv[1:]))

"""Wire shapes of rescoring jobs.

`JobOut` lives with the job's row (service.background.jobs), so a domain below scoring that queues a
job (the grid update) can return it too.
"""

from __future__ import annotations

from service.background.jobs import JobOut

__all__ = ["JobOut"]

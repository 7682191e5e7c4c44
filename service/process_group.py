"""A child process that takes its own children along when it stops, and a stop on SIGTERM or Ctrl+C.

`ctomatch demo` runs its Celery worker this way. In a process group of its own the worker gets no
terminal Ctrl+C (the demo stops it, in order), and whatever it forked (pool processes, an embedded
beat) is in that group, so one `killpg` reaches all of it.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
from collections.abc import Iterator, Sequence
from types import FrameType


class ChildProcessGroup:
    """A child started as the leader of a new session (and so of a new process group)."""

    def __init__(self, command: Sequence[str]) -> None:
        self.process = subprocess.Popen(list(command), start_new_session=True)  # noqa: S603 - our command

    @property
    def pid(self) -> int:
        return self.process.pid

    def stop(self, timeout: float) -> None:
        """SIGTERM to the leader alone, which stops its own children (Celery: a warm shutdown of its pool
        and beat; SIGTERM to all of them at once would hang an embedded beat). Then SIGKILL to the whole
        group: after `timeout`, once the leader has exited (for anything it left), or when the wait is
        interrupted (a second Ctrl+C). Nothing of the group outlives this call."""
        try:
            if self.process.poll() is None:
                self.process.terminate()
                with contextlib.suppress(subprocess.TimeoutExpired):
                    self.process.wait(timeout)
        finally:
            self.kill()

    def kill(self) -> None:
        """SIGKILL the whole group and reap the leader."""
        with contextlib.suppress(ProcessLookupError):  # the group is already empty
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait()


class StopRequested(Exception):
    """SIGTERM or SIGINT arrived inside `stop_on_signals`."""

    def __init__(self, signum: int) -> None:
        super().__init__(signal.Signals(signum).name)
        self.signum = signum


def _raise_stop(signum: int, _frame: FrameType | None) -> None:
    raise StopRequested(signum)


@contextlib.contextmanager
def stop_on_signals(*signals: signal.Signals) -> Iterator[None]:
    """Within, each of `signals` raises StopRequested, so every `finally` inside runs (a server that
    captures them, as uvicorn does, raises them again once it has shut down). Leaving on one, the process
    then dies of that signal, as it would have without the handler: its parent sees why it ended."""
    previous = {sig: signal.signal(sig, _raise_stop) for sig in signals}
    received: int | None = None
    try:
        yield
    except StopRequested as stop:
        received = stop.signum
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    if received is not None:
        sys.stdout.flush()
        sys.stderr.flush()
        signal.signal(received, signal.SIG_DFL)
        signal.raise_signal(received)

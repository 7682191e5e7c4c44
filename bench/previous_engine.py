"""Load the engine of an earlier commit beside the current one, so both run in the same process.

`git archive REV matching` is unpacked to a temporary folder and imported as `matching` while the
current package is set aside in `sys.modules`; the earlier modules keep the references they took at
import time, so both engines can then be called side by side (same data, same machine state). Only
`matching/` is taken: the engine imports nothing else of the project.
"""

from __future__ import annotations

import importlib
import io
import subprocess
import sys
import tarfile
import tempfile
from dataclasses import fields
from pathlib import Path
from types import ModuleType
from typing import Any

ROOT = Path(__file__).resolve().parents[1]


class PreviousEngineUnavailable(RuntimeError):
    """No git, or the revision is unknown (e.g. run from an installed package, not a checkout)."""


def load(rev: str) -> dict[str, ModuleType]:
    """The `matching` modules of `rev` by short name ("engine", "pool", "inputs", …)."""
    try:
        archive = subprocess.run(  # noqa: S603 - a fixed git command; `rev` is an argument, not a shell
            ["git", "-C", str(ROOT), "archive", "--format=tar", rev, "matching"],  # noqa: S607
            check=True,
            capture_output=True,
        ).stdout
    except (OSError, subprocess.CalledProcessError) as exc:
        detail = (
            exc.stderr.decode(errors="replace").strip()
            if isinstance(exc, subprocess.CalledProcessError)
            else exc
        )
        raise PreviousEngineUnavailable(f"cannot read matching/ at {rev}: {detail}") from exc
    folder = tempfile.mkdtemp(prefix="previous-engine-")
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(folder, filter="data")
    current = {k: v for k, v in sys.modules.items() if k == "matching" or k.startswith("matching.")}
    for name in current:
        del sys.modules[name]
    sys.path.insert(0, folder)
    try:
        package = importlib.import_module("matching")
        for name in ("engine", "pool", "inputs", "factors"):
            importlib.import_module(f"matching.{name}")
        previous = {
            k.removeprefix("matching.") if k != "matching" else "": v
            for k, v in sys.modules.items()
            if k == "matching" or k.startswith("matching.")
        }
    finally:
        for name in [k for k in sys.modules if k == "matching" or k.startswith("matching.")]:
            del sys.modules[name]
        sys.path.remove(folder)
        sys.modules.update(current)
    previous[""] = package
    return previous


def convert(value: Any, cls: type) -> Any:
    """A current input dataclass as the earlier engine's class: the fields it knows, copied."""
    return cls(**{f.name: getattr(value, f.name) for f in fields(cls) if f.init and hasattr(value, f.name)})

"""Building the app emits no warning at all, so a handler declared in a style Litestar deprecates (an
inferred dependency, an unmarked query parameter or body) fails here before Litestar 3 removes it.

Built in a fresh interpreter: warnings raised while importing the service count too, and modules that
other tests already imported do not hide them.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]

#: Runs the code in argv[1] with every warning recorded, then prints them as a JSON list.
_RECORDING = textwrap.dedent(
    """
    import json, sys, warnings

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        exec(sys.argv[1])
    print(json.dumps([f"{w.category.__name__}: {w.message} ({w.filename}:{w.lineno})" for w in caught]))
    """
)

#: As `ctomatch run` builds it: the Celery work queue, the web console plugin, then the OpenAPI document.
BUILD_APP = textwrap.dedent(
    """
    from service.app import create_app

    app = create_app()
    app.openapi_schema
    """
)

#: One handler written the way Litestar 2 still accepts and warns about.
DEPRECATED_HANDLER = textwrap.dedent(
    """
    from litestar import Litestar, get

    @get("/", sync_to_thread=False)
    def handler(name: str) -> str:
        return name

    Litestar([handler])
    """
)


def warnings_of(code: str, data_dir: Path) -> list[str]:
    env = {name: value for name, value in os.environ.items() if not name.startswith("CTOMATCH_")}
    env.update(CTOMATCH_DATA_DIR=str(data_dir), PYTHONPATH=str(REPO))
    run = subprocess.run(
        [sys.executable, "-c", _RECORDING, code],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert run.returncode == 0, run.stderr
    found: list[str] = json.loads(run.stdout.strip().splitlines()[-1])
    return found


def test_building_the_app_and_its_schema_emits_no_warning(tmp_path: Path) -> None:
    assert warnings_of(BUILD_APP, tmp_path) == []


def test_the_check_sees_a_litestar_deprecation(tmp_path: Path) -> None:
    found = warnings_of(DEPRECATED_HANDLER, tmp_path)
    assert any(w.startswith("LitestarDeprecationWarning:") and "'name'" in w for w in found), found

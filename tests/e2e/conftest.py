"""What the console's browser tests share: the scored demo data served once per test module (`site`)
and one Chromium for it (`browser`). A module that serves something else defines its own `site`."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser

from tests.e2e.serving import ConsoleSite, launched_chromium, require_chromium, served_console


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest) -> Iterator[ConsoleSite]:
    require_chromium()
    data_dir = tmp_path_factory.mktemp(request.module.__name__.rsplit(".", 1)[-1])
    with served_console(data_dir) as served:
        yield served


@pytest.fixture(scope="module")
def browser(site: object) -> Iterator[Browser]:
    with launched_chromium(require_chromium()) as launched:
        yield launched

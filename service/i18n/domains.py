"""Which catalog (domain) holds the texts of which source files.

One `.po` file per domain and locale keeps unrelated parts of the product (the console, the web app,
match explanations, …) from editing the same file. A source file belongs to the domain of the longest
prefix below that matches its path; at run time every domain of a locale is merged into one catalog,
so code never names its domain.
"""

from __future__ import annotations

from pathlib import PurePosixPath
from typing import Final

#: Path prefix (relative to the project root) → domain. The longest matching prefix wins.
DOMAIN_PREFIXES: Final[dict[str, str]] = {
    "service/": "messages",
    "workers/": "messages",
    "service/web/": "console",
    "service/portal/": "portal",
    "service/portal/account/": "account",
    "service/portal/templates/portal/account/": "account",
    "service/portal/freelancer/": "freelancer",
    "service/portal/templates/portal/freelancer/": "freelancer",
    "service/portal/company/": "company",
    "service/portal/templates/portal/company/": "company",
    "service/explanations/": "explanations",
    "service/notifications/": "notifications",
    "service/privacy/": "privacy",
}

#: Folders scanned for texts, and how: Python calls of the keywords below, Jinja `{% trans %}` and `_()`.
SOURCE_ROOTS: Final = ("service", "workers")
PYTHON_SUFFIX: Final = ".py"
TEMPLATE_SUFFIXES: Final = (".html", ".txt")
KEYWORDS: Final = {
    "_": None,
    "gettext": None,
    "ngettext": (1, 2),
    "pgettext": ((1, "c"), 2),
    "N_": None,
}


def domain_of(path: str) -> str | None:
    """The domain of a project-relative POSIX path, or None if it is outside every prefix."""
    posix = str(PurePosixPath(path))
    matches = [prefix for prefix in DOMAIN_PREFIXES if posix.startswith(prefix)]
    return DOMAIN_PREFIXES[max(matches, key=len)] if matches else None


def domains() -> list[str]:
    return sorted(set(DOMAIN_PREFIXES.values()))

"""WCAG checks of a rendered page with axe-core (vendored from its npm package, see vendor/axe-core)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from playwright.sync_api import Page

AXE_SCRIPT = Path(__file__).resolve().parent / "vendor" / "axe-core" / "axe.min.js"
#: The WCAG 2.1 A and AA rules (contrast, labels, names, landmarks, language …).
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
SERIOUS = frozenset({"serious", "critical"})


def axe_violations(page: Page, impacts: frozenset[str] = SERIOUS) -> list[dict[str, Any]]:
    """The violations of `impacts` on the page as it is now, each with the selectors of its nodes."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE_SCRIPT))
    result: dict[str, Any] = page.evaluate(
        """tags => axe.run(document, {runOnly: {type: "tag", values: tags}, resultTypes: ["violations"]})""",
        WCAG_TAGS,
    )
    return [
        {
            "id": v["id"],
            "impact": v["impact"],
            "help": v["help"],
            "nodes": [", ".join(n["target"]) for n in v["nodes"][:5]],
        }
        for v in result["violations"]
        if v.get("impact") in impacts
    ]


def describe(violations: list[dict[str, Any]]) -> str:
    return "\n".join(f"{v['impact']} {v['id']}: {v['help']} at {v['nodes']}" for v in violations)


def no_horizontal_scroll(page: Page) -> bool:
    return bool(page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth"))

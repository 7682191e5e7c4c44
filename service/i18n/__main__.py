"""`python -m service.i18n update|check`: keep the message catalogs in step with the sources."""

from __future__ import annotations

import sys

from service.i18n.extraction import PROJECT_ROOT, check, update


def main(argv: list[str]) -> int:
    command = argv[1] if len(argv) > 1 else "check"
    if command == "update":
        for path in update():
            print(f"updated {path.relative_to(PROJECT_ROOT)}")
    elif command != "check":
        print("usage: python -m service.i18n update|check", file=sys.stderr)
        return 2
    problems = check()
    for p in problems:
        print(f"{p.locale}/{p.domain}: {p.message!r}: {p.what} ({p.where})")
    print(f"{len(problems)} problem(s)")
    return 1 if problems else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))

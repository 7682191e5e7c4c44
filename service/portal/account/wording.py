"""The words of the account forms' problems: the service says what is wrong (a code), the page says it.

Messages are in the reader's language; the duplicate e-mail one carries links (sign in, reset), so it
is `Markup` (the form macros join messages with escaping, and keep markup as it is).
"""

from __future__ import annotations

from markupsafe import Markup, escape

from service.accounts.web_accounts import Problem, Problems
from service.i18n import SUPPORTED_LOCALES, _
from service.i18n.jinja import LANGUAGE_NAMES


def _email_taken() -> Markup:
    links = {
        "sign_in": Markup('<a href="/sign-in">%s</a>') % _("sign in"),
        "reset": Markup('<a href="/forgot-password">%s</a>') % _("reset its password"),
    }
    return escape(_("An account already uses this e-mail address: %(sign_in)s or %(reset)s.")) % links


def problem_text(problem: Problem) -> str:
    """One problem, worded for the reader."""
    if problem.code == "password_rules":
        return _("The password must have: %(rules)s.", rules=", ".join(problem.details))
    if problem.code == "email_taken":
        return _email_taken()
    if problem.code == "unknown_locale":
        names = ", ".join(LANGUAGE_NAMES[code] for code in SUPPORTED_LOCALES)
        return _("Choose one of these languages: %(names)s.", names=names)
    texts = {
        "required": _("This field is required."),
        "too_long": _("At most 200 characters."),
        "email_format": _("Enter an e-mail address such as jeanne.martin@example.fr."),
        "password_mismatch": _("The two passwords differ: type the same password twice."),
        "consent_required": _("Tick this box to create an account: we need your consent to keep your data."),
        "wrong_password": _("This is not your current password."),
    }
    return texts.get(problem.code, problem.code)


def form_errors(problems: Problems) -> dict[str, list[str]]:
    """Problems by field, worded, in the order of the form's fields (as the service listed them)."""
    return {name: [problem_text(p) for p in items] for name, items in problems.items()}


def language_choices() -> list[tuple[str, str]]:
    """The languages a person may choose, each named in itself."""
    return [(code, LANGUAGE_NAMES[code]) for code in SUPPORTED_LOCALES]

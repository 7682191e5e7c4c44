"""Password hashes: argon2id through argon2-cffi, with its maintained default parameters.

A hash made with older parameters is replaced at the next successful sign-in (`needs_rehash`). The
rules a new password must meet are here too, so the web forms and the API say the same thing.
"""

from __future__ import annotations

from typing import Final

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from service.i18n import _

MIN_PASSWORD_LENGTH: Final = 10
MAX_PASSWORD_LENGTH: Final = 200
_HASHER: Final = PasswordHasher()
#: Verified when an e-mail is unknown, so a sign-in takes as long whether the account exists or not.
_DUMMY_HASH: Final = _HASHER.hash("not a password of anyone")


def hash_password(password: str) -> str:
    return _HASHER.hash(password)


def verify_password(stored_hash: str | None, password: str) -> bool:
    """Whether `password` matches; a missing or unreadable hash never matches (and costs the same)."""
    try:
        return _HASHER.verify(stored_hash or _DUMMY_HASH, password) and stored_hash is not None
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def needs_rehash(stored_hash: str) -> bool:
    return _HASHER.check_needs_rehash(stored_hash)


def password_problems(password: str, *, email: str = "") -> list[str]:
    """What is wrong with a new password, in the reader's language (empty: it is acceptable)."""
    problems = []
    if len(password) < MIN_PASSWORD_LENGTH:
        problems.append(_("at least %(n)s characters", n=MIN_PASSWORD_LENGTH))
    if len(password) > MAX_PASSWORD_LENGTH:
        problems.append(_("at most %(n)s characters", n=MAX_PASSWORD_LENGTH))
    if password.strip() == "" and password:
        problems.append(_("not only spaces"))
    local_part = email.split("@", 1)[0].lower()
    if local_part and len(local_part) >= 4 and local_part in password.lower():
        problems.append(_("not containing your e-mail address"))
    return problems

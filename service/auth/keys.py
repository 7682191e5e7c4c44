"""API keys: random tokens shown once, stored as an HMAC keyed by SECRET_KEY, never logged."""

from __future__ import annotations

import hashlib
import hmac
import secrets

from models.enums import Role

_PREFIX_BY_ROLE = {Role.FREELANCER: "ctf", Role.COMPANY: "ctc", Role.OPERATOR: "cto"}


def generate_api_key(role: Role) -> str:
    """A new key; the short role prefix helps a person tell keys apart, it grants nothing."""
    return f"{_PREFIX_BY_ROLE[role]}_{secrets.token_urlsafe(32)}"


def hash_api_key(api_key: str, secret_key: str) -> str:
    """Deterministic keyed hash, so a key is found by an indexed equality lookup."""
    return hmac.new(secret_key.encode(), api_key.encode(), hashlib.sha256).hexdigest()


def keyed_hash(value: str | bytes, secret_key: str, *, purpose: str) -> str:
    """HMAC-SHA256 keyed by SECRET_KEY for other secrets (idempotency keys, requests).

    The purpose is part of the message, so a digest made for one purpose never matches another.
    """
    data = value.encode() if isinstance(value, str) else value
    return hmac.new(secret_key.encode(), purpose.encode() + b"\0" + data, hashlib.sha256).hexdigest()


def display_prefix(api_key: str) -> str:
    """The first characters of a key, safe to show so a person can tell which key is in use."""
    return api_key[:8]

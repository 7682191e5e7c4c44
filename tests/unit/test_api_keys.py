"""API keys are random, role-prefixed, and only their keyed hash is kept."""

from __future__ import annotations

from models.enums import Role
from service.auth.keys import generate_api_key, hash_api_key


def test_keys_are_unique_and_prefixed() -> None:
    keys = {generate_api_key(Role.FREELANCER) for _ in range(200)}
    assert len(keys) == 200
    assert all(k.startswith("ctf_") and len(k) > 40 for k in keys)
    assert generate_api_key(Role.OPERATOR).startswith("cto_")


def test_hash_depends_on_the_secret_and_hides_the_key() -> None:
    key = generate_api_key(Role.COMPANY)
    first = hash_api_key(key, "secret-one-0123456789")
    assert first == hash_api_key(key, "secret-one-0123456789")
    assert first != hash_api_key(key, "secret-two-0123456789")
    assert key not in first and len(first) == 64

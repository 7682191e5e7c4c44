"""API keys, the calling actor, and the role guard."""

"""The data rights of every account (GDPR): a copy of everything stored about it (art. 20) and its
erasure (art. 17)."""

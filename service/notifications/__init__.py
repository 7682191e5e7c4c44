"""Notifications of decisions, through a transactional outbox."""

"""Celery app and tasks (filled by the matching issue)."""

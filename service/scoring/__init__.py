"""Scoring as the service sees it: rows to engine inputs, stored matches, staleness, jobs, the queue."""

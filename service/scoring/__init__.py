"""Scoring as the workers run it: stored matches, staleness, full rescoring jobs and their watchdog."""

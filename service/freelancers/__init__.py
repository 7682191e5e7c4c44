"""Freelance CTO profiles."""

"""Missions companies post."""

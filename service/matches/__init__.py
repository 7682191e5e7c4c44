"""Operator review of matches: the queue, decisions and their audit trail."""

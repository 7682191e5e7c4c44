"""Accounts and their API keys: who may call the API, as what role."""

"""Database rows to the pure engine's inputs: ORM rows one by one (`rows`), or in bulk with Core
queries for the workers (`loaders`). No rule lives here."""

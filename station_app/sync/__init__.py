"""Sync with the county server (protocol, batches, HTTP client, USB bundles).

Not built yet: the outbox it will drain is already written by `store.records` (see DESIGN.md).
"""

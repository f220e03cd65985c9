"""Sync with the county server, the station's side: `protocol` (message shapes, batches,
signatures, the bundle format — the one definition the server imports too), `client` (enrollment,
push of the outbox, pull of the county's feed over HTTPS), `bundles` (the same payloads on a USB
stick), `status` (what the status bar says) and `cli` (`main.py sync …`). See DESIGN.md's sync
contract.
"""

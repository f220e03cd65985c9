"""The county server (ASGI app). Not built yet; it will reuse `core` validation and `sync`."""

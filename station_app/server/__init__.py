"""The county server (ASGI app): the sync endpoints, the county console (`console/`) and its storage
(`store/`), reusing `core` validation and the `sync` protocol."""

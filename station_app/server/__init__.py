"""The county server: `app` (the Starlette ASGI app on uvicorn serving the sync protocol and the
county's JSON endpoints), `console/` (the county console: server-rendered pages for county staff),
`store/` (its own storage with numbered migrations and read tables, SQLite or PostgreSQL), `keys`
(the county's signing and encryption keys), `bundles` (importing a station's USB bundle, writing
the return bundle) and `cli` (`main.py server …`). It reuses `core` validation and the `sync`
protocol module.
"""

"""Qt-free, SQL-free domain: entities, validation and rules.

Nothing in this package may import Qt or sqlite3, so it can be tested with no display and no
database, and reused unchanged by the county server.
"""

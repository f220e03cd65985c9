"""SQLite storage through sqlite-utils: migrations, the one write path, outbox and audit log.

No code outside this package writes SQL.
"""

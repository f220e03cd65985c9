"""The PySide6 user interface: a thin layer over `store` and `core` that never writes SQL."""

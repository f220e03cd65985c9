"""The user's guide's screenshots, taken from the real application (see guide/shoot.py)."""

"""Station (社工站): offline-first records for township social-work stations."""

__version__ = "0.1.0"

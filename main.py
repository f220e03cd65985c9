#!/usr/bin/env python3
"""Station (社工站): `python main.py` starts the app; `python main.py --help` lists the commands."""

import sys

from station_app.cli import main

if __name__ == "__main__":
    sys.exit(main())

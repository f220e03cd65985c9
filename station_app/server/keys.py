"""The county's own keys: signing replies and return bundles, opening bundles and escrow copies.

Kept in `county.keys.json` in the server's data folder (mode 0600). Whoever holds that file can
speak for the county and read what stations send: keep the server's data folder as you keep the
county's other secrets, and back it up (stations pin the public keys; a new file breaks them).
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path

from station_app.sync.protocol import KeyPair

FILE = "county.keys.json"


@dataclass(frozen=True)
class CountyKeys:
    pair: KeyPair

    @classmethod
    def load_or_create(cls, data_dir: Path) -> CountyKeys:
        path = Path(data_dir) / FILE
        if path.exists():
            return cls(KeyPair.from_dict(json.loads(path.read_text(encoding="utf-8"))))
        pair = KeyPair.generate()
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_name(FILE + ".partial")
        fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(pair.to_dict(), fh)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(partial, path)
        return cls(pair)

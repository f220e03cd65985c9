"""The logged-in session every page and dialog receives: where the data is, the open database, who
is working, and the change signal every write announces itself on."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from station_app.core.roles import Actor
from station_app.store.database import StationDatabase
from station_app.store.records import RecordStore
from station_app.ui.changes import Changes


@dataclass
class Session:
    data_dir: Path
    database: StationDatabase  # the UI thread's connection; workers open their own from db_path
    actor: Actor
    changes: Changes = field(default_factory=Changes)  # the app-wide change signal: what each write touched

    @property
    def db_path(self) -> Path:
        return self.database.path

    @property
    def store(self) -> RecordStore:
        return RecordStore(self.database, self.actor)

    @property
    def station(self) -> dict:
        return self.store.get("station", self.database.station_id or "")

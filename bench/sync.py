"""Sync benchmarks: `make bench-sync` writes bench/SYNC-RESULTS.md.

A real county server process on 127.0.0.1 (SQLite, then PostgreSQL where installed), real
encrypted station databases:
- about 10,000 changes (demo data of every kind) pushed end to end (outbox read, signed batches, HTTP, server applies, acks written);
- 30 stations pushing at once (threads, each its own database and connection);
- that station rebuilt from the county into an empty folder (a lost PC), beside its push;
- a 10,000-change USB bundle exported, imported at the county (with its return bundle) and its size.
`--rebuild-people N` measures only a station of N people pushed and then rebuilt from the county
(issue 20's 10,000-person station), in a section of its own that the full run keeps.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from station_app.core import demo  # noqa: E402
from station_app.jobs import admin  # noqa: E402
from station_app.server.bundles import import_bundle  # noqa: E402
from station_app.server.keys import CountyKeys  # noqa: E402
from station_app.server.store.storage import ServerStore  # noqa: E402
from station_app.store import keyring  # noqa: E402
from station_app.store.database import StationDatabase  # noqa: E402
from station_app.core.jobs import JobState  # noqa: E402
from station_app.sync import bundles, client, rebuild  # noqa: E402
from station_app.sync import protocol as p  # noqa: E402
from tests.sync_fixtures import new_postgres_database, running_postgres, start_server, stop  # noqa: E402

RESULTS = ROOT / "bench" / "SYNC-RESULTS.md"
PEER_SECTION = "## Against PouchDB"  # written by bench.peer, kept here
REBUILD_SECTION = "## Rebuild of a whole station"  # written by --rebuild-people, kept here
PEOPLE = 2_700  # about 10,000 changes of every kind (demo data), payloads ~540 bytes
STATIONS = 30
PEOPLE_PER_STATION = 270  # about 1,000 changes each
TODAY = dt.date(2026, 11, 1)
keyring.KDF = keyring.KdfParams(time_cost=1, memory_kib=1024, parallelism=1)  # set-up speed only


def station(folder: Path, n: int, people: int) -> tuple[StationDatabase, bytes]:
    """A station whose demo data (people, households, profiles, visits, relief) waits in the outbox."""
    key = keyring.new_key()
    database = StationDatabase.open(folder / "station.db", key)
    head = admin.initialise_station(database, {**demo.STATION, "name": f"第{n}站", "admin_code": f"210411{n:03d}"},
                                    "head", "站长", "bench-password")
    admin.load_demo(database, head, people, seed=n, today=TODAY)
    return database, key


def timed(fn) -> tuple[float, object]:
    started = time.perf_counter()
    result = fn()
    return time.perf_counter() - started, result


def cpu_seconds(pid: int) -> float:
    """The CPU time (user + system) process `pid` has used so far, from Linux's /proc."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def timed_sync(database: StationDatabase, server_pid: int) -> tuple[float, client.Report, float]:
    """One sync of `database` to the server process `server_pid`: wall seconds, its report, and the
    CPU seconds of both processes (this one's, every thread, and the server's). On a shared machine
    the CPU a change costs moves far less with the load than the wall time does."""
    cpu = time.process_time() + cpu_seconds(server_pid)
    seconds, report = timed(lambda: client.sync(database))
    return seconds, report, time.process_time() + cpu_seconds(server_pid) - cpu


def rebuild_row(folder: Path, store: ServerStore, url: str, name: str, push_seconds: float) -> str:
    """The station just pushed, rebuilt on a "new PC" from the county, beside the time of its push."""
    head = ("head", "站长", "bench-password")
    seconds, (done, _code) = timed(lambda: rebuild.rebuild_into(JobState(), folder / "station.db", url,
                                                                store.issue_rebuild_code(name), head))
    return (f"| rebuild that station from the county into an empty folder ({done.records:,} records, pages of "
            f"{p.MAX_REBUILD:,}) | {seconds:.2f} s | its push: {push_seconds:.2f} s | – | – |")


def rebuild_at_scale(people: int) -> str:
    """The section for a station of `people` pushed to a county server on SQLite, then rebuilt."""
    with tempfile.TemporaryDirectory(prefix="sync-bench-") as tmp:
        folder = Path(tmp)
        county_dir = folder / "county"
        county_dir.mkdir()
        CountyKeys.load_or_create(county_dir)
        url, server = start_server(county_dir)
        store = ServerStore(county_dir / "county.db")
        try:
            database, _ = station(folder / "one", 1, people)
            client.enroll(database, url, store.create_station("第1站"))
            seconds, report = timed(lambda: client.sync(database))
            database.close()
            row = rebuild_row(folder / "rebuilt", store, url, "第1站", seconds)
        finally:
            store.close()
            stop(server)
    return (f"{REBUILD_SECTION}\n\nMeasured {time.strftime('%Y-%m-%d %H:%M')} by `make bench-sync ARGS=\"--rebuild-people "
            f"{people}\"`: a {people:,}-person demo station pushed to a county server on SQLite ({report.counts['applied']:,}"
            " changes), its folder then lost and rebuilt from the county on loopback with a one-time code (records and"
            f" audit history, in resumable pages).\n\n| what | time | detail | target | |\n|---|---:|---|---|---|\n{row}\n")


def kept_sections(old: str, names: tuple[str, ...]) -> str:
    """The sections `names` of the old results file, each to the start of the next kept one."""
    starts = sorted((old.index(name), name) for name in names if name in old)
    return "".join("\n" + old[at:(starts[i + 1][0] if i + 1 < len(starts) else None)].rstrip("\n") + "\n"
                   for i, (at, _name) in enumerate(starts))


def measure(database_url: str | None) -> list[str]:
    """The table rows for one server database (SQLite file when `database_url` is None)."""
    rows: list[str] = []
    with tempfile.TemporaryDirectory(prefix="sync-bench-") as tmp:
        folder = Path(tmp)
        county_dir = folder / "county"
        county_dir.mkdir()
        CountyKeys.load_or_create(county_dir)
        url, server = start_server(county_dir, database_url=database_url)
        store = ServerStore(database_url or county_dir / "county.db")
        keys = CountyKeys.load_or_create(county_dir)
        try:
            # 1. 10,000 changes, one station, end to end.
            database, _ = station(folder / "one", 1, PEOPLE)
            client.enroll(database, url, store.create_station("第1站"))
            seconds, report, cpu = timed_sync(database, server.pid)
            n = report.counts["applied"]
            rows.append(f"| push {n:,} changes end to end (loopback, signed batches of 500) | {seconds:.2f} s | "
                        f"{n / seconds:,.0f} changes/s, CPU {cpu / n * 1e6:.0f} µs/change (station + server), "
                        f"load {os.getloadavg()[0]:.1f} | ≤ 3 s | {'met' if seconds <= 3 else '**not met**'} |")
            rows.append(rebuild_row(folder / "rebuilt", store, url, "第1站", seconds))

            # 2. 30 stations at once.
            databases = []
            for i in range(STATIONS):
                db, key = station(folder / f"s{i}", 100 + i, PEOPLE_PER_STATION)
                client.enroll(db, url, store.create_station(f"第{100 + i}站"))
                databases.append((db.path, key))
                db.close()
            errors: list[str] = []
            applied: list[int] = []

            def push(path: Path, key: bytes) -> None:
                db = StationDatabase.open(path, key)
                try:
                    applied.append(client.sync(db).counts["applied"])
                except Exception as exc:  # counted, not raised: the figure is how many failed
                    errors.append(repr(exc))
                finally:
                    db.close()

            threads = [threading.Thread(target=push, args=item) for item in databases]
            started = time.perf_counter()
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            seconds = time.perf_counter() - started
            total = sum(applied)
            rows.append(f"| {STATIONS} stations pushing ~{total // STATIONS:,} changes each at once | {seconds:.2f} s | "
                        f"{total / seconds:,.0f} records/s, {total:,} applied, errors = {len(errors)} | 0 errors | "
                        f"{'met' if not errors and len(applied) == STATIONS else '**not met**'} |")

            # 3. A 10,000-change bundle.
            bundle_db, _ = station(folder / "usb", 2, PEOPLE)
            client.enroll(bundle_db, url, store.create_station("第2站"))
            seconds, (path, n) = timed(lambda: bundles.export_bundle(bundle_db, folder / "stick"))
            size = path.stat().st_size
            rows.append(f"| export a {n:,}-change bundle (sign, compress, encrypt, write, read back) | {seconds:.2f} s | "
                        f"{size / 1024 / 1024:.2f} MB ({size / n:.0f} bytes/change) | ≤ 2 s | "
                        f"{'met' if seconds <= 2 else '**not met**'} |")
            cpu = time.process_time()
            seconds, imported = timed(lambda: import_bundle(store, keys, path.read_bytes()))
            rows.append(f"| county import of that bundle, return bundle built | {seconds:.2f} s | "
                        f"{imported.counts['applied']:,} applied, CPU {time.process_time() - cpu:.2f} s (the importing "
                        f"process) | ≤ 3 s | {'met' if seconds <= 3 else '**not met**'} |")
            back = folder / "return.stbundle"
            back.write_bytes(imported.return_bundle)
            seconds, _ = timed(lambda: bundles.import_return(bundle_db, back))
            rows.append(f"| station import of the return bundle ({n:,} acknowledgements) | {seconds:.2f} s | "
                        f"{len(imported.return_bundle) / 1024:.0f} KB | – | – |")
        finally:
            store.close()
            stop(server)
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rebuild-people", type=int, help="only push and rebuild a station of this many people")
    args = parser.parse_args()
    old = RESULTS.read_text(encoding="utf-8") if RESULTS.exists() else ""
    if args.rebuild_people:
        head = old[:old.index(REBUILD_SECTION)] if REBUILD_SECTION in old else (
            old[:old.index(PEER_SECTION)] if PEER_SECTION in old else old)
        text = head.rstrip("\n") + "\n\n" + rebuild_at_scale(args.rebuild_people) + kept_sections(old, (PEER_SECTION,))
        RESULTS.write_text(text, encoding="utf-8")
        print(text)
        return
    header = "| what | time | detail | target | |\n|---|---:|---|---|---|\n"
    text = ("# Sync benchmarks\n\n"
            f"Measured {time.strftime('%Y-%m-%d %H:%M')} on {platform.machine()} ({os.cpu_count()} cores), Python "
            f"{platform.python_version()}. Produced by `make bench-sync` (bench/sync.py): a real server process "
            "(uvicorn) on 127.0.0.1 and encrypted station databases with demo data of every record type.\n\n"
            "## Server on SQLite (synchronous=FULL)\n\n" + header + "\n".join(measure(None)) + "\n")
    try:
        with running_postgres() as base:
            rows = measure(new_postgres_database(base))
        text += "\n## Server on PostgreSQL (fsync on, started by the benchmark)\n\n" + header + "\n".join(rows) + "\n"
    except FileNotFoundError as exc:
        text += f"\nPostgreSQL not measured: {exc}\n"
    text += kept_sections(old, (REBUILD_SECTION, PEER_SECTION))
    RESULTS.write_text(text, encoding="utf-8")
    print(text)


if __name__ == "__main__":
    main()

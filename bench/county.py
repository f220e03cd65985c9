"""County console benchmark: `make bench-county` writes bench/COUNTY-RESULTS.md.

A city of townships, each with its people, a year of visits and relief (demo data from a few seeds,
cloned per township with ids of its own), is loaded straight into the server's records and read
tables (the same `ServerStore.put_records` every applied batch uses). Then a real server process
(uvicorn on 127.0.0.1) serves it, and over HTTP with a logged-in session:
- the overview page and a month's figures page (median of 5);
- cross-township search for a name, pinyin initials and an ID-number tail (the store's query, and the page);
- 30 real, encrypted stations syncing at once (signed batches, ~1,000 changes each) while 5 county
  people click through the console's pages; every request that fails or answers other than 200 is
  an error.

    make bench-county                                  # PostgreSQL 100 × 10,000, then SQLite 20 × 10,000
    make bench-county ARGS="--stations 10 --people 2000 --sqlite-stations 5"   # a quick run
"""

from __future__ import annotations

import argparse
import datetime as dt
import itertools
import os
import platform
import re
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.sync import station  # noqa: E402
from station_app.core import demo  # noqa: E402
from station_app.core.county_roles import CLERK  # noqa: E402
from station_app.core.entities import ENTITIES  # noqa: E402
from station_app.core.fields import REF  # noqa: E402
from station_app.core.ids import now_iso  # noqa: E402
from station_app.server.keys import CountyKeys  # noqa: E402
from station_app.server.store import accounts, county_queries  # noqa: E402
from station_app.server.store.storage import ServerStore  # noqa: E402
from station_app.store.database import StationDatabase  # noqa: E402
from station_app.store.monthly_report import previous_month  # noqa: E402
from station_app.sync import client  # noqa: E402
from tests.sync_fixtures import new_postgres_database, running_postgres, start_server, stop  # noqa: E402

RESULTS = ROOT / "bench" / "COUNTY-RESULTS.md"
TODAY = dt.date.today()
SEEDS = 4  # distinct townships generated; the rest are clones with their own ids
SYNCING, CLICKING = 30, 5
# PostgreSQL as a county would run it on a server of its own (the default 128 MB is for a laptop).
POSTGRES_SETTINGS = {"shared_buffers": "1GB", "effective_cache_size": "4GB"}
PASSWORD = "bench-password-1"
PAGES = ("/console/", "/console/relief", f"/console/figures?month={previous_month(TODAY)}", "/console/search?q=wxy",
         "/console/rules", "/console/stations", "/console/conflicts")
_REFS = {name: [f.name for f in spec.fields if f.kind == REF] for name, spec in ENTITIES.items()}


def township(template: list[tuple[str, list[dict[str, Any]]]], n: int) -> Iterator[tuple[str, dict[str, Any]]]:
    """Township `n`'s records: the template's with ids (and references) of its own, as synced records.
    Registered a year ago, so every month of the year has its roll."""
    prefix = f"t{n:03d}-"
    registered = (dt.datetime.now(dt.timezone.utc) - dt.timedelta(days=365)).isoformat(timespec="milliseconds")
    for entity_name, rows in template:
        refs = _REFS[entity_name]
        for row in rows:
            record = {**row, "id": prefix + row["id"], "station_id": station_id(n), "rev": 1, "deleted": 0,
                      "created_at": registered, "updated_at": registered, "created_by": "演示", "updated_by": "演示"}
            for ref in refs:
                if record.get(ref):
                    record[ref] = prefix + record[ref]
            yield entity_name, record


def station_id(n: int) -> str:
    return f"bench-station-{n:03d}"


def load(store: ServerStore, stations: int, people: int) -> tuple[int, float]:
    """Every township's records into the server, one transaction each: (records, seconds)."""
    started = time.perf_counter()
    templates = [list(demo.generate(demo.DemoPlan(people=people, seed=s + 1, today=TODAY)))
                 for s in range(min(SEEDS, stations))]
    total = 0
    for n in range(stations):
        records = list(township(templates[n % len(templates)], n))
        with store.transaction() as conn:
            conn.execute("INSERT INTO stations (name, code_hash, created_at, station_id, enrolled_at, last_seen_at,"
                         " last_via, high_water) VALUES (?, 'bench', ?, ?, ?, ?, 'online', ?)",
                         (f"第{n + 1:03d}乡镇", now_iso(), station_id(n), now_iso(), now_iso(), len(records)))
            for start in range(0, len(records), 5000):
                store.put_records(conn, station_id(n), records[start : start + 5000], now_iso())
        total += len(records)
        print(f"  township {n + 1}/{stations}: {total:,} records, {time.perf_counter() - started:.0f} s", flush=True)
    return total, time.perf_counter() - started


class Person:
    """A county person's browser session over HTTP."""

    def __init__(self, url: str, username: str) -> None:
        self.http = httpx.Client(base_url=url, timeout=120, follow_redirects=False)
        form = self.http.get("/console/login").text
        token = re.search(r'name="csrf" value="([^"]+)"', form)[1]
        answer = self.http.post("/console/login", data={"csrf": token, "username": username, "password": PASSWORD,
                                                        "next": "/console/"})
        if answer.status_code != 303:
            raise RuntimeError(f"log-in failed: {answer.status_code}")

    def get(self, path: str) -> tuple[float, int]:
        started = time.perf_counter()
        status = self.http.get(path).status_code
        return time.perf_counter() - started, status


def median(fn: Callable[[], Any], times: int = 5) -> float:
    found = []
    for _ in range(times):
        started = time.perf_counter()
        fn()
        found.append(time.perf_counter() - started)
    return statistics.median(found)


def row(what: str, seconds: float, detail: str, target: float | None) -> str:
    shown = f"{seconds * 1000:,.0f} ms" if seconds < 10 else f"{seconds:,.1f} s"
    verdict = "–" if target is None else ("met" if seconds <= target else "**not met**")
    goal = "–" if target is None else (f"≤ {target * 1000:.0f} ms" if target < 1 else f"≤ {target:.0f} s")
    return f"| {what} | {shown} | {detail} | {goal} | {verdict} |"


def pages(url: str, store: ServerStore) -> list[str]:
    person = Person(url, "bench0")
    rows = []
    for path, label in (("/console/", "overview page (every township's numbers)"),
                        (PAGES[2], f"figures page for {previous_month(TODAY)} (per township and county total)")):
        seconds = median(lambda: _ok(person.get(path)))
        rows.append(row(label, seconds, "median of 5, full HTTP request with session", 1.0))
    probe = store.read("SELECT name, id_number FROM read_person WHERE id_number IS NOT NULL LIMIT 1")[0]
    for text, label in ((probe["name"], "a name"), ("wxy", "pinyin initials"), (probe["id_number"][-6:], "an ID tail")):
        found = len(county_queries.search(store, text))
        seconds = median(lambda: county_queries.search(store, text))
        rows.append(row(f"cross-township search: {label} ({text!r})", seconds, f"store query, {found} found (≤ 50 shown)",
                        0.1))
        seconds = median(lambda: _ok(person.get(f"/console/search?q={text}")))
        rows.append(row(f"the search page for {label}", seconds, "full HTTP request, masked list of up to 50", None))
    return rows


def _ok(answer: tuple[float, int]) -> None:
    if answer[1] != 200:
        raise RuntimeError(f"HTTP {answer[1]}")


def under_load(url: str, store: ServerStore, folder: Path) -> list[str]:
    """30 stations syncing at once while 5 people click through pages; errors counted."""
    stations = []
    for i in range(SYNCING):
        database, key = station(folder / f"s{i}", 500 + i, 270)
        client.enroll(database, url, store.create_station(f"同步站{i + 1:02d}"))
        stations.append((database.path, key))
        database.close()
    errors: list[str] = []
    latencies: list[float] = []
    syncing = threading.Event()
    syncing.set()

    def sync(path: Path, key: bytes) -> None:
        database = StationDatabase.open(path, key)
        try:
            client.sync(database)
        except Exception as exc:  # counted: the figure is how many failed
            errors.append(f"sync: {exc!r}")
        finally:
            database.close()

    def click(n: int) -> None:
        person = Person(url, f"bench{n}")
        for path in itertools.cycle(PAGES):
            if not syncing.is_set():
                return
            try:
                seconds, status = person.get(path)
                latencies.append(seconds)
                if status != 200:
                    errors.append(f"{path}: HTTP {status}")
            except httpx.HTTPError as exc:
                errors.append(f"{path}: {exc!r}")

    clickers = [threading.Thread(target=click, args=(n,)) for n in range(CLICKING)]
    syncers = [threading.Thread(target=sync, args=s) for s in stations]
    started = time.perf_counter()
    for t in clickers + syncers:
        t.start()
    for t in syncers:
        t.join()
    seconds = time.perf_counter() - started
    syncing.clear()
    for t in clickers:
        t.join()
    changes = sum(r["n"] for r in store.read("SELECT COUNT(*) AS n FROM changes"))
    p95 = sorted(latencies)[int(len(latencies) * 0.95)] if latencies else 0
    detail = (f"{changes:,} changes applied; {len(latencies)} pages served meanwhile, median "
              f"{statistics.median(latencies) * 1000:,.0f} ms, 95th percentile {p95 * 1000:,.0f} ms; "
              f"**errors = {len(errors)}**" + (f" ({'; '.join(errors[:3])})" if errors else ""))
    return [row(f"{SYNCING} stations syncing at once while {CLICKING} people click through pages", seconds, detail,
                None)]


def measure(stations: int, people: int, database_url: str | None, workers: int) -> list[str]:
    with tempfile.TemporaryDirectory(prefix="county-bench-") as tmp:
        folder = Path(tmp)
        county_dir = folder / "county"
        county_dir.mkdir()
        CountyKeys.load_or_create(county_dir)
        store = ServerStore(database_url or county_dir / "county.db")
        total, seconds = load(store, stations, people)
        # What the database's own maintenance (autovacuum) does to a year of records arriving day by day.
        store.db.execute("VACUUM ANALYZE" if database_url else "ANALYZE")
        for n in range(CLICKING):
            accounts.create_user(store, f"bench{n}", f"科员{n}", CLERK, PASSWORD, accounts.SERVER_CONSOLE)
        url, server = start_server(county_dir, database_url=database_url, workers=workers)
        try:
            rows = [row(f"load {stations} townships × {people:,} people ({total:,} records) into records and read"
                        " tables", seconds, f"{total / seconds:,.0f} records/s (not through HTTP)", None)]
            rows += pages(url, store)
            rows += under_load(url, store, folder)
        finally:
            stop(server)
            store.close()
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stations", type=int, default=100)
    parser.add_argument("--people", type=int, default=10_000)
    parser.add_argument("--sqlite-stations", type=int, default=20)
    parser.add_argument("--workers", type=int, default=2, help="server worker processes on PostgreSQL")
    args = parser.parse_args()
    header = "| what | time | detail | target | |\n|---|---:|---|---|---|\n"
    text = ("# County console benchmarks\n\n"
            f"Measured {time.strftime('%Y-%m-%d %H:%M')} on {platform.machine()} ({os.cpu_count()} cores, shared), "
            f"Python {platform.python_version()}. Produced by `make bench-county` (bench/county.py).\n")
    try:
        with running_postgres(POSTGRES_SETTINGS) as base:
            rows = measure(args.stations, args.people, new_postgres_database(base), args.workers)
        settings = ", ".join(f"{k} = {v}" for k, v in POSTGRES_SETTINGS.items())
        text += (f"\n## PostgreSQL: {args.stations} townships × {args.people:,} people, {args.workers} worker processes"
                 f" ({settings})\n\n"
                 + header + "\n".join(rows) + "\n")
    except FileNotFoundError as exc:
        text += f"\nPostgreSQL not measured: {exc}\n"
    rows = measure(args.sqlite_stations, args.people, None, 1)
    text += f"\n## SQLite: {args.sqlite_stations} townships × {args.people:,} people, one process\n\n" + header \
        + "\n".join(rows) + "\n"
    RESULTS.write_text(text, encoding="utf-8")
    print(text)


if __name__ == "__main__":
    main()

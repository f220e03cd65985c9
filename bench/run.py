"""Benchmarks on a 100,000-person station database: `make bench` writes bench/RESULTS.md.

Everything is measured in one run on one machine, and the file reports medians and p95s with the
targets beside them. Timings on a shared machine are noisy, which is why they live here and never
in the test suite; the bulk-insert figure is a ratio against raw sqlite3 measured in the same run.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from station_app.core import demo  # noqa: E402
from station_app.core.entities import entity  # noqa: E402
from station_app.core.ids import new_id, now_iso  # noqa: E402
from station_app.core.search import sort_key  # noqa: E402
from station_app.core.validation import validate  # noqa: E402
from station_app.jobs import accounts, admin  # noqa: E402
from station_app.store import migrations, monthly_report, users  # noqa: E402
from station_app.store import statistics as station_statistics  # noqa: E402
from station_app.store.database import StationDatabase, forget_keys  # noqa: E402
from station_app.store.keyring import keys_path, new_key  # noqa: E402
from station_app.store.people import PersonFilter, count_matching, person_ids, person_rows  # noqa: E402
from station_app.store.record_rows import encode_row, stored_columns  # noqa: E402
from station_app.store.records import RecordStore  # noqa: E402

DATA = ROOT / "bench" / "data"
RESULTS = ROOT / "bench" / "RESULTS.md"
TODAY = dt.date(2026, 11, 1)
PAGE = 60  # rows a list shows on the first screen, with some to spare
PASSWORD = "bench-password"


@dataclass
class Result:
    name: str
    target: str
    median_ms: float | None = None
    p95_ms: float | None = None
    value: str = ""
    met: bool | None = None

    def row(self) -> str:
        timing = f"{self.median_ms:.2f} | {self.p95_ms:.2f}" if self.median_ms is not None else "– | –"
        verdict = {True: "met", False: "**not met**", None: "–"}[self.met]
        return f"| {self.name} | {timing} | {self.value} | {self.target} | {verdict} |"


def timed(fn: Callable[[], object], repeat: int, warmup: int = 2) -> tuple[float, float]:
    for _ in range(warmup):
        fn()
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
    samples.sort()
    return statistics.median(samples), samples[min(len(samples) - 1, int(len(samples) * 0.95))]


def as_a_job(db: StationDatabase, work: Callable[[StationDatabase], object]) -> Callable[[], object]:
    """`work` as the app runs it off the UI thread (ui.operations): on a connection of its own,
    opened for the job with its small page cache (StationDatabase.for_one_job), closed after it.
    Timed on the bench's long-lived connection instead, a figure would read a warm 32 MiB cache
    the app's worker never has."""
    def run() -> None:
        job = StationDatabase.open(db.path, check=False).for_one_job()
        try:
            work(job)
        finally:
            job.close()
    return run


def build_database(people: int) -> Path:
    """The cached benchmark database, named after the schema it was built with (a hash of the
    migration files), so any schema change builds a new one."""
    DATA.mkdir(parents=True, exist_ok=True)
    schema = hashlib.sha256(b"".join(m.path.read_bytes() for m in migrations.available())).hexdigest()[:10]
    path = DATA / f"station-{people}-{schema}.db"
    if path.exists():
        return path
    for stale in DATA.glob(f"station-{people}-*"):
        stale.unlink()
    print(f"building a {people:,}-person database (once; cached in {DATA}) …", file=sys.stderr)
    building = path.with_name(f"building-{path.name}")  # a build that fails is never taken for the cache
    db = StationDatabase.open(building, new_key())
    actor = admin.initialise_station(db, demo.STATION, "head", "王站长", PASSWORD)
    start = time.perf_counter()
    counts = admin.load_demo(db, actor, people, seed=7, today=TODAY)
    print(f"built in {time.perf_counter() - start:.0f} s: {counts}", file=sys.stderr)
    db.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.close()
    keys_path(building).rename(keys_path(path))
    building.rename(path)
    return path


def working_copy(path: Path, into: Path) -> Path:
    into.mkdir(parents=True, exist_ok=True)
    target = into / "station.db"  # the name the app looks for in a data folder
    shutil.copy(path, target)
    shutil.copy(keys_path(path), keys_path(target))
    return target


def plaintext_copy(db: StationDatabase, into: Path) -> StationDatabase:
    """The same database unencrypted, to measure what encryption costs (never done by the app)."""
    into.mkdir(parents=True, exist_ok=True)
    target = into / "station.db"
    db.conn.execute("ATTACH DATABASE ? AS plain KEY ''", [str(target)])
    db.conn.execute("SELECT sqlcipher_export('plain')")
    db.conn.execute(f"PRAGMA plain.user_version = {db.user_version}")
    db.conn.execute("DETACH DATABASE plain")
    return StationDatabase.open(target, plaintext=True)


def bench_log_in(path: Path, results: list[Result]) -> None:
    """From the password typed to an open database: argon2id unwrap of the key, SQLCipher open,
    the account check (a second argon2id). Not a target of its own: it runs in a worker."""
    def log_in() -> None:
        forget_keys()
        db, _actor = accounts.log_in(path, "head", PASSWORD)
        db.close()

    med, p95 = timed(log_in, 5, warmup=1)
    results.append(Result("log in: unwrap the key (argon2id 64 MiB), open, check the account", "–", med, p95))


def bench_lists(db: StationDatabase, results: list[Result], label: str) -> None:
    def first_screen() -> None:
        ids = person_ids(db, PersonFilter())
        person_rows(db, ids[:PAGE])

    med, p95 = timed(first_screen, 30)
    results.append(Result(f"person list, first screen (all 100,000, pinyin order){label}", "≤ 150 ms", med, p95,
                          met=med <= 150))
    queries = {
        "surname 王 (thousands of hits)": "王",
        "two-character name 王伟": "王伟",
        "two-character name 张丽": "张丽",
        "pinyin initials zs": "zs",
        "pinyin initials wjg": "wjg",
        "full pinyin liuxiao": "liuxiao",
        "ID number head 2104111950": "2104111950",
        "ID number tail 0015": "0015",
    }
    for name, text in queries.items():
        flt = PersonFilter(text=text)

        def search() -> None:  # what the list shows: the first screen, and how many there are
            ids = person_ids(db, flt, limit=PAGE)
            count_matching(db, flt)
            person_rows(db, ids)

        hits, shown = len(person_ids(db, flt)), count_matching(db, flt)
        counted = f"{hits:,} hits" if shown == hits else f"{hits:,} hits (counted to {shown:,})"
        med, p95 = timed(search, 40)
        results.append(Result(f"search: {name}{label}", "≤ 5 ms", med, p95, value=counted, met=med <= 5))


def bench_list_model(db: StationDatabase, results: list[Result]) -> None:
    """What a worker waits for: the people page's model listing everyone (its query runs in a
    worker thread, as in the app) until the first screen of rows has been fetched and formatted."""
    from PySide6.QtCore import QEventLoop, Qt
    from PySide6.QtWidgets import QApplication

    from station_app.ui.models import PersonTableModel

    app = QApplication.instance() or QApplication([])
    model = PersonTableModel(db, users.first_head(db))

    def first_screen(text: str = "") -> None:
        loop = QEventLoop()
        model.loaded.connect(loop.quit)
        model.search(text)
        loop.exec()
        model.loaded.disconnect(loop.quit)
        for r in range(min(PAGE, model.rowCount())):
            for c in range(model.columnCount()):
                model.data(model.index(r, c), Qt.ItemDataRole.DisplayRole)

    med, p95 = timed(first_screen, 20)
    results.append(Result("person list page, first screen (Qt model, query in a worker thread)", "≤ 150 ms", med, p95,
                          value=f"{model.rowCount():,} rows", met=med <= 150))
    med, p95 = timed(lambda: first_screen("王伟"), 20)
    results.append(Result("person list page, typed 王伟 to first screen (Qt model)", "–", med, p95,
                          value=f"{model.rowCount():,} rows"))
    app.processEvents()


def bench_elder_rounds(db: StationDatabase, results: list[Result]) -> None:
    """The elderly rounds: the township's due list, the elder list with its filters, a village's
    route sheet rows and this month's figures."""
    from station_app.store import due, elder_rounds, program_queries

    def due_list(program: str | None = None) -> None:
        due.due_rows(db, due.due_keys(db, TODAY, program=program, limit=PAGE))

    med, p95 = timed(due_list, 20)
    n = len(due.due_keys(db, TODAY))
    results.append(Result("due list for the township, first screen (all programs)", "≤ 50 ms", med, p95,
                          value=f"{n:,} due", met=med <= 50))
    med, p95 = timed(lambda: due_list("elder"), 20)
    n = len(due.due_keys(db, TODAY, program="elder"))
    results.append(Result("due list for the township, elders only, first screen", "≤ 50 ms", med, p95,
                          value=f"{n:,} due", met=med <= 50))
    filters = {
        "all": {},
        "category 独居": {"category": "alone"},
        "high risk": {"risk": "high"},
        "overdue only": {"overdue_on": TODAY},
        "search 王 + overdue": {"overdue_on": TODAY, "text": "王"},
    }
    for label, options in filters.items():
        text = options.pop("text", "")

        def elder_list() -> None:
            ids = elder_rounds.elder_ids(db, PersonFilter(text=text), **options)
            program_queries.program_rows(db, "elder", ids[:PAGE])

        n = len(elder_rounds.elder_ids(db, PersonFilter(text=text), **options))
        med, p95 = timed(elder_list, 20)
        results.append(Result(f"elder list, first screen: {label}", "≤ 150 ms", med, p95, value=f"{n:,} rows",
                              met=med <= 150))
    village = db.query("SELECT id FROM village ORDER BY code LIMIT 1")[0]["id"]
    med, p95 = timed(lambda: elder_rounds.route_rows(db, village, TODAY), 10)
    results.append(Result("route sheet rows for one village", "–", med, p95,
                          value=f"{len(elder_rounds.route_rows(db, village, TODAY))} people"))
    med, p95 = timed(as_a_job(db, lambda job: elder_rounds.elder_figures(job, TODAY)), 5, warmup=1)
    results.append(Result("elderly rounds figures for the month (statistics page, off the UI thread)", "≤ 150 ms",
                          med, p95, met=med <= 150))


def bench_children(db: StationDatabase, results: list[Result]) -> None:
    """The children's list with each of its filters and searches (a first screen of rows with
    their agreement status), the due list for children, and the children's figures."""
    from station_app.core import child_rules
    from station_app.store import children, due

    village = db.query("SELECT id FROM village ORDER BY code LIMIT 1")[0]["id"]
    filters = {
        "all": {},
        "one village": {"village_id": village},
        "category 困境儿童": {"category": "in_difficulty"},
        "high risk": {"risk": "high"},
        "agreement missing/expired/expiring": {"agreement": children.AGREEMENT_PROBLEM},
        "agreement expiring": {"agreement": child_rules.AGREEMENT_EXPIRING},
        "overdue visit": {"overdue_on": TODAY},
        "on the roll only": {"active_only": True},
        "search 王": {"text": "王"},
        "search pinyin initials wjg": {"text": "wjg"},
        "search ID number head 2104112015": {"text": "2104112015"},
        "search 王 + village + overdue": {"text": "王", "village_id": village, "overdue_on": TODAY},
    }
    for label, options in filters.items():
        flt = PersonFilter(text=options.pop("text", ""), village_id=options.pop("village_id", None))

        def child_list() -> None:
            ids = children.child_ids(db, flt, today=TODAY, **options)
            children.child_rows(db, ids[:PAGE], TODAY)

        n = len(children.child_ids(db, flt, today=TODAY, **options))
        med, p95 = timed(child_list, 20)
        results.append(Result(f"children list, first screen: {label}", "≤ 150 ms", med, p95, value=f"{n:,} rows",
                              met=med <= 150))
    med, p95 = timed(lambda: due.due_rows(db, due.due_keys(db, TODAY, program="child", limit=PAGE)), 20)
    results.append(Result("due list for the township, children only, first screen", "≤ 50 ms", med, p95,
                          value=f"{len(due.due_keys(db, TODAY, program='child')):,} due", met=med <= 50))
    med, p95 = timed(as_a_job(db, lambda job: children.child_figures(job, TODAY)), 5, warmup=1)
    results.append(Result("children's figures (statistics page, off the UI thread)", "–", med, p95))


def bench_figures(db: StationDatabase, results: list[Result]) -> None:
    """A month's full figures (the 月报: children, elderly rounds, relief, reserve fund, each with
    its records, as of the month's last day), and the statistics page's charts built on them."""
    month = monthly_report.previous_month(TODAY)
    found = monthly_report.figures(db, month)
    roll = sum(f.value for f in found if f.key in ("children.left_behind", "children.in_difficulty"))
    elders = next(f.value for f in found if f.key == "elders.roster")
    med, p95 = timed(as_a_job(db, lambda job: monthly_report.figures(job, month)), 7, warmup=1)
    results.append(Result(f"a month's full figures ({month}: 月报, every figure with its records)", "≤ 300 ms", med, p95,
                          f"{roll:,} children, {elders:,} elders on the rolls", med <= 300))
    med, p95 = timed(as_a_job(db, lambda job: station_statistics.station_figures(job, today=TODAY)), 3, warmup=1)
    results.append(Result("statistics page, all charts (12 months, off the UI thread)", "–", med, p95))


def bench_startup(path: Path, results: list[Result], runs: int = 8) -> None:
    """A cold start of the real program, `main.py` in a new process, until the log-in window paints.

    Timed to the line the window prints, not to the process exit: at exit the program waits for
    the start-up integrity check, which keeps running in the background while people log in."""
    # Compiled bytecode kept, as an installed app or the bundle has it (this machine's environment
    # sets PYTHONDONTWRITEBYTECODE, which would add compiling every module to each start); kept in
    # a folder of its own so the checkout stays clean. The first, untimed start compiles.
    env = {**os.environ, "STATION_STARTUP_PROBE": "1", "QT_QPA_PLATFORM": "offscreen",
           "PYTHONPYCACHEPREFIX": str(path.parent / "pycache")}
    env.pop("PYTHONDONTWRITEBYTECODE", None)

    def start() -> float:
        begin = time.perf_counter()
        proc = subprocess.Popen([sys.executable, str(ROOT / "main.py"), "--data-dir", str(path.parent)],
                                stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env, text=True)
        assert proc.stdout is not None
        line = proc.stdout.readline()
        elapsed = (time.perf_counter() - begin) * 1000
        assert line.strip() == "login-window-painted", line
        proc.wait()
        return elapsed

    start()
    samples = sorted(start() for _ in range(runs))
    med, p95 = statistics.median(samples), samples[-1]
    results.append(Result("cold start of main.py to the painted log-in window", "≤ 1,000 ms", med, p95,
                          value=f"{runs} runs", met=med <= 1000))


def bench_memory(path: Path, results: list[Result]) -> None:
    """The real app in a process of its own (bench/memory_probe.py): its peak resident memory
    after every page has been shown once at this database's size."""
    proc = subprocess.run([sys.executable, "-m", "bench.memory_probe", str(path.parent), "head", PASSWORD],
                          cwd=ROOT, capture_output=True, text=True, timeout=1200,
                          env={**os.environ, "QT_QPA_PLATFORM": "offscreen"})
    lines = proc.stdout.split()
    assert proc.returncode == 0 and lines, proc.stderr[-2000:]
    peak_mb = int(lines[-1]) / 1024
    results.append(Result("app memory: peak RSS after every page has been shown once", "≤ 300 MB",
                          value=f"{peak_mb:,.0f} MB ({' '.join(lines[:-1])})", met=peak_mb <= 300))


def bench_save(db: StationDatabase, results: list[Result], label: str) -> None:
    actor = users.first_head(db)
    store = RecordStore(db, actor)
    ids = person_ids(db, PersonFilter(text="王"))[:300]
    rows = list(person_rows(db, ids).values())
    counter = iter(range(10**6))

    def save() -> None:
        row = rows[next(counter) % len(rows)]
        saved = store.update("person", row["id"], {"phone": f"139{next(counter):08d}"}, row["rev"])
        row["rev"] = saved["rev"]

    assert db.scalar("PRAGMA synchronous") == 2
    med, p95 = timed(save, 200, warmup=5)
    results.append(Result(f"save one person (record + outbox + audit, synchronous=FULL){label}", "≤ 2 ms", med, p95,
                          met=med <= 2))


def bench_forms(db: StationDatabase, results: list[Result]) -> None:
    """Registration cards for real people from the benchmark database, rendered to memory."""
    import io

    from station_app.forms import fonts
    from station_app.forms.person_card import PersonCard, render_person_cards

    fonts.ensure_registered()  # once per process, at start-up in the app
    ids = person_ids(db, PersonFilter(text="王"))[:200]
    store = RecordStore(db, users.first_head(db))
    cards = [PersonCard(store.get("person", pid), village_name="前甸村", programs=("特殊困难老年人档案",)) for pid in ids]
    printed = dt.datetime(2026, 11, 23, 9, 30)

    def render(batch: list[PersonCard]) -> None:
        render_person_cards(batch, io.BytesIO(), station_name=demo.STATION["name"], printed_at=printed)

    med, p95 = timed(lambda: render(cards[:1]), 30)
    results.append(Result("form: one registration card page (embedded font)", "≤ 20 ms", med, p95, met=med <= 20))
    med, p95 = timed(lambda: render(cards), 5, warmup=1)
    rate = len(cards) / (med / 1000)
    results.append(Result(f"form: {len(cards)}-page batch in one PDF", "≥ 300 pages/s", med, p95,
                          value=f"{rate:.0f} pages/s", met=rate >= 300))


def bench_bulk(results: list[Result], workdir: Path, n: int = 10_000, rounds: int = 3) -> None:
    """Store.create_many of n people against raw executemany of the very same rows and table, each
    in a fresh database, alternately `rounds` times: on a shared machine a single pair mostly
    measures who else was running. Medians of wall time, and of CPU time (what the load affects
    least: writes are in the page cache until the commit's fsync)."""
    plan = demo.DemoPlan(people=n * 2, seed=11, today=TODAY)
    people = [p for name, rows in demo.generate(plan) if name == "person" for p in rows][:n]
    for p in people:
        p.pop("household_id")  # households are not in the empty databases below
        p.pop("village_id")
    # pypinyin loads its dictionaries on first use (0.2 s): a one-off of the process, not a cost
    # per row, and the raw rows below are encoded (sort names included) outside their timing.
    sort_key("张三")
    spec = entity("person")
    columns = stored_columns(spec)
    sql = f"INSERT INTO person ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})"

    def fresh(folder: Path) -> tuple[StationDatabase, RecordStore]:
        db = StationDatabase.open(folder / "station.db", new_key())
        actor = admin.initialise_station(db, demo.STATION, "head", "王站长", PASSWORD)
        return db, RecordStore(db, actor)

    def store_insert(folder: Path) -> tuple[float, float]:
        db, store = fresh(folder)
        wall, cpu = time.perf_counter(), time.process_time()
        store.create_many("person", people)
        spent = time.perf_counter() - wall, time.process_time() - cpu
        db.close()
        return spent

    def raw_insert(folder: Path) -> tuple[float, float]:
        db, _ = fresh(folder)
        now, sid = now_iso(), db.station_id
        rows = [encode_row(spec, {**validate("person", p, TODAY), "id": new_id(), "station_id": sid, "rev": 1,
                               "created_at": now, "updated_at": now, "created_by": "head", "updated_by": "head",
                               "deleted": 0}) for p in people]
        wall, cpu = time.perf_counter(), time.process_time()
        with db.transaction() as conn:
            conn.executemany(sql, rows)
        spent = time.perf_counter() - wall, time.process_time() - cpu
        db.close()
        return spent

    store_runs, raw_runs = [], []
    for i in range(rounds):
        store_runs.append(store_insert(workdir / f"store{i}"))
        raw_runs.append(raw_insert(workdir / f"raw{i}"))
    (store_s, store_cpu), (raw_s, raw_cpu) = ([statistics.median(x) for x in zip(*runs)] for runs in (store_runs, raw_runs))
    ratio = store_s / raw_s
    results.append(Result(
        f"bulk insert {n:,} people: store vs raw executemany", "≤ 3×",
        value=f"store {store_s * 1000:.0f} ms, raw {raw_s * 1000:.0f} ms, ratio {ratio:.1f}× "
              f"(CPU {store_cpu * 1000:.0f} / {raw_cpu * 1000:.0f} ms, {store_cpu / raw_cpu:.1f}×; "
              f"medians of {rounds} alternating, load {os.getloadavg()[0]:.1f})",
        met=ratio <= 3))


def write(results: list[Result], people: int) -> None:
    lines = [
        "# Benchmark results",
        "",
        f"Measured {dt.datetime.now():%Y-%m-%d %H:%M} on {platform.machine()} ({os.cpu_count()} cores), "
        f"Python {platform.python_version()}, SQLCipher {_cipher_version()}, "
        f"{people:,}-person demo database. Produced by `make bench` (bench/run.py); times in milliseconds.",
        "",
        "The station database is encrypted (SQLCipher, AES-256, raw key: no key derivation on open). "
        "Rows marked *(plaintext)* run the same measure on an unencrypted copy made for comparison only.",
        "",
        "| what | median | p95 | detail | target | |",
        "|---|---:|---:|---|---|---|",
        *(r.row() for r in results),
        "",
    ]
    RESULTS.write_text("\n".join(lines), encoding="utf-8")
    print("\n".join(lines))


def _cipher_version() -> str:
    from station_app.store.driver import sqlite

    conn = sqlite.connect(":memory:")
    version = conn.execute("PRAGMA cipher_version").fetchone()[0]
    return f"{version} on SQLite {sqlite.sqlite_version}"


def bench_bulk_alone(results: list[Result]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        bench_bulk(results, Path(tmp))


GROUPS: dict[str, Callable[[StationDatabase, list[Result]], None]] = {
    "elders": bench_elder_rounds, "children": bench_children, "figures": bench_figures,
    "memory": lambda db, results: bench_memory(db.path, results)}
# Groups that make their own databases: --only runs them without copying the benchmark database.
STANDALONE: dict[str, Callable[[list[Result]], None]] = {"bulk": bench_bulk_alone}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--people", type=int, default=100_000)
    parser.add_argument("--only", choices=(*GROUPS, *STANDALONE),
                        help="run one group and print it; RESULTS.md is left alone")
    args = parser.parse_args()
    if args.only in STANDALONE:
        results: list[Result] = []
        STANDALONE[args.only](results)
        print("\n".join(r.row() for r in results))
        return 0
    source = build_database(args.people)
    if args.only:
        with tempfile.TemporaryDirectory() as tmp:
            db, _actor = accounts.log_in(working_copy(source, Path(tmp) / "station"), "head", PASSWORD)
            results = []
            GROUPS[args.only](db, results)
            db.close()
        print("\n".join(r.row() for r in results))
        return 0
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        copy = working_copy(source, workdir / "station")
        bench_startup(copy, results)
        bench_log_in(copy, results)
        bench_memory(copy, results)
        db, _actor = accounts.log_in(copy, "head", PASSWORD)
        plain = plaintext_copy(db, workdir / "plain")
        for database, label in ((db, ""), (plain, " *(plaintext)*")):
            bench_lists(database, results, label)
        bench_elder_rounds(db, results)
        bench_children(db, results)
        bench_figures(db, results)
        bench_list_model(db, results)
        for database, label in ((db, ""), (plain, " *(plaintext)*")):
            bench_save(database, results, label)
        bench_forms(db, results)
        plain.close()
        db.close()
        bench_bulk(results, workdir)
    write(results, args.people)
    return 0


if __name__ == "__main__":
    sys.exit(main())

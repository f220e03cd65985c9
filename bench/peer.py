"""Station's push against a peer, in one run: `make bench-peer` adds a section to bench/SYNC-RESULTS.md.

The peer is PouchDB 9 replicating 10,000 visit-like documents to pouchdb-server 4 on 127.0.0.1
(../shared/peers/pouchdb/, or $STATION_PEER_DIR: its README and repl.js). Its packages are
installed from the npm registry, at the versions pinned below, into bench/data/peer/ (git-ignored:
neither the peer's code nor its packages are part of Station). Three rounds, interleaved so the
machine's load falls on both alike: the peer against pouchdb-server in memory, the peer against
pouchdb-server on disk (LevelDB), then Station's push of ~10,000 changes end to end to its county
server (SQLite). The figures are throughputs and their ratio in each round; an absolute time from
another day means nothing on a shared machine.
"""

from __future__ import annotations

import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.sync import PEER_SECTION as SECTION
from bench.sync import PEOPLE, RESULTS, station, timed_sync
from station_app.server.store.storage import ServerStore
from station_app.sync import client
from tests.sync_fixtures import free_port, start_server, stop

ROOT = Path(__file__).resolve().parent.parent
PEER = Path(os.environ.get("STATION_PEER_DIR", ROOT.parent / "shared" / "peers" / "pouchdb"))
SCRATCH = ROOT / "bench" / "data" / "peer"
PACKAGES = {"pouchdb": "9.0.0", "pouchdb-server": "4.2.0", "pouchdb-adapter-memory": "9.0.0"}
DOCS = 10_000
ROUNDS = 3


def install_peer() -> None:
    """The peer's packages at the pinned versions, once; its script copied fresh each run."""
    SCRATCH.mkdir(parents=True, exist_ok=True)
    manifest = {"name": "station-bench-peer", "private": True, "dependencies": PACKAGES}
    if not (SCRATCH / "node_modules").exists() or json.loads((SCRATCH / "package.json").read_text()) != manifest:
        (SCRATCH / "package.json").write_text(json.dumps(manifest), encoding="utf-8")
        subprocess.run(["npm", "install", "--no-audit", "--no-fund"], cwd=SCRATCH, check=True)
    shutil.copy(PEER / "repl.js", SCRATCH / "repl.js")


def peer_run(on_disk: bool) -> float:
    """One replication of DOCS documents to a fresh pouchdb-server; the peer's documents per second."""
    port = free_port()
    with tempfile.TemporaryDirectory(prefix="pouchdb-", dir=SCRATCH) as store:
        where = ["--dir", store] if on_disk else ["--in-memory"]
        server = subprocess.Popen(["node", str(SCRATCH / "node_modules/pouchdb-server/bin/pouchdb-server"), *where,
                                   "--port", str(port), "--host", "127.0.0.1"], cwd=store if on_disk else SCRATCH,
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            _wait_for(port, server)
            script = (SCRATCH / "repl.js").read_text(encoding="utf-8").replace("5985", str(port))
            (SCRATCH / f"repl-{port}.js").write_text(script, encoding="utf-8")
            out = subprocess.run(["node", f"repl-{port}.js", str(DOCS)], cwd=SCRATCH, check=True,
                                 capture_output=True, text=True).stdout
            (SCRATCH / f"repl-{port}.js").unlink()
        finally:
            stop(server)
    found = json.loads(out.strip().splitlines()[-1])
    assert found["remote_docs"] == DOCS, found
    return float(found["docs_per_s"])


def _wait_for(port: int, server: subprocess.Popen) -> None:
    import httpx

    for _ in range(600):
        if server.poll() is not None:
            raise RuntimeError(f"pouchdb-server exited with {server.returncode}")
        try:
            httpx.get(f"http://127.0.0.1:{port}/", timeout=1)
            return
        except httpx.TransportError:
            time.sleep(0.05)
    raise RuntimeError("pouchdb-server did not start")


def main() -> None:
    install_peer()
    rounds: list[tuple[float, float, float, int, float, float]] = []
    with tempfile.TemporaryDirectory(prefix="peer-bench-") as tmp:
        folder = Path(tmp)
        (folder / "county").mkdir()
        url, server = start_server(folder / "county")
        store = ServerStore(folder / "county" / "county.db")
        try:
            stations = []
            for i in range(ROUNDS):  # built first: only the pushes are interleaved with the peer
                database, _ = station(folder / f"s{i}", 10 + i, PEOPLE)
                client.enroll(database, url, store.create_station(f"第{10 + i}站"))
                stations.append(database)
            for database in stations:
                memory, disk = peer_run(on_disk=False), peer_run(on_disk=True)
                seconds, report, cpu = timed_sync(database, server.pid)
                n = report.counts["applied"]
                rounds.append((memory, disk, n / seconds, n, cpu / n * 1e6, os.getloadavg()[0]))
                print(f"peer in memory {memory:,.0f} docs/s, on disk {disk:,.0f} docs/s; "
                      f"Station {n / seconds:,.0f} changes/s ({n:,}, {cpu / n * 1e6:.0f} µs CPU each)", file=sys.stderr)
                database.close()
        finally:
            store.close()
            stop(server)
    write(rounds)


def write(rounds: list[tuple[float, float, float, int, float, float]]) -> None:
    lines = [SECTION, "",
             f"Measured {time.strftime('%Y-%m-%d %H:%M')} by `make bench-peer` (bench/peer.py): PouchDB "
             f"{PACKAGES['pouchdb']} replicating {DOCS:,} visit-like documents (batches of 500) to pouchdb-server "
             f"{PACKAGES['pouchdb-server']} on 127.0.0.1, in memory and on disk (LevelDB), and Station's push to "
             "its county server (SQLite, signed batches, acknowledgements written), three rounds interleaved. "
             "The peer has no authentication, signatures or encryption. Target: Station ≥ 2× the peer.", "",
             "| round | peer in memory, docs/s | peer on disk, docs/s | Station push, changes/s | "
             "Station ÷ peer in memory | Station ÷ peer on disk | Station CPU per change (station + server) "
             "| load average |", "|---|---:|---:|---:|---:|---:|---:|---:|"]
    for i, (memory, disk, ours, n, cpu, load) in enumerate(rounds, 1):
        lines.append(f"| {i} | {memory:,.0f} | {disk:,.0f} | {ours:,.0f} ({n:,} changes) | "
                     f"{ours / memory:.2f}× | {ours / disk:.2f}× | {cpu:.0f} µs | {load:.1f} |")
    ratio_memory = statistics.median(r[2] / r[0] for r in rounds)
    ratio_disk = statistics.median(r[2] / r[1] for r in rounds)
    lines += ["", f"Median ratio: {ratio_memory:.2f}× the peer in memory, {ratio_disk:.2f}× on disk — "
              f"{'met' if min(ratio_memory, ratio_disk) >= 2 else '**not met**'} (≥ 2×).", ""]
    RESULTS.write_text(replace_section(RESULTS.read_text(encoding="utf-8") if RESULTS.exists() else "",
                                       "\n".join(lines)), encoding="utf-8")
    print("\n".join(lines))


def replace_section(text: str, section: str) -> str:
    """`text` with its peer section (from SECTION to the next '## ' heading or the end) replaced
    by `section`, or `section` appended: bench.sync and this script each keep the other's part."""
    start = text.find(SECTION)
    if start < 0:
        return text.rstrip("\n") + "\n\n" + section
    end = text.find("\n## ", start + len(SECTION))
    return text[:start] + section + (text[end + 1:] if end >= 0 else "")


if __name__ == "__main__":
    main()

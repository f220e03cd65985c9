"""Start a built bundle as a station PC would, and say whether it works.

`python packaging/smoke_test.py build/dist/Station/Station`: sets up a station with the console
program beside it (`station-cli`: encrypted database, key ring, recovery code), logs in to add demo data, runs the integrity and
audit-chain check and a backup, then starts the window offscreen and waits for the painted log-in
window. Prints the bundle's size and the cold-start time; exits non-zero on the first failure.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

INIT = ["init", "--name", "前甸镇社会工作服务站", "--township", "前甸镇", "--county", "顺城区", "--admin-code", "210411101",
        "--head-username", "head", "--head-name", "王站长"]


def size_mb(folder: Path) -> float:
    """What the folder takes on disk: a library PyInstaller links to from `_internal/` counts once."""
    return sum(f.stat().st_size for f in folder.rglob("*") if f.is_file() and not f.is_symlink()) / 2**20


def main(bundle: Path) -> int:
    with tempfile.TemporaryDirectory() as tmp:
        env = {**os.environ, "STATION_PASSWORD": "smoke-test-1", "QT_QPA_PLATFORM": "offscreen"}

        # The sub-commands through the console program beside the window program (station-cli.exe on Windows).
        cli = bundle.with_name("station-cli" + bundle.suffix)

        def run(*args: str) -> str:
            result = subprocess.run([str(cli), "--data-dir", tmp, *args], env=env, capture_output=True, text=True,
                                    timeout=300)
            if result.returncode != 0:
                raise SystemExit(f"FAILED {' '.join(args)}: exit {result.returncode}\n{result.stdout}\n{result.stderr}")
            return result.stdout

        assert "恢复码" in run(*INIT)
        assert "person 50" in run("--user", "head", "demo", "--people", "50")
        assert "检查通过" in run("--user", "head", "check")
        assert "已备份到" in run("--user", "head", "backup")
        samples = []
        for _ in range(3):
            begin = time.perf_counter()
            proc = subprocess.Popen([str(bundle), "--data-dir", tmp], env={**env, "STATION_STARTUP_PROBE": "1"},
                                    stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            assert proc.stdout is not None
            line = proc.stdout.readline().strip()
            samples.append((time.perf_counter() - begin) * 1000)
            proc.wait(timeout=60)
            if line != "login-window-painted" or proc.returncode != 0:
                raise SystemExit(f"FAILED gui: {line!r}, exit {proc.returncode}\n{proc.stderr.read() if proc.stderr else ''}")
    print(f"bundle ok: {bundle.parent} is {size_mb(bundle.parent):.0f} MB; "
          f"cold start to the log-in window {sorted(samples)[1]:.0f} ms (median of 3)")
    return 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1])))

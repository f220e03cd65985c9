"""The user's guide's screenshots, taken from the real program: `make guide`.

Under Xvfb (a real X server, so fonts and widgets render as on a desktop) the program runs on a
demo station and works through the daily tasks the guide describes, pressing the same buttons a
person would; each window the guide shows is saved to resources/guide/images/ under the name the
guide's HTML uses. Nothing is patched: what the pictures show is what the program does today.

`--review DIR` also saves the whole screen after every scene (what is off-screen is then plain
to see), for checking the program at 1024×768 and 1366×768: `make guide-review`.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

# Run as a script (`make guide`): its siblings import by name, the repository root holds station_app.
sys.path.insert(1, str(Path(__file__).resolve().parents[2]))
os.environ.setdefault("XDG_CONFIG_HOME", tempfile.mkdtemp(prefix="station-guide-config-"))  # not the real profile

from review_scenes import REVIEW_SCENES  # noqa: E402
from scenes import SCENES, Stage  # noqa: E402
from station_app.core import demo  # noqa: E402
from station_app.jobs import admin  # noqa: E402
from station_app.store import keyring  # noqa: E402
from station_app.store.database import StationDatabase  # noqa: E402
from station_app.ui.app import make_application  # noqa: E402

HEAD_PASSWORD = "shegong-qiandian-26"  # a demo station's, thrown away with it
DEMO_PEOPLE = 400


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="为用户手册截取程序界面")
    parser.add_argument("--out", type=Path, default=Path("resources/guide/images"), help="截图保存到这个文件夹")
    parser.add_argument("--review", type=Path, help="另外把每一步的整个屏幕保存到这个文件夹，供检查")
    parser.add_argument("--only", nargs="*", default=(), help="只截这些画面（名称）")
    args = parser.parse_args(argv)
    # A demo station needs no real protection; the shipped key derivation would only add minutes.
    keyring.KDF = keyring.KdfParams(time_cost=1, memory_kib=1024, parallelism=1)
    app = make_application([sys.argv[0]])
    data = Path(tempfile.mkdtemp(prefix="station-guide-"))
    database = StationDatabase.open(data / "station.db", keyring.new_key())
    head = admin.initialise_station(database, demo.STATION, "head", "王站长", HEAD_PASSWORD)
    admin.load_demo(database, head, DEMO_PEOPLE)
    stage = Stage(app, data, database, head, args.out, args.review)
    try:
        for scene in SCENES + (REVIEW_SCENES if args.review else []):
            if not args.only or scene.__name__ in args.only:
                scene(stage)
    finally:
        stage.close()
        database.close()
    print(f"已保存 {len(stage.saved)} 张截图到 {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

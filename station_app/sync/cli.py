"""`main.py --user head sync …`: enroll, sync now, export a USB bundle, import the return bundle."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path
from typing import Any


def add_parser(sub: Any) -> None:
    sync = sub.add_parser("sync", help="与县民政局服务器同步（登记、立即同步、U盘数据包）")
    cmds = sync.add_subparsers(dest="sync_command", required=True)
    enroll = cmds.add_parser("enroll", help="用县里提供的一次性登记码登记本站")
    enroll.add_argument("--server", required=True, help="服务器地址，如 https://mz.example.gov.cn:8443")
    enroll.add_argument("--code", required=True)
    enroll.add_argument("--fingerprint", help="县里提供的服务器公钥指纹（建议核对）")
    enroll.add_argument("--ca-file", help="服务器证书的 CA 文件（自签证书时）")
    cmds.add_parser("run", help="立即同步")
    export = cmds.add_parser("export", help="导出U盘数据包")
    export.add_argument("--to", type=Path, required=True)
    imp = cmds.add_parser("import", help="导入县里的回执包")
    imp.add_argument("bundle", type=Path)


def run(args: argparse.Namespace, open_database: Callable[[], Any]) -> int:
    from station_app.sync import bundles, client
    from station_app.sync.protocol import fingerprint

    database = open_database()
    if args.sync_command == "enroll":
        enrollment = client.enroll(database, args.server, args.code, ca_file=args.ca_file,
                                   expect_fingerprint=args.fingerprint)
        print(f"已登记为“{enrollment.name}”，服务器公钥指纹 {fingerprint(enrollment.county['sign'])}")
    elif args.sync_command == "run":
        print(client.sync(database).summary())
    elif args.sync_command == "export":
        path, count = bundles.export_bundle(database, args.to)
        print(f"已导出 {count:,} 条变更到 {path}（已读回核对，可以拔出U盘）")
    elif args.sync_command == "import":
        print(bundles.import_return(database, args.bundle).summary())
    return 0

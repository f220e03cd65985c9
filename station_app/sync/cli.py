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
    rebuild = cmds.add_parser("rebuild", help="电脑丢失或损坏时：在新电脑的空数据文件夹中从县服务器恢复本站（中断后再次运行即继续）")
    rebuild.add_argument("--server", required=True, help="服务器地址")
    rebuild.add_argument("--code", required=True, help="县里为本站生成的一次性恢复登记码")
    rebuild.add_argument("--fingerprint", help="县里提供的服务器公钥指纹（建议核对）")
    rebuild.add_argument("--ca-file", help="服务器证书的 CA 文件（自签证书时）")
    rebuild.add_argument("--head-username", default="head", help="新站长账号的用户名")
    rebuild.add_argument("--head-name", default="站长", help="站长姓名")
    cmds.add_parser("run", help="立即同步")
    export = cmds.add_parser("export", help="导出U盘数据包")
    export.add_argument("--to", type=Path, required=True)
    imp = cmds.add_parser("import", help="导入县里的回执包")
    imp.add_argument("bundle", type=Path)


def run(args: argparse.Namespace, open_database: Callable[[], Any], database_path: Path) -> int:
    from station_app.sync import bundles, client
    from station_app.sync.protocol import fingerprint

    if args.sync_command == "rebuild":
        return _rebuild(args, open_database, database_path)
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


def _rebuild(args: argparse.Namespace, open_database: Callable[[], Any], database_path: Path) -> int:
    """Start a rebuild into an empty data folder, or go on with one a previous run left unfinished
    (the folder then opens with the new head's password, as any other command)."""
    import getpass
    import os

    from station_app.core.passwords import PASSWORD_ENV
    from station_app.sync import rebuild

    if database_path.exists():
        database = open_database()
    else:
        password = os.environ.get(PASSWORD_ENV) or getpass.getpass("新站长密码：")
        started = rebuild.start(database_path, args.server, args.code, (args.head_username, args.head_name, password),
                                ca_file=args.ca_file, expect_fingerprint=args.fingerprint)
        print(f"已在县服务器重新登记。恢复码（请抄写或打印后锁入站内保险柜）：{started.recovery_code}")
        database = started.database
    print(rebuild.resume(database).summary())
    return 0

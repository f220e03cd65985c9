"""Command line: `python main.py` opens the app; sub-commands serve scripted administration."""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from station_app import paths
from station_app.core.passwords import PASSWORD_ENV

if TYPE_CHECKING:
    from station_app.core.roles import Actor
    from station_app.store.database import StationDatabase

_INIT_FIELDS = (("name", "社工站名称"), ("township", "乡镇（街道）"), ("county", "县（区）"), ("admin_code", "乡镇区划代码（9位）"))


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="main.py", description="社工站 Station")
    parser.add_argument("--data-dir", help=f"数据目录（默认取环境变量 {paths.DATA_DIR_ENV}，再默认为用户应用数据目录）")
    parser.add_argument("--user", help=f"登录用户名（数据库已加密；密码取环境变量 {PASSWORD_ENV}，否则在终端询问）")
    sub = parser.add_subparsers(dest="command")
    sub.add_parser("gui", help="启动图形界面（默认）")

    init = sub.add_parser("init", help="非交互地初始化社工站和站长账号")
    for name, label in _INIT_FIELDS:
        init.add_argument(f"--{name.replace('_', '-')}", required=True, help=label)
    init.add_argument("--head-username", required=True)
    init.add_argument("--head-name", required=True, help="站长姓名")
    init.add_argument("--head-password", help="站长密码（不提供则在终端询问）")

    demo = sub.add_parser("demo", help="生成演示数据")
    demo.add_argument("--people", type=int, default=1000)
    demo.add_argument("--seed", type=int, default=1)

    sub.add_parser("check", help="检查数据库完整性和审计日志哈希链")
    sub.add_parser("encrypt", help="把旧版本留下的未加密数据库转换为加密数据库（站长账号）")
    backup = sub.add_parser("backup", help="备份数据库")
    backup.add_argument("--to", type=Path, help="备份文件或目录（默认：数据目录下的 backups）")
    from station_app.server import cli as server_cli
    from station_app.sync import cli as sync_cli

    server_cli.add_parser(sub)
    sync_cli.add_parser(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    data_dir = paths.data_dir(args.data_dir)
    from station_app import logs
    from station_app.store.private_files import keep_private_by_default

    keep_private_by_default()  # the data folder, logs, exports and prints are the user's alone

    logs.setup(paths.logs_dir(data_dir))
    if args.command in (None, "gui"):
        from station_app.ui import platform_libs

        missing = platform_libs.missing_packages() if platform_libs.uses_x11(os.environ) else []
        if missing:
            print(platform_libs.message(missing), file=sys.stderr)
            return 2
        from station_app.ui.app import run_gui

        return run_gui(data_dir)
    from station_app.core.errors import KnownError

    try:
        return _COMMANDS[args.command](args, data_dir)
    except KnownError as exc:
        print(f"错误：{exc.message}", file=sys.stderr)
        return 2


def _credentials(args: argparse.Namespace) -> tuple[str, str]:
    from station_app.core.errors import KnownError

    try:
        username = args.user or input("用户名：")
        return username, os.environ.get(PASSWORD_ENV) or getpass.getpass(f"{username} 的密码：")
    except EOFError:  # run from a script without a terminal
        raise KnownError(f"数据库已加密：请用 --user 指定用户名，并用环境变量 {PASSWORD_ENV} 或终端输入密码。") from None


def _open(args: argparse.Namespace, data_dir: Path) -> tuple[StationDatabase, Actor]:
    from station_app.jobs import accounts

    return accounts.log_in(paths.database_path(data_dir), *_credentials(args), backup_dir=paths.backups_dir(data_dir),
                        check=True)


def _cmd_init(args: argparse.Namespace, data_dir: Path) -> int:
    from station_app.core.errors import KnownError
    from station_app.core.jobs import JobState
    from station_app.jobs import admin
    from station_app.store.database import StationDatabase
    from station_app.store.keyring import new_key

    path = paths.database_path(data_dir)
    if path.exists():
        raise KnownError(f"{path} 已存在，不能重复初始化。")
    password = args.head_password or os.environ.get(PASSWORD_ENV) or getpass.getpass("站长密码：")
    station = {name: getattr(args, name) for name, _ in _INIT_FIELDS}
    database = StationDatabase.open(path, new_key())
    try:
        _head, code = admin.set_up_station(database, JobState(), station, args.head_username, args.head_name, password)
    except BaseException:
        database.close()
        admin.discard_new_database(path)
        raise
    print(f"已初始化：{station['name']}（{path}）")
    print(f"恢复码（请抄写或打印后锁入站内保险柜；忘记站长密码时凭它恢复）：{code}")
    return 0


def _cmd_encrypt(args: argparse.Namespace, data_dir: Path) -> int:
    from station_app.store import encryption

    _actor, code = encryption.convert(paths.database_path(data_dir), paths.backups_dir(data_dir), *_credentials(args))
    print("数据库已加密。原未加密文件已覆盖删除；其他用户需要站长为其重设临时密码后才能登录。")
    print(f"恢复码（请抄写或打印后锁入站内保险柜）：{code}")
    return 0


def _cmd_demo(args: argparse.Namespace, data_dir: Path) -> int:
    from station_app.core.jobs import JobState
    from station_app.jobs import admin

    database, actor = _open(args, data_dir)

    def show(done: int, total: int, message: str) -> None:
        print(f"\r{message}", end="", file=sys.stderr, flush=True)

    counts = admin.load_demo(database, actor, args.people, seed=args.seed, state=JobState(show))
    print(file=sys.stderr)
    print("已生成：" + "，".join(f"{k} {v}" for k, v in counts.items()))
    return 0


def _cmd_check(args: argparse.Namespace, data_dir: Path) -> int:
    from station_app.core.jobs import JobState
    from station_app.jobs import admin

    report = admin.check_database(_open(args, data_dir)[0], JobState())
    if report.ok:
        print(f"检查通过：数据库完整，审计日志 {report.audit_entries} 条哈希链完整。")
        return 0
    print("检查发现问题：", *report.problems, sep="\n  ")
    return 1


def _cmd_backup(args: argparse.Namespace, data_dir: Path) -> int:
    from station_app.core.jobs import JobState
    from station_app.jobs import admin

    database, actor = _open(args, data_dir)
    print(f"已备份到 {admin.backup(database, JobState(), actor, args.to)}")
    return 0


def _cmd_server(args: argparse.Namespace, data_dir: Path) -> int:
    from station_app.server import cli as server_cli

    return server_cli.run(args, data_dir)


def _cmd_sync(args: argparse.Namespace, data_dir: Path) -> int:
    from station_app.sync import cli as sync_cli

    return sync_cli.run(args, lambda: _open(args, data_dir)[0], paths.database_path(data_dir))


_COMMANDS = {"init": _cmd_init, "demo": _cmd_demo, "check": _cmd_check, "backup": _cmd_backup,
             "encrypt": _cmd_encrypt, "server": _cmd_server, "sync": _cmd_sync}

"""`main.py server …`: run the county server and do the county administrator's tasks."""

from __future__ import annotations

import argparse
import datetime as dt
import getpass
import json
import os
from pathlib import Path
from typing import Any

from station_app.core.passwords import PASSWORD_ENV
from station_app.core.errors import KnownError


def add_parser(sub: Any) -> None:
    server = sub.add_parser("server", help="县民政局服务器：运行服务、登记社工站、审批、推送参考数据、导入U盘数据包")
    server.add_argument("--dir", type=Path, help="服务器数据目录（默认：数据目录下的 county-server）")
    server.add_argument("--database-url", help="数据库：postgresql://用户@主机/库名（默认：服务器数据目录下的 SQLite 文件）")
    server.add_argument("--key-file", type=Path,
                        help="SQLite 数据库密钥文件（默认：数据库旁的 county.db.key；可放在U盘等处与数据库分开保管）")
    cmds = server.add_subparsers(dest="server_command", required=True)
    run = cmds.add_parser("run", help="启动同步服务（uvicorn）")
    run.add_argument("--host", default="127.0.0.1")
    run.add_argument("--port", type=int, default=8443)
    run.add_argument("--certfile", help="TLS 证书（提供则以 HTTPS 服务）")
    run.add_argument("--keyfile", help="TLS 私钥")
    run.add_argument("--workers", type=int, default=1, help="工作进程数（PostgreSQL 时可多于 1）")
    admin = cmds.add_parser("create-admin", help="建立县级管理平台的管理员账号（第一次使用时）")
    admin.add_argument("username")
    admin.add_argument("--name", required=True, help=f"姓名（密码取环境变量 {PASSWORD_ENV}，否则在终端询问）")
    token = cmds.add_parser("create-token", help="为一个县级账号建立脚本用的 API 令牌（只显示一次）")
    token.add_argument("username")
    token.add_argument("--label", default="脚本", help="用途说明")
    create = cmds.add_parser("create-station", help="登记一个社工站，得到一次性登记码")
    create.add_argument("name")
    rebuild = cmds.add_parser("rebuild-code", help="为丢失电脑的社工站生成一次性恢复登记码（新电脑用它从县服务器恢复，旧电脑作废）")
    rebuild.add_argument("name")
    revoke = cmds.add_parser("revoke", help="撤销社工站的同步资格")
    revoke.add_argument("name")
    cmds.add_parser("stations", help="列出社工站")
    cmds.add_parser("waiting", help="列出等待县级审批的临时救助案件")
    decide = cmds.add_parser("decide", help="审批一个案件")
    decide.add_argument("case_id")
    verdict = decide.add_mutually_exclusive_group(required=True)
    verdict.add_argument("--approve", action="store_true")
    verdict.add_argument("--reject", action="store_true")
    decide.add_argument("--amount", type=float, help="批准金额（元）")
    decide.add_argument("--reason", default="")
    decide.add_argument("--user", required=True, help="审批人的县级账号用户名（角色须为“审批”）")
    ref = cmds.add_parser("publish-reference", help="发布一项参考数据的新版本（推送到所有社工站）")
    ref.add_argument("key")
    ref.add_argument("value", help="JSON 内容")
    ref.add_argument("--from", dest="effective_from", required=True, help="生效日期 YYYY-MM-DD")
    ref.add_argument("--notes", default="")
    ref.add_argument("--by", default="县民政局")
    imp = cmds.add_parser("import-bundle", help="导入社工站的U盘数据包，写出回执包")
    imp.add_argument("bundle", type=Path)
    imp.add_argument("--out", type=Path, required=True, help="回执包写到哪个文件夹（如U盘）")
    escrow = cmds.add_parser("unseal-escrow", help="取出社工站托管的数据库密钥（恢复用）")
    escrow.add_argument("name")


def run(args: argparse.Namespace, data_dir: Path) -> int:
    # Everything the server writes (database, WAL, keys, token, logs, return bundles) holds the
    # townships' personal data or the secrets guarding it: readable by the server's user only.
    os.umask(0o077)
    folder = Path(args.dir) if args.dir else data_dir / "county-server"
    if args.server_command == "run":
        return _serve(args, folder)
    from station_app.server.keys import CountyKeys
    from station_app.server.store.storage import ServerStore

    store = ServerStore.in_folder(folder, args.database_url, args.key_file)
    try:
        _COMMANDS[args.server_command](store, CountyKeys.load_or_create(folder), args)
    finally:
        store.close()
    return 0


# What the audit log names as where a command-line action came from.
_CLI = "命令行"


def _create_station(store: Any, keys: Any, args: argparse.Namespace) -> None:
    _show_code(keys, f"已登记社工站“{args.name}”。一次性登记码", store.create_station(args.name))


def _rebuild_code(store: Any, keys: Any, args: argparse.Namespace) -> None:
    _show_code(keys, f"“{args.name}”的一次性恢复登记码（在新电脑上运行 main.py sync rebuild；用后旧电脑的同步资格作废）",
               store.issue_rebuild_code(args.name, client=_CLI))


def _show_code(keys: Any, what: str, code: str) -> None:
    from station_app.sync import protocol as p

    print(f"{what}：{code}")
    print(f"服务器公钥指纹（登记时核对）：{p.fingerprint(keys.pair.public['sign'])}")


def _revoke(store: Any, keys: Any, args: argparse.Namespace) -> None:
    store.revoke(args.name)
    print(f"已撤销“{args.name}”的同步资格")


def _stations(store: Any, keys: Any, args: argparse.Namespace) -> None:
    for s in store.stations():
        state = "已撤销" if s["revoked_at"] else "已登记" if s["enrolled_at"] else "待登记"
        print(f"{s['name']}\t{state}\t已接收到第 {s['high_water']} 号变更\t最近 {s['last_seen_at'] or '-'}")


def _waiting(store: Any, keys: Any, args: argparse.Namespace) -> None:
    for c in store.waiting_cases():
        amount = (c.get("amount_proposed") or 0) / 100
        print(f"{c['id']}\t{c['station_name']}\t{c.get('applied_on')}\t拟救助 {amount:.2f} 元\t{c.get('reason') or ''}")


def _decide(store: Any, keys: Any, args: argparse.Namespace) -> None:
    from station_app.server.store import accounts

    amount = round(args.amount * 100) if args.amount is not None else None
    store.decide(args.case_id, bool(args.approve), amount, args.reason, accounts.user(store, args.user),
                 dt.date.today().isoformat(), _CLI)
    print("已记录审批结果，社工站下次同步（或导入回执包）时收到")


def _create_admin(store: Any, keys: Any, args: argparse.Namespace) -> None:
    from station_app.core.county_roles import ADMIN
    from station_app.server.store import accounts

    accounts.create_user(store, args.username, args.name, ADMIN, _new_password(), accounts.SERVER_CONSOLE)
    print(f"已建立管理员账号“{args.username}”。用它登录县级管理平台：/console/")


def _create_token(store: Any, keys: Any, args: argparse.Namespace) -> None:
    from station_app.server.store import accounts

    token = accounts.create_api_token(store, args.username, args.label, accounts.SERVER_CONSOLE)
    print(f"API 令牌（只显示这一次，请妥善保存）：{token}")


def _publish(store: Any, keys: Any, args: argparse.Namespace) -> None:
    from station_app.core.county_roles import ADMIN, CountyActor
    from station_app.server.store.audit import SERVER_CONSOLE

    by = CountyActor(SERVER_CONSOLE.user_id, SERVER_CONSOLE.username, args.by, ADMIN)
    record = store.publish_reference(args.key, _json(args.value), args.effective_from, args.notes, by, _CLI)
    print(f"已发布 {args.key}（自 {args.effective_from} 起），记录 {record['id']}")


def _unseal(store: Any, keys: Any, args: argparse.Namespace) -> None:
    from station_app.server.escrow import unseal
    from station_app.server.store.audit import SERVER_CONSOLE

    print(unseal(store, keys, args.name, SERVER_CONSOLE, _CLI))


def _json(text: str) -> Any:
    try:
        return json.loads(text)
    except ValueError as exc:
        raise KnownError(f"参考数据内容不是有效的 JSON：{exc}") from None


def _new_password() -> str:
    if os.environ.get(PASSWORD_ENV):
        return os.environ[PASSWORD_ENV]
    first = getpass.getpass("新密码：")
    if getpass.getpass("再输入一次：") != first:
        raise KnownError("两次输入的密码不一致")
    return first


def _import(store: Any, keys: Any, args: argparse.Namespace) -> None:
    from station_app.server.bundles import import_bundle, return_file_name
    from station_app.sync.bundles import write_verified

    try:
        data = args.bundle.read_bytes()
    except OSError as exc:
        raise KnownError(f"无法读取 {args.bundle}（{exc.strerror}）") from exc
    imported = import_bundle(store, keys, data)
    out = args.out / return_file_name(imported)
    write_verified(out, imported.return_bundle)
    c = imported.counts
    print(f"已导入 {imported.station_name} 第 {imported.number} 号数据包：新接收 {c['applied']} 条，重复 {c['duplicate']} 条，"
          f"冲突 {c['conflict']} 条，拒绝 {c['rejected']} 条；回执包含县里更新 {c['feed']} 条")
    print(f"回执包：{out}")


_COMMANDS = {"create-station": _create_station, "rebuild-code": _rebuild_code, "revoke": _revoke, "stations": _stations, "waiting": _waiting,
             "decide": _decide, "create-admin": _create_admin, "create-token": _create_token,
             "publish-reference": _publish, "import-bundle": _import, "unseal-escrow": _unseal}


def _serve(args: argparse.Namespace, folder: Path) -> int:
    """uvicorn with `--workers` processes, each building the app from the environment (app.from_environment);
    the schema is brought up to date once here first, so the workers find it ready."""
    import uvicorn

    from station_app.server import app, config
    from station_app.server.store.storage import ServerStore

    ServerStore.in_folder(folder, args.database_url, args.key_file).close()
    os.environ[app.DIR_ENV] = str(folder)
    if args.database_url:
        os.environ[app.DATABASE_ENV] = args.database_url
    if args.key_file:  # each worker finds the database's key where this command was told it is
        os.environ[config.KEY_FILE_ENV] = str(Path(args.key_file).resolve())
    uvicorn.run(f"{app.__name__}:from_environment", factory=True, workers=args.workers, host=args.host,
                port=args.port, ssl_certfile=args.certfile, ssl_keyfile=args.keyfile, log_config=None,
                access_log=False)
    return 0

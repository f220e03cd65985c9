"""同步: the state of sync told plainly, what waits, conflicts to resolve, and the history of runs.

The head syncs now (F5), exports a USB bundle, imports the county's return bundle, or enrolls the
station with the county's one-time code. Network and file work runs off the UI thread; the page
re-reads the state from the database whenever a run ends.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from station_app.core.entities import ENTITIES, entity
from station_app.core.jobs import JobState
from station_app.store import outbox_status, sync_state
from station_app.store.database import StationDatabase
from station_app.store.records import RecordStore
from station_app.sync import bundles, client, status
from station_app.sync.protocol import DECISION as RELIEF_DECISION
from station_app.sync.protocol import STATUS_LABELS, fingerprint
from station_app.ui.changes import ANY, FollowsChanges
from station_app.ui.dialogs import present
from station_app.ui.history import local_time
from station_app.ui.models import Column, ListTableModel, QueryTableModel
from station_app.ui.record_list import RecordTable
from station_app.ui.session import Session
from station_app.ui.sync_runner import SyncRunner

LEVEL_STYLE = {status.OK: "color: #2e7d32;", status.WAITING: "", status.OFFLINE: "color: #ef6c00;",
               status.ERROR: "color: #c62828;"}
KINDS = {"online": "联网同步", "bundle_export": "导出U盘数据包", "bundle_import": "导入回执包"}
KEEP_MINE, TAKE_THEIRS = "mine", "theirs"


def _find_pending(database: StationDatabase, _sort: str, _descending: bool, **_filters: object) -> list[int]:
    return outbox_status.pending_seqs(database)  # newest first, always: nothing to search or sort


def _history_row(row: dict[str, Any]) -> dict[str, Any]:
    counts = "，".join(f"{STATUS_LABELS.get(k, k)} {row[k]:,}" for k in ("applied", "duplicate", "conflict", "rejected")
                      if row[k])
    return {**row, "when": local_time(row["at"]), "what": KINDS.get(row["kind"], row["kind"]),
            "counts": f"发送 {row['sent']:,}" + (f"（{counts}）" if counts else "") + f"，收到 {row['received']:,}",
            "outcome": row["error"] or "成功"}


def _record_label(record: Any, record_id: str | None) -> str:
    """How a person recognises a record: its name, a household's head, a rule's key, else its id."""
    record = record if isinstance(record, dict) else {}
    found = record.get("name") or record.get("head_name") or record.get("key")
    return str(found) if found else (record_id or "")[:8]


def _conflict_row(c: sync_state.Conflict) -> dict[str, Any]:
    spec = ENTITIES.get(c.entity)
    fields = "、".join(spec.field(f).label if spec and f in spec.field_names else f for f in c.fields)
    return {"id": c.id, "when": local_time(c.detected_at), "type": spec.label if spec else c.entity,
            "record": _record_label(c.mine or c.theirs, c.record_id), "what": c.message or f"两边都改了：{fields}",
            "conflict": c}


DIRECTIONS = {"up": "本站上传，县里拒收", "down": "县里下发，本站未采用"}


def _rejected_row(row: dict[str, Any]) -> dict[str, Any]:
    content = json.loads(row["content"])
    record = content.get("payload", content) if row["direction"] == "down" else content
    spec = ENTITIES.get(row["entity"])
    kind = spec.label if spec else "县级审批结果" if row["entity"] == RELIEF_DECISION else row["entity"]
    return {"when": local_time(row["at"]), "direction": DIRECTIONS[row["direction"]], "type": kind,
            "record": _record_label(record, row["record_id"]), "reason": row["reason"] or ""}


class SyncPage(FollowsChanges, QWidget):
    CONCERNS = frozenset({ANY})  # every write waits in the outbox

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self._own_runner: SyncRunner | None = None
        self.summary = QLabel("正在读取…")
        font = self.summary.font()
        font.setPointSizeF(font.pointSizeF() * 1.3)
        self.summary.setFont(font)
        self.summary.setWordWrap(True)
        self.detail = QLabel()
        self.detail.setWordWrap(True)
        self.sync_button = QPushButton("立即同步 (F5)")
        self.sync_button.clicked.connect(self.sync_now)
        QShortcut(QKeySequence("F5"), self, self.sync_now)
        self.export_button = QPushButton("导出U盘数据包…")
        self.export_button.clicked.connect(self.export_bundle)
        self.import_button = QPushButton("导入回执包…")
        self.import_button.clicked.connect(self.import_return)
        self.enroll_button = QPushButton("登记到县服务器…")
        self.enroll_button.clicked.connect(self.enroll)

        self.model = QueryTableModel((
            Column("登记时间", lambda r: local_time(r["created_at"]), sample="2026-11-23 14:05"),
            Column("类型", "entity_label", sample="特殊困难老年人档案"),
            Column("操作", "op_label", sample="新增"),
            Column("记录", "record_label", sample="欧阳晓明明明明"),
        ), lambda seqs: outbox_status.pending_rows(session.database, seqs), _find_pending, session.db_path,
            parent=self)
        self.pending_table = RecordTable()
        self.pending_table.setModel(self.model)
        self.by_type = QLabel()
        self.by_type.setWordWrap(True)
        pending_tab = QWidget()
        box = QVBoxLayout(pending_tab)
        box.addWidget(self.by_type)
        box.addWidget(self.pending_table, 1)

        self.conflict_model = ListTableModel((
            Column("发现时间", "when", sample="2026-11-23 14:05"), Column("类型", "type", sample="特殊困难老年人档案"),
            Column("记录", "record", sample="欧阳晓明明明"), Column("情况", "what", sample="两边都改了：姓名、联系电话、住址"),
        ), parent=self)
        self.conflict_table = RecordTable()
        self.conflict_table.setModel(self.conflict_model)
        self.conflict_table.doubleClicked.connect(lambda index: self.resolve(index.row()))
        resolve = QPushButton("处理所选冲突…")
        resolve.clicked.connect(lambda: self.resolve(self.conflict_table.currentIndex().row()))
        conflict_tab = QWidget()
        box = QVBoxLayout(conflict_tab)
        box.addWidget(QLabel("本站和县里改了同一条记录的同一项。两边的内容都保留着，请逐项选择保留哪一个："))
        box.addWidget(self.conflict_table, 1)
        box.addWidget(resolve, 0, Qt.AlignmentFlag.AlignRight)

        self.history_model = ListTableModel((
            Column("时间", "when", sample="2026-11-23 14:05"), Column("方式", "what", sample="导出U盘数据包"),
            Column("数量", "counts", sample="发送 10,000（已接收 9,999，冲突 1），收到 12"),
            Column("结果", "outcome", sample="无法连接县民政局服务器（网络未连通，或服务器没有开机）"),
        ), parent=self)
        self.history_table = RecordTable()
        self.history_table.setModel(self.history_model)

        self.rejected_model = ListTableModel((
            Column("时间", "when", sample="2026-11-23 14:05"), Column("方向", "direction", sample="县里下发，本站未采用"),
            Column("类型", "type", sample="特殊困难老年人档案"), Column("记录", "record", sample="欧阳晓明明明"),
            Column("原因", "reason", sample="「分档 / 第1项 / 月数」应在 1 到 24 之间"),
        ), parent=self)
        self.rejected_table = RecordTable()
        self.rejected_table.setModel(self.rejected_model)
        rejected_tab = QWidget()
        box = QVBoxLayout(rejected_tab)
        box.addWidget(QLabel("内容有误、未被对方采用的变更。其余变更照常同步；请按原因更正后重新登记，"
                             "或请县民政局更正后重新下发。"))
        box.addWidget(self.rejected_table, 1)

        self.tabs = QTabWidget()
        self.tabs.addTab(pending_tab, "等待发送")
        self.tabs.addTab(conflict_tab, "冲突")
        self.tabs.addTab(self.history_table, "同步记录")
        self.tabs.addTab(rejected_tab, "被拒绝")

        top = QHBoxLayout()
        text = QVBoxLayout()
        text.addWidget(self.summary)
        text.addWidget(self.detail)
        top.addLayout(text, 1)
        buttons = QVBoxLayout()
        for button in (self.sync_button, self.export_button, self.import_button, self.enroll_button):
            buttons.addWidget(button)
        top.addLayout(buttons)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.tabs, 1)
        self.runner.changed.connect(self.refresh)
        self.refresh()
        self.follow_changes(session.changes)

    @property
    def runner(self) -> SyncRunner:
        """The main window's runner (one background sync for the app), or the page's own."""
        found = getattr(self.window(), "sync_runner", None)
        if found is not None:
            return found
        if self._own_runner is None:
            self._own_runner = SyncRunner(self.session, self, background=False)
        return self._own_runner

    def refresh(self) -> None:
        database = self.session.database
        state = sync_state.status(database)
        text, level = status.describe(state)
        self.summary.setText(text)
        self.summary.setStyleSheet(LEVEL_STYLE[level])
        enrollment = sync_state.enrollment(database)
        if enrollment:
            self.detail.setText(f"县服务器：{enrollment['server_url']}（登记名称：{enrollment['name']}，"
                                f"服务器公钥指纹 {fingerprint(enrollment['county']['sign'])}）"
                                + (f"；{state.rejected} 条变更内容有误未被采用，见“被拒绝”" if state.rejected else ""))
        else:
            self.detail.setText("本站尚未登记到县民政局服务器。有网络时请用县里提供的登记码登记；"
                                "登记前所有变更都完整保存在本机，按顺序排队。")
        for button in (self.sync_button, self.export_button, self.import_button):
            button.setEnabled(enrollment is not None)
        self.enroll_button.setVisible(enrollment is None)
        self.sync_button.setEnabled(enrollment is not None and not self.runner.running)
        self.by_type.setText("按类型：" + "，".join(f"{ENTITIES[e].label if e in ENTITIES else e} {n:,} 条"
                                                  for e, n in sync_state.pending_by_entity(database))
                             if state.pending else "没有等待发送的变更")
        self.conflict_model.set_rows([_conflict_row(c) for c in sync_state.open_conflicts(database)])
        self.tabs.setTabText(1, f"冲突（{state.conflicts}）" if state.conflicts else "冲突")
        self.history_model.set_rows([_history_row(r) for r in sync_state.history(database)])
        self.rejected_model.set_rows([_rejected_row(r) for r in sync_state.rejected_items(database)])
        self.tabs.setTabText(3, f"被拒绝（{state.rejected}）" if state.rejected else "被拒绝")
        self.model.search()

    # -- actions -------------------------------------------------------------------------------

    def sync_now(self) -> None:
        if self.runner.sync_now(manual=True):
            self.sync_button.setEnabled(False)

    def export_bundle(self) -> None:
        from station_app.ui.operations import run_job

        folder = QFileDialog.getExistingDirectory(self, "选择U盘或文件夹")
        if folder:
            run_job(self, "正在导出U盘数据包…", _export, Path(folder), db_path=self.session.db_path,
                    on_done=self._exported)

    def _exported(self, result: tuple[Path, int]) -> None:
        path, count = result
        self.refresh()
        QMessageBox.information(self, "导出完成", f"已导出 {count:,} 条变更：\n{path}\n\n已读回核对，可以安全拔出U盘。"
                                "请交给县民政局导入，并把县里的回执包带回来导入。")

    def import_return(self) -> None:
        from station_app.ui.operations import run_job

        name, _ = QFileDialog.getOpenFileName(self, "选择县里的回执包", "", f"回执包 (*{bundles.SUFFIX})")
        if name:
            run_job(self, "正在导入回执包…", _import, Path(name), db_path=self.session.db_path,
                    changes=self.session.changes, on_done=self._imported)

    def _imported(self, report: client.Report) -> None:
        self.refresh()
        QMessageBox.information(self, "导入完成", report.summary())

    def enroll(self) -> None:
        present(EnrollDialog(self), lambda dialog: self._enroll(*dialog.values()))

    def _enroll(self, url: str, code: str, fingerprint: str) -> None:
        from station_app.ui.operations import run_job

        run_job(self, "正在登记…", _enroll, url, code, fingerprint, db_path=self.session.db_path,
                on_done=self._enrolled)

    def _enrolled(self, enrollment: client.Enrollment) -> None:
        self.refresh()
        QMessageBox.information(self, "登记完成", f"已登记为“{enrollment.name}”。之后有网络时会自动同步。")
        self.runner.sync_now(manual=False)

    def resolve(self, row: int) -> None:
        found = self.conflict_model.row(row) if 0 <= row < self.conflict_model.rowCount() else None
        if found is None:
            return
        present(ConflictDialog(self.session, found["conflict"], self), lambda _dialog: self.refresh())


def _export(database: StationDatabase, state: JobState, folder: Path) -> tuple[Path, int]:
    return bundles.export_bundle(database, folder, state)


def _import(database: StationDatabase, state: JobState, path: Path) -> client.Report:
    return bundles.import_return(database, path)


def _enroll(database: StationDatabase, state: JobState, url: str, code: str, fp: str) -> client.Enrollment:
    return client.enroll(database, url, code, expect_fingerprint=fp or None)


# The longest of each that is typed here: a fingerprint (protocol.fingerprint) and an enrollment code.
FINGERPRINT_SAMPLE = "WWWW-WWWW-WWWW-WWWW-WWWW"


class EnrollDialog(QDialog):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("登记到县民政局服务器")
        self.url = QLineEdit()
        self.url.setPlaceholderText("https://…:8443")
        self.code = QLineEdit()
        self.code.setPlaceholderText("XXXX-XXXX-XXXX-XXXX")
        self.fingerprint = QLineEdit()
        self.fingerprint.setPlaceholderText("县里提供的服务器公钥指纹（建议核对）")
        # Wide enough to read a whole fingerprint and compare it with the county's, group by group.
        metrics = self.fingerprint.fontMetrics()
        wide = max(metrics.horizontalAdvance(t) for t in (FINGERPRINT_SAMPLE, self.fingerprint.placeholderText()))
        for editor in (self.url, self.code, self.fingerprint):
            editor.setMinimumWidth(wide + 24)
        form = QFormLayout(self)
        form.addRow("服务器地址(&S)", self.url)
        form.addRow("登记码(&C)", self.code)
        form.addRow("公钥指纹(&F)", self.fingerprint)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    def values(self) -> tuple[str, str, str]:
        return self.url.text().strip(), self.code.text().strip(), self.fingerprint.text().strip()


class ConflictDialog(QDialog):
    """Both versions side by side; for each field changed on both sides, keep ours or take the county's."""

    def __init__(self, session: Session, conflict: sync_state.Conflict, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.conflict = conflict
        self.setWindowTitle("处理同步冲突")
        self.choices: dict[str, QComboBox] = {}
        layout = QVBoxLayout(self)
        buttons = QDialogButtonBox()
        if conflict.kind == "decision" or conflict.theirs is None or conflict.entity not in ENTITIES:
            layout.addWidget(QLabel(conflict.message or "县里的更改无法自动写入本站。"))
            buttons.addButton("已知悉", QDialogButtonBox.ButtonRole.AcceptRole)
        else:
            spec = entity(conflict.entity)
            layout.addWidget(QLabel(f"{spec.label}：本站和县里都改了下面的项目。请为每一项选择保留哪一边的内容。"))
            grid = QGridLayout()
            for col, title in enumerate(("项目", "本站的内容", "县里的内容", "保留")):
                grid.addWidget(QLabel(f"<b>{title}</b>"), 0, col)
            for row, name in enumerate(conflict.fields, start=1):
                label = spec.field(name).label if name in spec.field_names else name
                choice = QComboBox()
                choice.addItem("本站的", KEEP_MINE)
                choice.addItem("县里的", TAKE_THEIRS)
                self.choices[name] = choice
                grid.addWidget(QLabel(label), row, 0)
                grid.addWidget(QLabel(_text((conflict.mine or {}).get(name))), row, 1)
                grid.addWidget(QLabel(_text(conflict.theirs.get(name))), row, 2)
                grid.addWidget(choice, row, 3)
            layout.addLayout(grid)
            mine = conflict.mine or {}
            also = [spec.field(f).label for f in spec.field_names
                    if f not in conflict.fields and mine.get(f) != conflict.theirs.get(f)]
            if also:
                layout.addWidget(QLabel(f"县里另外改了：{'、'.join(also)}，处理后采用县里的内容。"))
            buttons.addButton("保存处理结果", QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton("取消", QDialogButtonBox.ButtonRole.RejectRole)
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def chosen(self) -> dict[str, Any]:
        mine, theirs = self.conflict.mine or {}, self.conflict.theirs or {}
        return {name: (mine if box.currentData() == KEEP_MINE else theirs).get(name)
                for name, box in self.choices.items()}

    def save(self) -> None:
        from station_app.ui.operations import run_write, show_error

        if self.choices:  # a new change of the record: written off the UI thread and announced
            run_write(self, self.session, RecordStore.resolve_conflict, self.conflict, self.chosen(),
                      on_done=lambda _record: self.accept())
            return
        try:
            sync_state.dismiss_conflict(self.session.database, self.conflict.id, self.session.actor.username)
        except Exception as exc:  # a KnownError is told calmly, anything else is a bug
            show_error(self, exc)
            return
        self.accept()


def _text(value: Any) -> str:
    return "（空）" if value in (None, "") else str(value)

"""The pieces every list page shares: the filter bar and the table view.

`FilterBar` answers while the worker types (a short pause after the last key, so a fast typist
does not run a query per keystroke) and filters by village. `RecordTable` shows a table model
with fixed row heights and column widths taken from the columns' sample text: nothing is
measured from the rows themselves, so 100,000 rows open as fast as 100. A header click asks
the model to sort (the store re-queries); Enter or a double click opens the record.
`ListPage` puts the two together over a `QueryTableModel`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from PySide6.QtCore import QItemSelectionModel, Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from station_app.store import people
from station_app.ui.changes import FollowsChanges
from station_app.ui.models import KEY_ROLE, ColumnTableModel, Key, LazyTableModel, QueryTableModel
from station_app.ui.session import Session

SEARCH_DELAY_MS = 150
SEARCH_HINT = "搜索：姓名、拼音首字母（如 zs）、身份证号前几位或后几位"


class FilterBar(QWidget):
    """Search box, village filter and result count; `changed` fires when the filter changes."""

    changed = Signal()
    submitted = Signal()  # Enter or ↓ in the search box: go to the results

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.search = QLineEdit()
        self.search.setPlaceholderText(SEARCH_HINT)
        self.search.setClearButtonEnabled(True)
        self.search.setMinimumWidth(self.search.fontMetrics().horizontalAdvance(SEARCH_HINT) + 40)
        self.village = QComboBox()
        self.village.addItem("全部村（社区）", None)
        self.village.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.count = QLabel()
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.search, 1)
        layout.addWidget(self.village)
        layout.addSpacing(12)
        layout.addWidget(self.count)

        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(SEARCH_DELAY_MS)
        self._timer.timeout.connect(self.changed)
        self.search.textChanged.connect(self._timer.start)
        self.search.returnPressed.connect(self._submit)
        self.village.currentIndexChanged.connect(self.changed)
        QShortcut(QKeySequence(Qt.Key.Key_Down), self.search, self._submit, Qt.ShortcutContext.WidgetShortcut)
        QShortcut(QKeySequence(QKeySequence.StandardKey.Find), self, self.focus_search,
                  Qt.ShortcutContext.WindowShortcut)

    @property
    def text(self) -> str:
        return self.search.text()

    @property
    def village_id(self) -> str | None:
        return self.village.currentData()

    def set_villages(self, villages: Iterable[Mapping[str, Any]]) -> None:
        """Refill the village list (villages change in settings), keeping the chosen one."""
        chosen = self.village_id
        self.village.blockSignals(True)
        while self.village.count() > 1:
            self.village.removeItem(1)
        for v in villages:
            self.village.addItem(v["name"], v["id"])
        self.village.setCurrentIndex(max(self.village.findData(chosen), 0))
        self.village.blockSignals(False)

    def focus_search(self) -> None:
        self.search.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search.selectAll()

    def set_count(self, text: str) -> None:
        self.count.setText(text)

    def _submit(self) -> None:
        if self._timer.isActive():  # Enter right after typing: search now, don't wait
            self._timer.stop()
            self.changed.emit()
        self.submitted.emit()


class RecordTable(QTableView):
    """A read-only table of records; `opened(key)` on Enter or double click."""

    opened = Signal(object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setAlternatingRowColors(True)
        self.setWordWrap(False)
        self.setTabKeyNavigation(False)  # Tab leaves the table, to the next control
        self.setHorizontalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        rows = self.verticalHeader()
        rows.hide()
        rows.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        rows.setDefaultSectionSize(int(self.fontMetrics().height() * 1.7))
        header = self.horizontalHeader()
        header.setHighlightSections(False)
        header.setStretchLastSection(True)
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        header.sortIndicatorChanged.connect(self._sort)
        self.doubleClicked.connect(self._open)
        for key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            QShortcut(QKeySequence(key), self, self._open_current, Qt.ShortcutContext.WidgetShortcut)

    def setModel(self, model: ColumnTableModel) -> None:  # noqa: N802 (Qt API)
        super().setModel(model)
        header = self.horizontalHeader()
        metrics = self.fontMetrics()
        for section, column in enumerate(model.columns):
            text_width = max(metrics.horizontalAdvance(column.sample), metrics.horizontalAdvance(column.header) + 20)
            header.resizeSection(section, text_width + 24)
        sortable = isinstance(model, LazyTableModel) and model.sort_section is not None
        header.setSectionsClickable(sortable)
        header.setSortIndicatorShown(sortable)
        if sortable:
            self._show_sort_indicator(model)

    def current_key(self) -> Key | None:
        index = self.currentIndex()
        if not index.isValid() or not self.selectionModel().isRowSelected(index.row()):
            return None
        return index.data(KEY_ROLE)

    def select_row(self, row: int) -> None:
        index = self.model().index(row, 0)
        if index.isValid():
            self.selectionModel().setCurrentIndex(
                index, QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows)
            self.scrollTo(index)

    def select_key(self, key: Key | None) -> bool:
        """Select the row showing `key`, if it is in the list."""
        model = self.model()
        row = model.position(key) if isinstance(model, LazyTableModel) and key is not None else None
        if row is None:
            return False
        self.select_row(row)
        return True

    def _sort(self, section: int, order: Qt.SortOrder) -> None:
        model = self.model()
        if isinstance(model, LazyTableModel):
            model.sort(section, order)
            self._show_sort_indicator(model)  # a column the store cannot sort by keeps the old one

    def _show_sort_indicator(self, model: LazyTableModel) -> None:
        header = self.horizontalHeader()
        header.blockSignals(True)
        header.setSortIndicator(model.sort_section if model.sort_section is not None else -1, model.sort_order)
        header.blockSignals(False)

    def _open(self, index: Any) -> None:
        if index.isValid() and index.flags() & Qt.ItemFlag.ItemIsEnabled:
            self.opened.emit(index.data(KEY_ROLE))

    def _open_current(self) -> None:
        self._open(self.currentIndex())


class ListPage(FollowsChanges, QWidget):
    """A filter bar over a table: typing or choosing a village re-runs the model's query.

    `count_text` formats the count shown beside the filter ("共 {n} 人"). Subclasses add their
    buttons to `body`, act on `table.opened` and name the entities they list in `CONCERNS`: a
    change to one of them re-reads the list (in a worker, so at once even while the page is not on
    screen), keeping the selected record. Every list exports to Excel as shown (Ctrl+E), under
    `export_name`.
    """

    export_name = "名单"
    CHEAP_REFRESH = True

    def __init__(self, session: Session, model: QueryTableModel, count_text: str,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.model = model
        self.model.setParent(self)
        self._count_text = count_text
        self._select_after: Key | None = None
        self._focus_results = False
        self.filter_bar = FilterBar()
        self.table = RecordTable()
        self.table.setModel(model)
        self.setFocusProxy(self.filter_bar.search)  # arriving on a list, the worker can type at once
        self.body = QVBoxLayout(self)
        self.body.addWidget(self.filter_bar)
        self.body.addWidget(self.table, 1)
        self.filter_bar.changed.connect(self._search)
        self.filter_bar.submitted.connect(self._go_to_results)
        self.model.loaded.connect(self._loaded)
        self.export_button = QPushButton("导出 Excel")
        self.export_button.setToolTip("把当前列表（按当前筛选和排序）导出为 Excel 文件（Ctrl+E）")
        self.export_button.clicked.connect(self.export)
        self.filter_bar.layout().addWidget(self.export_button)
        QShortcut(QKeySequence("Ctrl+E"), self, self.export, Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.follow_changes(session.changes)

    def export(self) -> None:
        from station_app.ui.export_dialog import export_list  # openpyxl: only when someone exports

        export_list(self, self.session, self.model, self.export_name)

    def refresh(self) -> None:
        """Re-read villages and the list, keeping the selected record (or the one `show_record`
        asked for) once the list is back."""
        if self._select_after is None:
            self._select_after = self.table.current_key()
        self.filter_bar.set_villages(people.villages(self.session.database))
        self._search()

    def show_record(self, key: Key | None) -> None:
        """Select `key` (a record just saved or, after a deletion, its neighbour): now if the list
        shows it, else once the list is read again."""
        if key is not None and not self.table.select_key(key):
            self._select_after = key

    def _search(self) -> None:
        self.model.search(self.filter_bar.text, self.filter_bar.village_id)

    def _loaded(self) -> None:
        self.filter_bar.set_count(self._count_text.format(n=f"{self.model.rowCount():,}"))
        if self._select_after is not None:
            self.table.select_key(self._select_after)
            self._select_after = None
        if self._focus_results:
            self._focus_results = False
            self._go_to_results()

    def _go_to_results(self) -> None:
        if self.model.busy:  # Enter right after typing: go there once the answer is in
            self._focus_results = True
            return
        if self.model.rowCount():
            self.table.setFocus()
            if self.table.current_key() is None:
                self.table.select_row(0)

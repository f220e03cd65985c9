"""Forms built from the entity declarations: one editor per field, its error shown right under it.

Labels, choices and required marks come from `core.entities`, so a form never disagrees with
what the store will accept. Editors are created in reading order, which is also the Tab order,
so a fast typist fills a form without the mouse. Values go to the store as typed (strings and
codes); the store's validation parses them and its `ValidationError.errors` come back here.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QCompleter,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QSizePolicy,
    QWidget,
)

from station_app.core import fields as fk
from station_app.core.entities import entity
from station_app.core.fields import Field, format_hours, format_money
from station_app.ui.screen_fit import grow

_PLACEHOLDERS = {
    fk.DATE: "如 2024-03-05",
    fk.PHONE: "手机号或 区号-号码",
    fk.ID_NUMBER: "18位身份证号",
    fk.MONEY: "金额（元）",
    fk.HOURS: "小时，如 1.5",
    fk.INT: "整数",
}
ERROR_STYLE = "color: #c62828;"


class FieldForm(QWidget):
    """Editors for `field_names` of one entity, laid out in `columns` label/editor pairs. A text
    field given `choices` (code, label) is chosen from a list, e.g. kinds from the county's rules."""

    edited = Signal(str)  # field name

    def __init__(self, entity_name: str, field_names: Sequence[str], parent: QWidget | None = None,
                 columns: int = 1, choices: Mapping[str, Sequence[tuple[str, str]]] | None = None) -> None:
        super().__init__(parent)
        self.spec = entity(entity_name)
        self._fields = [replace(f, kind=fk.CHOICE, choices=tuple(choices[f.name])) if choices and f.name in choices
                        else f for f in (self.spec.field(n) for n in field_names)]
        self._editors: dict[str, QWidget] = {}
        self._errors: dict[str, QLabel] = {}
        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setHorizontalSpacing(12)
        grid.setVerticalSpacing(2)
        for index, f in enumerate(self._fields):
            row, col = divmod(index, columns)
            label = QLabel(f.label + (' <span style="color:#c62828">*</span>' if f.required else ""))
            editor = self._make_editor(f)
            label.setBuddy(editor)
            error = QLabel()
            error.setStyleSheet(ERROR_STYLE)
            error.setWordWrap(True)
            error.hide()
            # A free-text box at the end (备注) takes the rest of its row: room to write in.
            span = columns * 2 - col * 2 - 1 if index == len(self._fields) - 1 and f.kind == fk.LONG_TEXT else 1
            grid.addWidget(label, row * 2, col * 2)
            grid.addWidget(editor, row * 2, col * 2 + 1, 1, span)
            grid.addWidget(error, row * 2 + 1, col * 2 + 1, 1, span)
            self._editors[f.name] = editor
            self._errors[f.name] = error
        for col in range(columns):
            grid.setColumnStretch(col * 2 + 1, 1)

    # -- editors -----------------------------------------------------------------------------

    def _make_editor(self, f: Field) -> QWidget:
        if f.kind == fk.LONG_TEXT:
            editor = QPlainTextEdit()
            editor.setTabChangesFocus(True)
            editor.setFixedHeight(64)
            editor.textChanged.connect(lambda name=f.name: self._changed(name))
        elif f.kind == fk.CHOICE or f.kind == fk.REF:
            editor = QComboBox()
            editor.addItem("", None)
            for code, label in f.choices:
                editor.addItem(label, code)
            editor.currentIndexChanged.connect(lambda _i, name=f.name: self._changed(name))
        elif f.kind == fk.BOOL:
            editor = QCheckBox("是")
            editor.toggled.connect(lambda _c, name=f.name: self._changed(name))
        elif f.kind == fk.MULTI:
            editor = QWidget()
            box = QHBoxLayout(editor)
            box.setContentsMargins(0, 0, 0, 0)
            for code, label in f.choices:
                check = QCheckBox(label)
                check.setProperty("code", code)
                check.toggled.connect(lambda _c, name=f.name: self._changed(name))
                box.addWidget(check)
            box.addStretch(1)
        else:
            editor = QLineEdit()
            editor.setPlaceholderText(_PLACEHOLDERS.get(f.kind, ""))
            if f.kind == fk.TEXT:
                editor.setMaxLength(f.max_length)
            editor.textEdited.connect(lambda _t, name=f.name: self._changed(name))
        editor.setObjectName(f.name)
        editor.setSizePolicy(QSizePolicy.Policy.Expanding, editor.sizePolicy().verticalPolicy())
        return editor

    def _changed(self, name: str) -> None:
        self._set_error(name, "")  # the person is fixing it: don't keep shouting
        self.edited.emit(name)

    def editor(self, name: str) -> QWidget:
        return self._editors[name]

    def set_ref_choices(self, name: str, items: Iterable[tuple[str, str]], *, searchable: bool = False) -> None:
        """Fill a reference field's list with (id, label); `searchable` lets people type to find."""
        combo = self._editors[name]
        assert isinstance(combo, QComboBox)
        current = combo.currentData()
        combo.blockSignals(True)
        combo.clear()
        combo.addItem("", None)
        for record_id, label in items:
            combo.addItem(label, record_id)
        if searchable:
            combo.setEditable(True)
            combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
            combo.completer().setFilterMode(Qt.MatchFlag.MatchContains)
            combo.completer().setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        index = combo.findData(current)
        combo.setCurrentIndex(max(index, 0))
        combo.blockSignals(False)

    # -- values ------------------------------------------------------------------------------

    def values(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for f in self._fields:
            editor = self._editors[f.name]
            if isinstance(editor, QPlainTextEdit):
                out[f.name] = editor.toPlainText()
            elif isinstance(editor, QComboBox):
                out[f.name] = editor.currentData()
            elif isinstance(editor, QCheckBox):
                out[f.name] = editor.isChecked()
            elif isinstance(editor, QLineEdit):
                out[f.name] = editor.text()
            else:
                out[f.name] = [c.property("code") for c in editor.findChildren(QCheckBox) if c.isChecked()]
        return out

    def set_values(self, record: dict[str, Any]) -> None:
        for f in self._fields:
            editor = self._editors[f.name]
            value = record.get(f.name)
            editor.blockSignals(True)
            if isinstance(editor, QPlainTextEdit):
                editor.setPlainText(value or "")
            elif isinstance(editor, QComboBox):
                editor.setCurrentIndex(max(editor.findData(value), 0))
            elif isinstance(editor, QCheckBox):
                editor.setChecked(bool(value))
            elif isinstance(editor, QLineEdit):
                editor.setText(_display(f, value))
            else:
                chosen = set(value or [])
                for check in editor.findChildren(QCheckBox):
                    check.setChecked(check.property("code") in chosen)
            editor.blockSignals(False)

    # -- errors ------------------------------------------------------------------------------

    def show_errors(self, errors: dict[str, str]) -> bool:
        """Show each message at its field and focus the first; False if none was for this form."""
        first = None
        for f in self._fields:
            message = errors.get(f.name, "")
            self._set_error(f.name, message)
            if message and first is None:
                first = self._editors[f.name]
        grow(self)  # the messages take room: the window grows rather than squeeze the fields
        if first is not None:
            first.setFocus()
        return first is not None

    def error_text(self, name: str) -> str:
        label = self._errors[name]
        return label.text() if not label.isHidden() else ""

    def _set_error(self, name: str, message: str) -> None:
        label = self._errors[name]
        label.setText(message)
        label.setVisible(bool(message))
        editor = self._editors[name]
        editor.setProperty("invalid", bool(message))
        editor.setStyleSheet("border: 1px solid #c62828;" if message and isinstance(editor, QLineEdit) else "")


def _display(f: Field, value: Any) -> str:
    if value is None:
        return ""
    if f.kind == fk.MONEY and isinstance(value, int):  # stored fen; text typed earlier shows as typed
        return format_money(value).replace(",", "")
    if f.kind == fk.HOURS:
        return format_hours(value).replace(",", "")
    if f.kind == fk.JSON:
        return json.dumps(value, ensure_ascii=False)
    return str(value)


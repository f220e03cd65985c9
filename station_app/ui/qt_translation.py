"""Qt's own words in Chinese, where Qt's shipped Chinese catalogue has fallen behind Qt itself.

Qt 6.11 gave some labels a keyboard mnemonic ("Look in:" became "&Look in:") and moved a few words
to another class ("Folder"), while qtbase_zh_CN.qm still holds them the old way; without this the
file and print dialogs show "Look in:", "Files of type:" and "Folder" in English. A word the
catalogue does not hold is looked up again without its mnemonic, then under the class that used
to own it.
"""

from __future__ import annotations

from PySide6.QtCore import QTranslator

# Where a word now lives -> where the Chinese catalogue still keeps it.
_MOVED = {"QAbstractFileIconProvider": "QFileDialog", "QFileSystemModel": "QFileDialog"}


class CatchUpTranslator(QTranslator):
    def translate(self, context: str, source: str, disambiguation: str | None = None, n: int = -1) -> str | None:
        """The Chinese, or None for "not here": an empty string would stop Qt's search and blank the text."""
        found = super().translate(context, source, disambiguation, n)
        if found or not source:
            return found or None
        bare = source.replace("&&", "\0").replace("&", "").replace("\0", "&")
        if bare != source:
            found = super().translate(context, bare, disambiguation, n)
        if not found and context in _MOVED:
            found = super().translate(_MOVED[context], bare, disambiguation, n)
        return found or None

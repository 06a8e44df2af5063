"""Column widths of the entry tree: what matters stays readable in any window size.

Alias, Kind, Expires and Status are never narrower than their text; Subject and Issuer take
what is left (elided in the middle, the whole name in a tooltip) and give up width first, then
the other columns. Once the user drags a column border, the widths are theirs.
"""

from __future__ import annotations

import heapq
from collections.abc import Callable, Iterable

import shiboken6
from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from PySide6.QtWidgets import QTreeView

from .model import COLUMN_IDS, COLUMNS, KIND_TEXT, LOOSE_TEXT, SHADOWED_TEXT
from .shown import shown

ESSENTIAL = ("alias", "kind", "expires", "status")
FIRST_TO_SHRINK = ("subject", "issuer")
MIN_WIDTH = 50
"""Subject and Issuer shrink to this first; then the other columns shrink, to ``LAST_WIDTH``."""
LAST_WIDTH = 24
_ICON = 22  # an item's icon and the gap after it
_PADDING = 14  # the view's cell margins and focus frame, with a little air


class ColumnFitter(QObject):
    """Keeps the columns of ``tree`` fitted to its width; ``aliases`` lists the aliases shown."""

    def __init__(
        self,
        tree: QTreeView,
        aliases: Callable[[], Iterable[str]],
        status_texts: Callable[[], Iterable[str]],
    ) -> None:
        super().__init__(tree)
        self.tree = tree
        self.aliases = aliases
        self.status_texts = status_texts
        self.user_sized = False
        self._fitting = False
        self._pressed = False
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(50)
        self._timer.timeout.connect(self.fit)
        tree.setTextElideMode(Qt.TextElideMode.ElideMiddle)
        tree.viewport().installEventFilter(self)
        tree.header().viewport().installEventFilter(self)
        tree.header().sectionResized.connect(self._section_resized)
        model = tree.model()
        for signal in (model.rowsInserted, model.modelReset, model.dataChanged):
            signal.connect(self._timer.start)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if not shiboken6.isValid(self.tree):  # the tree is being destroyed
            return False
        kind = event.type()
        if watched is self.tree.viewport() and kind == QEvent.Type.Resize:
            self.fit()
        elif kind in (QEvent.Type.MouseButtonPress, QEvent.Type.MouseButtonDblClick):
            self._pressed = True
        elif kind == QEvent.Type.MouseButtonRelease:
            self._pressed = False
        return False

    def _section_resized(self, _index: int, _old: int, _new: int) -> None:
        if self._pressed and not self._fitting:
            self.user_sized = True  # the user dragged a border (or double-clicked one)

    def content_width(self, column: str) -> int:
        """The width the texts of ``column`` need, header included."""
        metrics = self.tree.fontMetrics()
        index = COLUMN_IDS.index(column)
        header = self.tree.header().sectionSizeHint(index)
        if column == "alias":
            indent = self.tree.indentation()  # the expand arrow; a chain's certificates get two
            longest = heapq.nlargest(40, self.aliases(), key=len)
            widest = max((metrics.horizontalAdvance(shown(text)) for text in longest), default=0)
            chain = metrics.horizontalAdvance("certificate 10") + indent
            return max(header, max(widest, chain) + indent + _PADDING)
        if column == "kind":
            texts, extra = [*KIND_TEXT.values(), "Certificate", LOOSE_TEXT, SHADOWED_TEXT], _ICON
        elif column == "status":
            texts, extra = ["not yet valid", *self.status_texts()], _ICON
        else:
            texts, extra = ["0000-00-00"], 0
        widest = max((metrics.horizontalAdvance(text) for text in texts), default=0)
        return max(header, widest + extra + _PADDING)

    def fit(self) -> None:
        if self.user_sized:
            return
        header = self.tree.header()
        shown = [i for i in range(len(COLUMNS)) if not header.isSectionHidden(i)]
        widths = {
            i: self.content_width(COLUMN_IDS[i]) if COLUMN_IDS[i] in ESSENTIAL else COLUMNS[i].width
            for i in shown
        }
        spare = self.tree.viewport().width() - sum(widths.values())
        first = [i for i in shown if COLUMN_IDS[i] in FIRST_TO_SHRINK]
        others = [i for i in shown if COLUMN_IDS[i] not in ESSENTIAL and i not in first]
        if spare > 0 and first:
            for i in first:
                widths[i] += spare // len(first)
        for group, floor in ((first, MIN_WIDTH), (others, LAST_WIDTH)):
            if spare >= 0:
                break
            room = sum(widths[i] - floor for i in group)
            if room <= 0:
                continue
            take = min(-spare, room)
            for i in group:
                cut = -(-take * (widths[i] - floor) // room)  # rounded up: never short
                widths[i] -= min(cut, widths[i] - floor)
            spare += take
        self._fitting = True
        try:
            for i, width in widths.items():
                if header.sectionSize(i) != width:
                    header.resizeSection(i, width)
        finally:
            self._fitting = False

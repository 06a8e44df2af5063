"""Python's cyclic garbage collector, run on the GUI thread only.

Python collects garbage in whichever thread happens to allocate when a generation fills up:
often a worker reading a store or building the search index. When that garbage holds a Qt object
Python owns (a finished operation, a closed window), the object is destroyed in the worker, and
a Qt object destroyed outside the thread it lives in crashes the process. So the window turns
automatic collection off and collects on the GUI thread from a timer, by Python's own thresholds,
never while a store is being parsed (:func:`core.io.collection_paused`).
"""

from __future__ import annotations

import gc

from PySide6.QtCore import QObject, QTimer

from ..core.io import collection_is_paused

INTERVAL_MS = 250
"""How often the thresholds are checked (a young-generation pass takes well under 1 ms)."""


class GuiThreadCollector(QObject):
    """Automatic collection off while this lives; :meth:`collect_due` on the GUI thread."""

    def __init__(self, parent: QObject) -> None:
        super().__init__(parent)
        self._was_enabled = gc.isenabled()
        gc.disable()
        self._timer = QTimer(self)
        self._timer.setInterval(INTERVAL_MS)
        self._timer.timeout.connect(self.collect_due)
        self._timer.start()

    def collect_due(self) -> int:
        """Collect the oldest generation whose count passed its threshold, as Python would;
        what was found unreachable (0: nothing was due, or a store is being parsed)."""
        if collection_is_paused():
            return 0
        counts, thresholds = gc.get_count(), gc.get_threshold()
        for generation in (2, 1, 0):
            if counts[generation] > thresholds[generation]:
                return gc.collect(generation)
        return 0

    def stop(self) -> None:
        """Automatic collection back as it was (collecting what is due here first)."""
        self._timer.stop()
        gc.collect()
        if self._was_enabled:
            gc.enable()

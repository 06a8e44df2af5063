"""Garbage that holds Qt objects is collected on the GUI thread, never in a worker: a Qt object
destroyed outside its thread crashed the window (a worker reading a store collected a finished
operation's leftovers)."""

from __future__ import annotations

import gc
import threading

from PySide6.QtCore import QObject

from keystore_gui.core.io import collection_is_paused, collection_paused
from keystore_gui.gui.collector import GuiThreadCollector


def test_a_workers_allocations_never_collect_qt_objects(qapp, qtbot) -> None:  # type: ignore[no-untyped-def]
    qtbot.waitUntil(lambda: not collection_is_paused(), timeout=30_000)  # no store being read
    collector = qapp.findChild(GuiThreadCollector)
    assert collector is not None and not gc.isenabled()
    destroyed_in: list[threading.Thread] = []

    class Holder(QObject):
        def __del__(self) -> None:  # the Qt object goes with it
            destroyed_in.append(threading.current_thread())

    holder = Holder()
    holder.me = holder  # type: ignore[attr-defined]  # a cycle: only the collector frees it
    del holder

    def allocate() -> None:
        kept = [[] for _ in range(50_000)]  # generation 0 full many times over
        assert len(kept) == 50_000

    worker = threading.Thread(target=allocate)
    worker.start()
    worker.join(timeout=60)
    assert destroyed_in == []  # the worker collected nothing
    young = [[] for _ in range(2 * gc.get_threshold()[0])]
    with collection_paused():  # a store being parsed: no collection now
        assert collector.collect_due() == 0
    assert collector.collect_due() > 0 and young
    assert destroyed_in == [threading.main_thread()]

"""Feature modules: each adds its actions to the main window with ``install(window)``."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject

if TYPE_CHECKING:
    from ..tab import KeystoreTab


def watch_tree_viewport(
    tab: KeystoreTab, watcher: QObject, viewports: dict[QObject, KeystoreTab]
) -> None:
    """Let ``watcher`` filter the events of ``tab``'s tree viewport, drops included (once per
    tab); ``viewports`` maps each watched viewport to its tab while the tab lives."""
    viewport = tab.tree.viewport()
    if viewport in viewports:
        return
    viewports[viewport] = tab
    tab.destroyed.connect(lambda _obj=None, v=viewport: viewports.pop(v, None))
    viewport.setAcceptDrops(True)
    viewport.installEventFilter(watcher)

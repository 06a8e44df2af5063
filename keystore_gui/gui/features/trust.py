"""Trust chains in the window: "Trust Chain…" (Ctrl+T) for the selected entry, "Issued By…"."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence

from ..chain_view import IssuedByDialog, TrustChainDialog

if TYPE_CHECKING:
    from ..main_window import MainWindow
    from ..tab import KeystoreTab


def tab_title(tab: KeystoreTab) -> str:
    return Path(tab.path).name if tab.path else "unsaved keystore"


def show_trust_chain(window: MainWindow) -> TrustChainDialog | None:
    tab = window.current_tab()
    if tab is None:
        return None
    entry = next((e for e in tab.selected_entries() if e.certificate is not None), None)
    if entry is None:
        window.statusBar().showMessage("Select an entry with a certificate first", 5000)
        return None
    dialog = TrustChainDialog(
        entry=entry,
        store=tab.store,
        open_stores=[(tab_title(t), t.store) for t in window.tabs()],
        undo_stack=tab.undo_stack,
        on_entry_changed=tab.refresh_entry,
        parent=window,
    )
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.show()
    return dialog


def show_issued_by(window: MainWindow) -> IssuedByDialog | None:
    tab = window.current_tab()
    if tab is None:
        return None
    dialog = IssuedByDialog(store=tab.store, title=tab_title(tab), parent=window)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.show()
    return dialog


def install(window: MainWindow) -> None:
    chain = QAction("Trust Chain…", window)
    chain.setShortcut(QKeySequence("Ctrl+T"))
    chain.setStatusTip("Check whether the selected entry chains to a trusted root, and why not")
    chain.triggered.connect(lambda: show_trust_chain(window))
    window.menu("entry").addAction(chain)

    grouped = QAction("Issued By…", window)
    grouped.setStatusTip("Show which certificate of this keystore signed which")
    grouped.triggered.connect(lambda: show_issued_by(window))
    window.menu("view").addAction(grouped)

"""Trust chains in the window: "Trust chain…" (Ctrl+T) for the selected entry, and "Issued by…"
(Ctrl+Shift+B), every certificate of the keystore nested under the one that signed it."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt

from ...core.chain import IssuedBy, issued_by
from ...core.model import Entry
from .. import operations
from ..chain_view import IssuedByDialog, TrustChainDialog
from ..settings import Settings

if TYPE_CHECKING:
    from ..main_window import MainWindow


def _selected_certificate_entry(window: MainWindow) -> Entry | None:
    tab = window.current_tab()
    entries = tab.selected_entries() if tab is not None else []
    return next((e for e in entries if e.certificate is not None), None)


def show_trust_chain(window: MainWindow) -> TrustChainDialog | None:
    tab = window.current_tab()
    entry = _selected_certificate_entry(window)
    if tab is None or entry is None:
        window.statusBar().showMessage("Select an entry with a certificate first", 5000)
        return None
    dialog = TrustChainDialog(
        entry=entry,
        store=tab.store,
        open_stores=[(t.label, t.store) for t in window.tabs()],
        undo_stack=tab.undo_stack,
        on_entry_changed=tab.refresh_entry,
        settings=Settings(window.settings),
        parent=window,
    )
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.show()
    return dialog


def show_issued_by(window: MainWindow) -> None:
    """Group the current tab's certificates off the GUI thread, then show them."""
    tab = window.current_tab()
    if tab is None:
        return
    title = tab.display_name

    def show(grouped: IssuedBy) -> None:
        dialog = IssuedByDialog(grouped=grouped, title=title, parent=window)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.show()

    operations.run_in_background(
        window,
        lambda: issued_by(tab.store),
        on_success=show,
        label=f"Finding the issuers in {title}…",
    )


def install(window: MainWindow) -> None:
    chain = window.add_action(
        "entry",
        "trust_chain",
        "&Trust chain…",
        lambda: show_trust_chain(window),
        "Ctrl+T",
        tip="Check whether the selected entry chains to a trusted root, and why not",
    )
    chain.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
    grouped = window.add_action(
        "view",
        "issued_by",
        "Issued &by…",
        lambda: show_issued_by(window),
        "Ctrl+Shift+B",
        tip="Every certificate of this keystore nested under the one that signed it",
    )

    def update() -> None:
        chain.setEnabled(_selected_certificate_entry(window) is not None)
        grouped.setEnabled(window.current_tab() is not None)

    window.state_changed.connect(update)
    update()

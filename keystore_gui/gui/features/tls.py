"""Tools > Examine TLS server: why a Java client refuses a server, and the fix in one action."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt

from ...core.model import Keystore
from ...core.truststore import sanitise_alias, trusted_entry
from ..settings import Settings
from ..tls_dialog import AddRequest, ExamineTlsDialog
from .copy import CopyFeature

if TYPE_CHECKING:
    from ..main_window import MainWindow


def add_to_truststore(window: MainWindow, dialog: ExamineTlsDialog, request: AddRequest) -> None:
    """The copy dialog, previewing the certificates; the examiner judges again once it is done."""
    feature = window.findChild(CopyFeature)
    if feature is None:
        return
    target = next((t for t in window.tabs() if t.store is request.target), None)
    entries = [
        trusted_entry(sanitise_alias(cert.common_name()), cert) for cert in request.certificates
    ]

    def after(title: str, store: Keystore) -> None:
        if dialog.isVisible():
            dialog.truststore_changed(f"truststore {title}", store)

    feature.open_copy_dialog(entries, source=None, target=target, after=after)


def show_examine(window: MainWindow) -> ExamineTlsDialog:
    dialog = ExamineTlsDialog(
        open_stores=[(t.label, t.store) for t in window.tabs()],
        settings=Settings(window.settings),
        add_to_truststore=lambda d, r: add_to_truststore(window, d, r),
        open_as_tab=lambda store, notice: window.add_store_tab(store, None, notice=notice),
        parent=window,
    )
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.show()
    return dialog


def install(window: MainWindow) -> None:
    window.add_action(
        "tools",
        "examine_tls",
        "E&xamine TLS server…",
        lambda: show_examine(window),
        "Ctrl+Shift+X",
        tip="Connect to a TLS server, see what it sends and why Java refuses it, and fix it",
    )

"""Key pairs in and out of the window: Entry → Import key pair… (also key or PKCS#12 files
dropped on a tab) and Entry → Export key pair…. Reading and writing run off the GUI thread; an
import is one undoable step."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QDragEnterEvent, QDragMoveEvent, QDropEvent

from ...core.errors import KeystoreError
from ...core.io import read_bytes
from ...core.keyfiles import looks_like_key_file
from ...core.keypair_export import OutputFile, plan_export, write_files
from ...core.model import Entry, EntryKind
from .. import operations
from ..export_keypair_dialog import ExportKeyPairDialog, ExportKeyPairResult
from ..import_keypair_dialog import ImportKeyPairDialog, ImportKeyPairResult
from ..shown import shown
from ..undo import PutKeyPairs
from . import watch_tree_viewport

if TYPE_CHECKING:
    from ..main_window import MainWindow
    from ..tab import KeystoreTab

DROPPED_KEY_SUFFIXES = (".key", ".pem", ".p8", ".pk8", ".der", ".p12", ".pfx")


def install(window: MainWindow) -> None:
    KeyPairFeature(window)


class KeyPairFeature(QObject):
    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self._viewports: dict[QObject, KeystoreTab] = {}
        window.menu("entry").addSeparator()
        self.import_action = window.add_action(
            "entry",
            "import_key_pair",
            "Import &key pair…",
            self.import_key_pair,
            "Ctrl+Shift+K",
            tip="Add a private key with its certificates, or a key pair of another keystore",
        )
        self.export_action = window.add_action(
            "entry",
            "export_key_pair",
            "E&xport key pair…",
            self.export_key_pair,
            "Ctrl+Alt+X",
            tip="Write the selected key pair as PKCS#12 or as PEM files for a TLS server",
        )
        window.state_changed.connect(self.update)
        self.update()

    def update(self) -> None:
        tab = self.window.current_tab()
        self.import_action.setEnabled(tab is not None and tab.store.store_type.has_password)
        self.export_action.setEnabled(self._selected_key_pair() is not None)
        for each in self.window.tabs():
            watch_tree_viewport(each, self, self._viewports)

    # --- import ------------------------------------------------------------------------------
    def import_key_pair(
        self, source: str | None = None, certificate_files: tuple[str, ...] = ()
    ) -> ImportKeyPairDialog | None:
        tab = self.window.current_tab()
        if tab is None or not tab.store.store_type.has_password:
            return None
        dialog = ImportKeyPairDialog(
            self.window,
            store=tab.store,
            store_name=tab.display_name,
            source=source,
            certificate_files=certificate_files,
        )
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.accepted.connect(lambda: self._put(tab, dialog.result_value()))
        dialog.open()
        return dialog

    def _put(self, tab: KeystoreTab, result: ImportKeyPairResult) -> None:
        pairs: list[tuple[Entry, Entry | None]] = [(p.entry(), p.replaces) for p in result.plans]
        names = ", ".join(f"'{new.alias}'" for new, _ in pairs)
        verb = "Replace key pair" if all(old for _, old in pairs) else "Import key pair"
        tab.undo_stack.push(PutKeyPairs(tab.model, pairs, f"{verb} {names}"))
        tab.select_entry(pairs[0][0])

    # --- export ------------------------------------------------------------------------------
    def _selected_key_pair(self) -> tuple[KeystoreTab, Entry] | None:
        tab = self.window.current_tab()
        entries = tab.selected_entries() if tab else []
        if tab and len(entries) == 1 and entries[0].kind is EntryKind.PRIVATE_KEY:
            return (tab, entries[0]) if entries[0].chain else None
        return None

    def export_key_pair(self) -> ExportKeyPairDialog | None:
        selected = self._selected_key_pair()
        if selected is None:
            return None
        tab, entry = selected
        folder = str(tab.path.parent) if tab.path is not None else ""
        dialog = ExportKeyPairDialog(self.window, alias=entry.alias, folder=folder)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.accepted.connect(lambda: self._export(tab, entry, dialog.result_value()))
        dialog.open()
        return dialog

    def _export(self, tab: KeystoreTab, entry: Entry, result: ExportKeyPairResult) -> None:
        reading = [tab.path] if tab.path is not None else []

        def work() -> list[OutputFile]:
            files = plan_export(
                entry, result.fmt, result.path, result.password, legacy=result.legacy
            )
            taken = [f.path for f in files if f.path.exists()]
            if taken and not result.overwrite:
                raise KeystoreError(
                    f"{taken[0]} exists: tick “Replace existing files” to replace it"
                )
            write_files(files, overwrite=result.overwrite, reading=reading)
            return files

        def done(files: list[OutputFile]) -> None:
            names = ", ".join(str(f.path) for f in files)
            self.window.statusBar().showMessage(
                f"Exported '{shown(entry.alias)}' to {shown(names)}", 10_000
            )

        def start() -> None:
            operations.run_in_background(
                tab, work, on_success=done, label="Exporting the key pair…"
            )

        tab.unlock_entry(entry, start)

    # --- files dropped on a tab --------------------------------------------------------------
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        tab = self._viewports.get(watched)
        if tab is None or not isinstance(event, QDragEnterEvent | QDragMoveEvent | QDropEvent):
            return False
        paths = _dropped_paths(event)
        if not paths or not tab.store.store_type.has_password:
            return False
        event.setDropAction(Qt.DropAction.CopyAction)
        event.accept()
        if event.type() == QEvent.Type.Drop:
            self.window.tab_widget.setCurrentWidget(tab)
            self._dropped(tab, paths)
        return True

    def _dropped(self, tab: KeystoreTab, paths: list[str]) -> None:
        """Key files and keystores start an import; anything else opens as before."""

        def classify() -> tuple[str | None, list[str]]:
            key = next((p for p in paths if looks_like_key_file(read_bytes(p), p)), None)
            return key, [p for p in paths if p != key]

        def done(found: tuple[str | None, list[str]]) -> None:
            key, others = found
            if key is None:
                self.window.open_paths(paths)
            else:
                self.import_key_pair(key, tuple(others))

        operations.run_in_background(tab, classify, on_success=done, label="Reading files…")


def _dropped_paths(event: QDragEnterEvent | QDragMoveEvent | QDropEvent) -> list[str]:
    urls = event.mimeData().urls()
    paths = [u.toLocalFile() for u in urls if u.isLocalFile()]
    if not paths or len(paths) != len(urls):
        return []
    if not any(Path(p).suffix.lower() in DROPPED_KEY_SUFFIXES for p in paths):
        return []
    return paths

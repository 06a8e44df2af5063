"""Copy public certificates between keystores: the dialog, drag and drop, Copy/Paste, import, export.

Every way in ends in the same preview (:class:`CopyDialog`) and the same undoable command
(:class:`~keystore_gui.gui.undo.CopyCertificates`) in the target tab, or a save of the target file. What travels between
tabs — by drag or through the clipboard — is certificates only: a JSON list of entries with their
chains' DER, and the same certificates as PEM text for other programs. Keys never leave.
"""

from __future__ import annotations

import base64
import importlib
import json
import os
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QMimeData, QObject, QPoint, Qt
from PySide6.QtGui import (
    QDrag,
    QDragEnterEvent,
    QDragMoveEvent,
    QDropEvent,
    QGuiApplication,
    QKeySequence,
    QMouseEvent,
)
from PySide6.QtWidgets import QApplication, QDialog

from ...core.io import save_keystore
from ...core.model import Certificate, Entry, EntryKind, Keystore, StoreType
from ...core.safefile import FileStamp
from ...core.truststore import (
    apply_plan,
    export_selection,
)
from .. import msgbox, operations
from ..copy_dialog import CopyDialog, CopyRequest, CopyTarget, TargetKind
from ..import_dialog import ExportDialog, ImportDialog
from ..shown import shown
from ..undo import CopyCertificates
from . import watch_tree_viewport

if TYPE_CHECKING:
    from ..main_window import MainWindow
    from ..tab import KeystoreTab

MIME_TYPE = "application/x-keystore-gui-certificates"
_WATCHED_EVENTS = frozenset(
    {
        QEvent.Type.MouseButtonPress,
        QEvent.Type.MouseMove,
        QEvent.Type.DragEnter,
        QEvent.Type.DragMove,
        QEvent.Type.Drop,
    }
)


# --- what travels ----------------------------------------------------------------------------


def mime_for(entries: Sequence[Entry], source: str) -> QMimeData:
    """Certificates of ``entries`` (never their keys) as our MIME type, plus PEM text."""
    payload = {
        "source": source,
        "entries": [
            {
                "alias": e.alias,
                "kind": e.kind.value,
                "chain": [base64.b64encode(c.der).decode("ascii") for c in e.chain],
            }
            for e in entries
            if e.chain
        ],
    }
    mime = QMimeData()
    mime.setData(MIME_TYPE, json.dumps(payload).encode("utf-8"))
    mime.setText("".join(e.chain[0].pem for e in entries if e.chain))
    return mime


def entries_from_mime(mime: QMimeData | None) -> tuple[list[Entry], str] | None:
    """The certificate-only entries a :func:`mime_for` payload carries, and their source."""
    if mime is None or not mime.hasFormat(MIME_TYPE):
        return None
    try:
        payload = json.loads(bytes(mime.data(MIME_TYPE).data()).decode("utf-8"))
        entries = [
            Entry(
                alias=str(item["alias"]),
                kind=EntryKind(item["kind"]),
                chain=[Certificate(base64.b64decode(der)) for der in item["chain"]],
            )
            for item in payload["entries"]
        ]
        source = str(payload.get("source", ""))
    except (ValueError, KeyError, TypeError):
        return None
    return (entries, source) if entries else None


def tab_names(tabs: Sequence[KeystoreTab]) -> list[str]:
    """Each tab's name as the tab bar shows it; names that several tabs share (``Untitled``)
    get the tab number."""
    names = [t.label for t in tabs]
    return [n if names.count(n) == 1 else f"{n} (tab {i})" for i, n in enumerate(names, 1)]


# --- the feature -----------------------------------------------------------------------------


AfterCopy = Callable[[str, Keystore], None]
"""Told the target's name and store once a copy is done."""


class CopyFeature(QObject):
    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self._drag_start: QPoint | None = None
        self._drag_tab: KeystoreTab | None = None
        self._viewports: dict[QObject, KeystoreTab] = {}
        """Each tab's tree viewport (kept referenced, so identity holds) → the tab."""
        self._backed_up: set[Path] = set()
        """Truststore files this session already copied into: only the first write keeps a .bak."""
        self._tab_bar = window.tab_widget.tabBar()
        add = window.add_action
        edit = window.menu("edit")
        edit.addSeparator()
        self.copy_action = add(
            "edit",
            "copy_certificates",
            "&Copy",
            self.copy_to_clipboard,
            QKeySequence.StandardKey.Copy,
            tip="Copy the selected entries' certificates (never their keys)",
        )
        self.paste_action = add(
            "edit",
            "paste_certificates",
            "&Paste",
            self.paste,
            QKeySequence.StandardKey.Paste,
            tip="Paste copied certificates into this keystore, with a preview",
        )
        window.menu("entry").addSeparator()
        self.to_truststore = add(
            "entry",
            "copy_to_truststore",
            "Copy certificates to t&ruststore…",
            self.copy_selection,
            "Ctrl+Shift+T",
            tip="Copy the public certificates of the selection into a truststore",
        )
        self.export_action = add(
            "entry",
            "export_certificates",
            "&Export certificates…",
            self.export_selection,
            "Ctrl+E",
            tip="Write the selected entries' certificates as PEM, DER or PKCS#7",
        )
        self.import_action = add(
            "tools",
            "import_certificates",
            "&Import certificates…",
            self.import_certificates,
            "Ctrl+I",
            tip="Add certificates from PEM, DER or PKCS#7 files or the clipboard",
        )
        for action in (self.copy_action, self.paste_action):
            action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        window.state_changed.connect(self.update)
        self._tab_bar.setAcceptDrops(True)
        self._tab_bar.installEventFilter(self)
        self.update()

    # --- state -------------------------------------------------------------------------------
    def update(self) -> None:
        tab = self.window.current_tab()
        entries = [e for e in tab.selected_entries() if e.chain] if tab else []
        self.copy_action.setEnabled(bool(entries))
        self.to_truststore.setEnabled(bool(entries))
        self.export_action.setEnabled(bool(entries))
        self.paste_action.setEnabled(tab is not None)
        self.import_action.setEnabled(tab is not None)
        for each in self.window.tabs():
            watch_tree_viewport(each, self, self._viewports)

    def pool(self) -> list[Certificate]:
        """Every certificate of every open keystore: where a CA is looked for."""
        return [cert for tab in self.window.tabs() for _, cert in tab.store.certificates()]

    # --- actions -----------------------------------------------------------------------------
    def copy_selection(self) -> None:
        tab = self.window.current_tab()
        if tab is None:
            return
        entries = [e for e in tab.selected_entries() if e.chain]
        tabs = self.window.tabs()
        names = dict(zip(tabs, tab_names(tabs), strict=True))
        others: list[Entry] = []
        sources: list[str] = []
        for other in tabs:
            chosen = [e for e in other.selected_entries() if e.chain] if other is not tab else []
            others += chosen
            if chosen:
                sources.append(names[other])
        if entries:
            self.open_copy_dialog(
                entries,
                source=tab,
                target=None,
                more_entries=others,
                more_source=", ".join(sources),
            )

    def copy_to_clipboard(self) -> None:
        tab = self.window.current_tab()
        entries = [e for e in tab.selected_entries() if e.chain] if tab else []
        if tab is None or not entries:
            return
        QGuiApplication.clipboard().setMimeData(mime_for(entries, tab.display_name))
        self.window.statusBar().showMessage(
            f"Copied {len(entries)} certificate(s) — public certificates only, no keys", 5000
        )

    def paste(self) -> None:
        tab = self.window.current_tab()
        if tab is None:
            return
        mime = QGuiApplication.clipboard().mimeData()
        carried = entries_from_mime(mime)
        if carried is not None:
            self.open_copy_dialog(carried[0], source=None, target=tab)
        elif mime is not None and mime.hasText():
            self.import_certificates(clipboard=True)

    def drop(self, target: KeystoreTab, mime: QMimeData) -> bool:
        """Entries dropped on ``target``: the same preview as the copy dialog."""
        carried = entries_from_mime(mime)
        if carried is None:
            return False
        self.open_copy_dialog(carried[0], source=None, target=target)
        return True

    def open_copy_dialog(
        self,
        entries: Sequence[Entry],
        *,
        source: KeystoreTab | None,
        target: KeystoreTab | None,
        more_entries: Sequence[Entry] = (),
        more_source: str = "",
        after: AfterCopy | None = None,
    ) -> CopyDialog:
        """``after(title, store)`` runs once the copy is done (the store written, for a file),
        instead of offering the trust chain view."""
        tabs = self.window.tabs()
        initial = tabs.index(target) if target is not None else None
        dialog = CopyDialog(
            self.window,
            entries=entries,
            more_entries=more_entries,
            more_source=more_source,
            pool=self.pool(),
            targets=[
                CopyTarget(name, t.store) for name, t in zip(tab_names(tabs), tabs, strict=True)
            ],
            initial_target=initial,
            source_target=tabs.index(source) if source in tabs else None,
            settings=self.window.settings,
        )
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)

        def finished(code: int) -> None:
            request = dialog.result_request()
            if code == QDialog.DialogCode.Accepted and request is not None:
                self.apply(request, tabs, entries, after)

        dialog.finished.connect(finished)
        dialog.open()
        return dialog

    def apply(
        self,
        request: CopyRequest,
        tabs: Sequence[KeystoreTab],
        entries: Sequence[Entry],
        after: AfterCopy | None = None,
    ) -> None:
        plan = request.plan
        count = len(plan.writes)
        text = f"Copy {count} certificate(s)"
        if request.kind is TargetKind.TAB:
            assert request.tab_index is not None
            target = tabs[request.tab_index]
            if target not in self.window.tabs():
                msgbox.error(self.window, "Copy certificates", "the target keystore was closed")
                return
            command = CopyCertificates(target.model, plan, text)
            target.undo_stack.push(command)
            self.window.tab_widget.setCurrentWidget(target)
            if command.entries:
                target.select_entry(command.entries[0])
            self.window.statusBar().showMessage(
                shown(f"{text} into {target.label}; Undo reverts the whole copy"), 8000
            )
            if after is not None:
                after(target.label, target.store)
            else:
                self._after_copy(target.label, target.store, entries, None)
            return
        assert request.path is not None
        path = Path(request.path)
        if self.window.tab_for_path(path) is not None:
            msgbox.error(
                self.window,
                "Copy certificates",
                f"{shown(path.name)} is open in a tab: choose it under “Open keystore” instead",
            )
            return
        store = request.store
        # The first time this session writes over a truststore, its old content is kept.
        backup = request.kind is TargetKind.FILE and path not in self._backed_up
        self._backed_up.add(path)

        def work() -> None:
            apply_plan(plan, store)
            # refused if another program changed (or, for a new one, made) the file meanwhile
            save_keystore(store, path, backup=backup, expect=FileStamp(store.read_digest))

        def done(_: object) -> None:
            verb = "Created" if request.kind is TargetKind.NEW else "Updated"
            self.window.statusBar().showMessage(shown(f"{verb} {path}"), 8000)
            if after is not None:
                after(path.name, store)
                return
            self._after_copy(
                path.name,
                store,
                entries,
                path,
                f"{verb} {path.name}: {count} certificate(s) added.",
            )

        operations.run_in_background(
            self.window, work, on_success=done, label=f"Saving {path.name}…"
        )

    def _after_copy(
        self,
        title: str,
        target: Keystore,
        entries: Sequence[Entry],
        path: Path | None,
        done_text: str = "",
    ) -> None:
        """Offer the trust chain view (when this build has one) to confirm that ``target`` now
        trusts the first source entry; without it, offer to open a file target."""
        try:
            chain_view = importlib.import_module("keystore_gui.gui.chain_view")
        except ImportError:
            chain_view = None
        entry = entries[0] if entries else None
        lead = f"{done_text} " if done_text else ""
        if chain_view is not None and entry is not None:
            if msgbox.question(
                self.window,
                "Certificates copied",
                f"{lead}Check in the trust chain view that {shown(title)} now trusts "
                f"'{shown(entry.alias)}'?",
                yes_text="Show Trust Chain",
            ):
                source = Keystore(StoreType.JKS, list(entries))
                dialog = chain_view.TrustChainDialog(
                    entry=entry, store=source, open_stores=[(title, target)], parent=self.window
                )
                dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
                dialog.show()
        elif path is not None and msgbox.question(
            self.window, "Certificates copied", f"{lead}Open it?", yes_text="Open"
        ):
            self.window.open_paths([path])

    def import_certificates(self, clipboard: bool = False) -> ImportDialog | None:
        tab = self.window.current_tab()
        if tab is None:
            return None
        dialog = ImportDialog(self.window, target=tab.store, target_name=tab.display_name)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        if clipboard:
            dialog.paste_clipboard()

        def finished(code: int) -> None:
            request = dialog.result_request()
            if code == QDialog.DialogCode.Accepted and request is not None:
                count = len(request.plan.writes)
                command = CopyCertificates(
                    tab.model, request.plan, f"Import {count} certificate(s)"
                )
                tab.undo_stack.push(command)
                if command.entries:
                    tab.select_entry(command.entries[0])

        dialog.finished.connect(finished)
        dialog.open()
        return dialog

    def export_selection(self) -> ExportDialog | None:
        tab = self.window.current_tab()
        entries = [e for e in tab.selected_entries() if e.chain] if tab else []
        if not entries:
            return None
        reading = [tab.path] if tab is not None and tab.path is not None else []
        dialog = ExportDialog(self.window, entries=entries)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)

        def finished(code: int) -> None:
            request = dialog.result_request()
            if code != QDialog.DialogCode.Accepted or request is None:
                return

            def done(files: object) -> None:
                assert isinstance(files, list)
                where = files[0] if len(files) == 1 else os.path.dirname(files[0])
                self.window.statusBar().showMessage(
                    shown(f"Wrote {len(files)} file(s) to {where}"), 8000
                )

            operations.run_in_background(
                self.window,
                lambda: export_selection(
                    entries,
                    request.fmt,
                    request.path,
                    request.chain,
                    overwrite=True,
                    reading=reading,
                ),
                on_success=done,
                label="Exporting certificates…",
            )

        dialog.finished.connect(finished)
        dialog.open()
        return dialog

    # --- drag and drop -----------------------------------------------------------------------
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        kind = event.type()
        if kind not in _WATCHED_EVENTS:
            return False
        if watched is self._tab_bar:
            return self._tab_bar_event(event)
        tab = self._viewports.get(watched)
        if tab is None:
            return False
        if kind == QEvent.Type.MouseButtonPress and isinstance(event, QMouseEvent):
            pos = event.position().toPoint()
            on_row = tab.tree.indexAt(pos).isValid()
            if event.button() == Qt.MouseButton.LeftButton and on_row:
                self._drag_start, self._drag_tab = pos, tab
            else:
                self._drag_start = None
        elif kind == QEvent.Type.MouseMove and isinstance(event, QMouseEvent):
            if self._should_start_drag(tab, event):
                self._start_drag(tab)
                return True
        elif isinstance(event, (QDragEnterEvent, QDragMoveEvent, QDropEvent)):
            # dropping on the tree the drag started from would copy a store into itself
            if not event.mimeData().hasFormat(MIME_TYPE) or event.source() is watched:
                return False
            event.setDropAction(Qt.DropAction.CopyAction)
            event.accept()
            if kind == QEvent.Type.Drop:
                self.drop(tab, event.mimeData())
            return True
        return False

    def _tab_bar_event(self, event: QEvent) -> bool:
        if not isinstance(event, (QDragEnterEvent, QDragMoveEvent, QDropEvent)):
            return False
        if not event.mimeData().hasFormat(MIME_TYPE):
            return False
        index = self._tab_bar.tabAt(event.position().toPoint())
        if index < 0:
            event.ignore()
            return True
        event.setDropAction(Qt.DropAction.CopyAction)
        event.accept()
        if event.type() == QEvent.Type.Drop:
            self.drop(self.window.tab_at(index), event.mimeData())
        return True

    def _should_start_drag(self, tab: KeystoreTab, event: QMouseEvent) -> bool:
        if self._drag_start is None or self._drag_tab is not tab:
            return False
        if not event.buttons() & Qt.MouseButton.LeftButton:
            return False
        distance = (event.position().toPoint() - self._drag_start).manhattanLength()
        return distance >= QApplication.startDragDistance() and bool(tab.selected_entries())

    def _start_drag(self, tab: KeystoreTab) -> None:
        self._drag_start = None
        entries = [e for e in tab.selected_entries() if e.chain]
        if not entries:
            return
        drag = QDrag(tab.tree.viewport())
        drag.setMimeData(mime_for(entries, tab.display_name))
        drag.exec(Qt.DropAction.CopyAction)


def install(window: MainWindow) -> None:
    CopyFeature(window)  # kept alive by its parent, the window

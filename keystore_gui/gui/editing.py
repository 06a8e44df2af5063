"""Entry and store edits: rename, delete, entry and store passwords. Each is undoable."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt

from ..core.model import Entry, EntryKind
from ..core.rules import key_password_must_be_ascii, store_password_must_be_ascii
from . import msgbox
from .password_dialog import NewPasswordDialog
from .rename_dialog import RenameDialog
from .shown import shown
from .undo import RemoveEntries, RenameEntry, SetEntryPassword, SetStorePassword

if TYPE_CHECKING:
    from .main_window import MainWindow
    from .tab import KeystoreTab


def install(window: MainWindow) -> None:
    add = window.add_action
    rename = add("entry", "rename", "&Rename…", lambda: rename_selected(window), "F2")
    delete = add("entry", "delete", "&Delete…", lambda: delete_selected(window), "Del")
    entry_pw = add(
        "entry",
        "set_entry_password",
        "Set entry &password…",
        lambda: set_entry_password(window),
        "Ctrl+Shift+P",
    )
    window.menu("entry").addSeparator()
    copy_pem = add(
        "entry",
        "copy_pem",
        "&Copy certificate as PEM",
        lambda: copy_current_pem(window),
        "Ctrl+Shift+C",
    )
    store_pw = add(
        "tools",
        "set_store_password",
        "Set &store password…",
        lambda: set_store_password(window),
        "Ctrl+Alt+P",
    )
    for action in (rename, delete, entry_pw, copy_pem):
        action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)

    def update() -> None:
        tab = window.current_tab()
        entries = tab.selected_entries() if tab else []
        one = len(entries) == 1
        rename.setEnabled(one)
        delete.setEnabled(bool(entries))
        entry_pw.setEnabled(one and _can_have_own_password(tab, entries[0]))  # type: ignore[arg-type]
        has_cert = tab is not None and tab.current_certificate() is not None and bool(entries)
        copy_pem.setEnabled(has_cert)
        store_pw.setEnabled(tab is not None and tab.store.store_type.has_password)

    window.state_changed.connect(update)
    update()


def _can_have_own_password(tab: KeystoreTab, entry: Entry) -> bool:
    return tab.store.store_type.has_entry_passwords and entry.kind in (
        EntryKind.PRIVATE_KEY,
        EntryKind.SECRET_KEY,
    )


def rename_selected(window: MainWindow) -> None:
    tab = window.current_tab()
    entries = tab.selected_entries() if tab else []
    if tab is None or len(entries) != 1:
        return
    entry = entries[0]
    dialog = RenameDialog(tab, store=tab.store, entry=entry)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)

    def accepted() -> None:
        assert dialog.result_value is not None
        tab.undo_stack.push(RenameEntry(tab.model, entry, dialog.result_value.alias))
        tab.select_entry(entry)

    dialog.accepted.connect(accepted)
    dialog.open()


def delete_selected(window: MainWindow) -> None:
    tab = window.current_tab()
    entries = tab.selected_entries() if tab else []
    if tab is None or not entries:
        return
    if len(entries) == 1:
        text = f"Delete entry '{shown(entries[0].alias)}' from {tab.display_name}?"
        label = f"Delete '{shown(entries[0].alias)}'"
    else:
        listed = ", ".join(shown(e.alias) for e in entries[:10])
        more = f" and {len(entries) - 10} more" if len(entries) > 10 else ""
        text = f"Delete {len(entries)} entries from {tab.display_name}: {listed}{more}?"
        label = f"Delete {len(entries)} entries"
    if not msgbox.question(window, "Delete entries", text, yes_text="Delete"):
        return
    tab.undo_stack.push(RemoveEntries(tab.model, entries, label))


def set_entry_password(window: MainWindow) -> None:
    tab = window.current_tab()
    entries = tab.selected_entries() if tab else []
    if tab is None or len(entries) != 1 or not _can_have_own_password(tab, entries[0]):
        return
    entry = entries[0]

    def ask() -> None:
        dialog = NewPasswordDialog(
            tab,
            title="Entry password",
            prompt=f"New key password for entry '{shown(entry.alias)}'. Leave both fields empty to "
            "use the store password.",
            allow_empty=True,
            ascii_only=key_password_must_be_ascii(tab.store.store_type),
        )
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)

        def accepted() -> None:
            assert dialog.result_value is not None
            new = dialog.result_value.password
            own = None if not new or new == tab.store.password else new
            tab.undo_stack.push(SetEntryPassword(tab.model, entry, own))

        dialog.accepted.connect(accepted)
        dialog.open()

    tab.unlock_entry(entry, ask)


def set_store_password(window: MainWindow) -> None:
    tab = window.current_tab()
    if tab is None or not tab.store.store_type.has_password:
        return
    dialog = NewPasswordDialog(
        tab,
        title="Store password",
        prompt=f"New store password for {tab.display_name}.",
        ascii_only=store_password_must_be_ascii(tab.store.store_type),
    )
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)

    def accepted() -> None:
        assert dialog.result_value is not None
        tab.undo_stack.push(SetStorePassword(tab.store, dialog.result_value.password))
        tab.set_notice(None)

    dialog.accepted.connect(accepted)
    dialog.open()


def copy_current_pem(window: MainWindow) -> None:
    tab = window.current_tab()
    cert = tab.current_certificate() if tab else None
    if cert is not None:
        from PySide6.QtGui import QGuiApplication

        QGuiApplication.clipboard().setText(cert.pem)

"""Saving a tab: Save and Save As… (choosing the file, format and password), the write itself off
the GUI thread, and explaining refusals. The tab holds the state; this module owns the saving."""

from __future__ import annotations

import copy
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QFileDialog, QWidget

from ..core.errors import CannotHoldError, KeyLockedError
from ..core.formats import type_from_extension, writable_types
from ..core.io import save_keystore
from ..core.model import Keystore, StoreType
from ..core.rules import store_password_must_be_ascii
from ..core.safefile import UNCHECKED, FileChangedError, FileStamp
from . import msgbox, operations
from .password_dialog import NewPasswordDialog
from .settings import Settings
from .shown import shown
from .undo import RemoveEntries, TrustLooseCertificates

if TYPE_CHECKING:
    from .tab import KeystoreTab

SAVE_FILTERS: dict[StoreType, str] = {
    StoreType.JKS: "Java keystore, JKS (*.jks)",
    StoreType.JCEKS: "Java keystore, JCEKS (*.jceks)",
    StoreType.PKCS12: "PKCS#12 (*.p12 *.pfx)",
}
SUFFIXES = {StoreType.JKS: ".jks", StoreType.JCEKS: ".jceks", StoreType.PKCS12: ".p12"}
# Extensions that name one format only; ".keystore" and ".truststore" are used for any of them.
DECISIVE_SUFFIXES = frozenset({".jks", ".ks", ".jceks", ".p12", ".pfx"})

Done = Callable[[bool], None]


def _read_only(tab: KeystoreTab, on_done: Done | None) -> bool:
    """A store opened without its password is never saved: say so."""
    if not tab.store.unverified:
        return False
    msgbox.error(
        tab,
        "Cannot save",
        f"{tab.display_name} was opened without its password: its integrity was not checked, "
        "so it is read-only. Reopen it with its password to save it.",
    )
    if on_done is not None:
        on_done(False)
    return True


def save(tab: KeystoreTab, on_done: Done | None = None) -> None:
    """Save to the tab's file in its format, or ask where (Save As) when it has none."""
    if _read_only(tab, on_done):
        return
    store = tab.store
    if tab.path is None or store.store_type not in _savable():
        save_as(tab, on_done)
        return
    path = tab.path
    _with_password(
        tab,
        store.store_type,
        lambda pw: write(tab, path, store.store_type, pw, on_done=on_done),
        on_done,
    )


def save_as(tab: KeystoreTab, on_done: Done | None = None) -> None:
    if _read_only(tab, on_done):
        return
    types = [t for t in SAVE_FILTERS if t in _savable()]
    filters = [SAVE_FILTERS[t] for t in types]
    current = tab.store.store_type if tab.store.store_type in types else StoreType.PKCS12
    start = str(tab.path) if tab.path is not None else str(Path.home() / "keystore")
    if tab.path is not None and tab.store.store_type not in types:
        start = str(tab.path.with_suffix(SUFFIXES[current]))
    name, chosen = QFileDialog.getSaveFileName(
        tab, "Save keystore as", start, ";;".join(filters), SAVE_FILTERS.get(current, "")
    )
    if not name:
        if on_done is not None:
            on_done(False)
        return
    path = Path(name)
    store_type = _format_for(path, chosen, types, current)
    if not path.suffix:
        path = path.with_suffix(SUFFIXES[store_type])
    if not _settle_loose(tab, store_type):
        if on_done is not None:
            on_done(False)
        return
    _with_password(
        tab, store_type, lambda pw: write(tab, path, store_type, pw, on_done=on_done), on_done
    )


def _settle_loose(tab: KeystoreTab, store_type: StoreType) -> bool:
    """JKS and JCEKS have no place for certificates a PKCS#12 file holds without trusting them:
    ask whether to trust them or leave them out (either is one undoable step). ``False``: cancel."""
    loose = tab.store.loose_entries()
    if not loose or store_type not in (StoreType.JKS, StoreType.JCEKS):
        return True
    names = ", ".join(f"'{shown(e.alias)}'" for e in loose[:10])
    more = f" and {len(loose) - 10} more" if len(loose) > 10 else ""
    choice = msgbox.choose(
        tab,
        "Certificates not trusted by Java",
        f"{tab.display_name} holds {len(loose)} certificate(s) that Java does not trust "
        f"({names}{more}). In a {store_type} file every certificate is a trusted entry: "
        "trust them, or leave them out of the file?",
        ["Trust them", "Leave them out"],
    )
    if choice is None:
        return False
    if choice == 0:
        tab.undo_stack.push(TrustLooseCertificates(tab.model, loose))
    else:
        tab.undo_stack.push(
            RemoveEntries(tab.model, loose, f"Leave out {len(loose)} certificate(s)")
        )
    return True


def _format_for(path: Path, chosen: str, types: list[StoreType], current: StoreType) -> StoreType:
    """The typed extension decides when it names one format, whatever filter is selected:
    a file called server.p12 must hold PKCS#12, not the JKS of a filter left as it was."""
    typed = type_from_extension(path)
    if path.suffix.lower() in DECISIVE_SUFFIXES and typed in types:
        return typed
    return next((t for t in types if SAVE_FILTERS[t] == chosen), current)


def _savable() -> list[StoreType]:
    return [t for t in writable_types() if t in SAVE_FILTERS]


def _with_password(
    tab: KeystoreTab, store_type: StoreType, then: Callable[[str], None], on_done: Done | None
) -> None:
    if tab.store.password is not None:
        then(tab.store.password)
        return
    dialog = NewPasswordDialog(
        tab,
        title="Store password",
        prompt=f"Choose a password for {tab.display_name}.",
        ascii_only=store_password_must_be_ascii(store_type),
    )

    def accepted() -> None:
        assert dialog.result_value is not None
        then(dialog.result_value.password)

    def rejected() -> None:
        if on_done is not None:
            on_done(False)

    dialog.accepted.connect(accepted)
    dialog.rejected.connect(rejected)
    dialog.open()


def write(
    tab: KeystoreTab,
    path: Path,
    store_type: StoreType,
    password: str | None,
    *,
    on_done: Done | None = None,
    replace_changed: bool = False,
) -> None:
    """Write the tab's store to ``path`` off the GUI thread (a snapshot of the entries, so edits
    can't race the writer); a key sealed under its own password is unlocked first, then retried.

    Writing back to the tab's own file first checks that no other program changed it since it
    was read; if one did, the user is asked (``replace_changed`` is their yes)."""
    if tab.saving:
        return
    store = tab.store
    snapshot = Keystore(store.store_type, [copy.copy(e) for e in store.entries], store.password)
    tab.saving = True
    backup = path not in tab.backed_up and Settings(tab.settings).backup_on_save
    expect = UNCHECKED
    if path == tab.path and store.read_digest is not None and not replace_changed:
        expect = FileStamp(store.read_digest)

    def work() -> Keystore:
        save_keystore(snapshot, path, store_type, password, backup=backup, expect=expect)
        return snapshot

    def succeeded(result: Keystore) -> None:
        tab.saving = False
        tab.backed_up.add(path)
        store.store_type = result.store_type
        store.password = result.password
        store.read_digest = result.read_digest
        tab.path = path
        tab.undo_stack.setClean()
        tab.title_changed.emit()
        tab.saved.emit()
        if on_done is not None:
            on_done(True)

    def failed(exc: BaseException) -> None:
        tab.saving = False
        locked = store.find(exc.alias) if isinstance(exc, KeyLockedError) else None
        if locked is not None:
            # The new format needs a key sealed under its own password: ask, then retry.
            tab.unlock_entry(
                locked, lambda: write(tab, path, store_type, password, on_done=on_done)
            )
            return
        if not isinstance(exc, FileChangedError):
            report_failure(tab, exc)
        elif _replace_changed_file(tab, path):
            write(tab, path, store_type, password, on_done=on_done, replace_changed=True)
            return
        if on_done is not None:
            on_done(False)

    operations.run_in_background(
        tab, work, on_success=succeeded, on_failure=failed, label=f"Saving {path.name}…"
    )


def _replace_changed_file(parent: QWidget, path: Path) -> bool:
    return msgbox.question(
        parent,
        "File changed on disk",
        f"{shown(path.name)} was changed by another program since it was opened here.\n\n"
        "Saving replaces it with the version shown here, and what the other program wrote is "
        "lost. Cancel keeps the file as it is on disk; your changes stay here, unsaved.",
        yes_text="Replace the File on Disk",
    )


def report_failure(parent: QWidget, exc: BaseException) -> None:
    if isinstance(exc, CannotHoldError):
        listed = "\n".join(f"• {shown(alias)}: {why}" for alias, why in exc.problems)
        msgbox.error(
            parent,
            "Cannot save",
            f"A {exc.store_type} file cannot hold these entries; nothing was written.",
            listed,
        )
    else:
        msgbox.error(parent, "Cannot save", operations.describe(exc))

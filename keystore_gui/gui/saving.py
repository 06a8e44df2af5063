"""Save and Save As…: choosing the file and format, the password, and explaining refusals."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QFileDialog, QWidget

from ..core.errors import CannotHoldError
from ..core.formats import type_from_extension, writable_types
from ..core.model import StoreType
from ..core.rules import store_password_must_be_ascii
from . import msgbox, operations
from .password_dialog import NewPasswordDialog
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


def save(tab: KeystoreTab, on_done: Done | None = None) -> None:
    """Save to the tab's file in its format, or ask where (Save As) when it has none."""
    store = tab.store
    if tab.path is None or store.store_type not in _savable():
        save_as(tab, on_done)
        return
    _with_password(
        tab,
        store.store_type,
        lambda pw: tab.save(tab.path, store.store_type, pw, on_done=on_done),
        on_done,
    )  # type: ignore[arg-type]


def save_as(tab: KeystoreTab, on_done: Done | None = None) -> None:
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
        tab, store_type, lambda pw: tab.save(path, store_type, pw, on_done=on_done), on_done
    )


def _settle_loose(tab: KeystoreTab, store_type: StoreType) -> bool:
    """JKS and JCEKS have no place for certificates a PKCS#12 file holds without trusting them:
    ask whether to trust them or leave them out (either is one undoable step). ``False``: cancel."""
    loose = tab.store.loose_entries()
    if not loose or store_type not in (StoreType.JKS, StoreType.JCEKS):
        return True
    names = ", ".join(f"'{e.alias}'" for e in loose[:10])
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


def report_save_failure(parent: QWidget, exc: BaseException) -> None:
    if isinstance(exc, CannotHoldError):
        listed = "\n".join(f"• {alias}: {why}" for alias, why in exc.problems)
        msgbox.error(
            parent,
            "Cannot save",
            f"A {exc.store_type} file cannot hold these entries; nothing was written.",
            listed,
        )
    else:
        msgbox.error(parent, "Cannot save", operations.describe(exc))

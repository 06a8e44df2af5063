"""Import key pair: a private key file with its certificates, or a key pair of another keystore.

The dialog reads files and decrypts keys off the GUI thread, then shows the chain the import
would make, leaf first, with the key-match check, before anything is written. It returns the
planned key pairs; the caller adds them to the store as one undoable step.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PySide6.QtCore import QSettings, Qt, QTimer
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ..core import certbuild as cb
from ..core import keypair_import as ki
from ..core.errors import KeyLockedError, KeystoreError, WrongPasswordError
from ..core.formats import detect
from ..core.io import load_keystore, read_bytes
from ..core.keyfiles import KeyFile, SigningKey, read_key_file
from ..core.model import Certificate, Entry, EntryKind, Keystore, StoreType
from . import operations
from .shown import plain_label, shown, shown_tip
from .theme import error_style

SOURCE_FILTERS = (
    "Keys and keystores (*.key *.pem *.der *.p8 *.pk8 *.p12 *.pfx *.jks *.jceks *.ks);;"
    "All files (*)"
)
CERT_FILTERS = "Certificates (*.pem *.crt *.cer *.der *.p7b *.p7c);;All files (*)"
_KEYSTORES = (StoreType.PKCS12, StoreType.JKS, StoreType.JCEKS)


@dataclass
class ImportKeyPairResult:
    plans: list[ki.KeyPair]


@dataclass
class _Source:
    """What the chosen file turned out to be: a key file, or a keystore still to be opened."""

    key_file: KeyFile | None = None
    store_data: bytes | None = None
    store_type: StoreType | None = None


def _read_source(path: str) -> _Source:
    data = read_bytes(path)
    name = Path(path).name
    if b"-----BEGIN " not in data:
        try:
            kind = detect(data, path)
        except KeystoreError:
            kind = None
        if kind in _KEYSTORES:
            return _Source(store_data=data, store_type=kind)
    return _Source(key_file=read_key_file(data, name))


def _open_source_store(data: bytes, kind: StoreType, password: str) -> Keystore:
    """The store, each key pair unlocked with the store password where that opens it; a key
    with a password of its own stays locked until :func:`_unlock_keys` is given it."""
    store = load_keystore(data, password, kind)
    for entry in _locked_pairs(store, None):
        try:
            store.unlock(entry)
        except KeyLockedError:
            continue
    return store


def _locked_pairs(store: Keystore, alias: str | None) -> list[Entry]:
    """The key pairs still locked among those chosen (``None``: all of them); of two under one
    alias, the one Java uses (the import takes that one)."""
    return [
        e
        for e in store.entries
        if e.kind is EntryKind.PRIVATE_KEY
        and e.is_locked
        and not e.shadowed
        and alias in (None, e.alias)
    ]


def _own_password_message(locked: list[Entry]) -> str:
    if len(locked) == 1:
        return f"the key of '{locked[0].alias}' has a password of its own: type it as Key password"
    names = ", ".join(f"'{e.alias}'" for e in locked)
    return f"the keys of {names} have passwords of their own: type each as Key password"


def _unlock_keys(store: Keystore, entries: list[Entry], password: str) -> int:
    """Unlock what ``password`` opens of ``entries``; how many it opened."""
    opened = 0
    for entry in entries:
        try:
            store.unlock(entry, password)
        except WrongPasswordError:
            continue
        opened += 1
    return opened


class ImportKeyPairDialog(QDialog):
    def __init__(
        self,
        parent: QWidget | None = None,
        *,
        store: Keystore,
        store_name: str,
        source: str | None = None,
        certificate_files: Sequence[str] = (),
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"Import Key Pair into {store_name}")
        self._store = store
        self._source: _Source | None = None
        self._source_path = ""
        self._key: SigningKey | None = None
        self._from_store: Keystore | None = None
        self._cert_files: list[tuple[str, list[Certificate]]] = []
        self._plans: list[ki.KeyPair] = []
        self._result: ImportKeyPairResult | None = None
        self._serial = 0
        self._alias_edited = False

        layout = QVBoxLayout(self)
        form = QFormLayout()
        layout.addLayout(form)
        self.source_edit = QLineEdit()
        self.source_edit.setPlaceholderText("privkey.pem, server.key, a .p12 or .jks…")
        self.source_edit.editingFinished.connect(lambda: self.set_source(self.source_edit.text()))
        browse = QPushButton("Browse…")
        browse.clicked.connect(self._browse_source)
        form.addRow("Key or keystore:", _row(self.source_edit, browse))
        self.password_edit = QLineEdit()
        self.password_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.password_edit.setEnabled(False)
        self._password_timer = QTimer(self, singleShot=True, interval=300)
        self._password_timer.timeout.connect(self._password_entered)
        self.password_edit.textEdited.connect(lambda _t: self._password_timer.start())
        self.password_label = QLabel("Password:")
        form.addRow(self.password_label, self.password_edit)
        self.key_password_edit = QLineEdit()
        """For a keystore's key with a password of its own (keytool -keypass)."""
        self.key_password_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self._key_password_timer = QTimer(self, singleShot=True, interval=300)
        self._key_password_timer.timeout.connect(self._key_password_entered)
        self.key_password_edit.textEdited.connect(lambda _t: self._key_password_timer.start())
        self.key_password_label = QLabel("Key password:")
        form.addRow(self.key_password_label, self.key_password_edit)

        self.cert_list = QListWidget()
        self.cert_list.setMaximumHeight(80)
        add_cert = QPushButton("Add…")
        add_cert.clicked.connect(self._browse_certificates)
        self.remove_cert = QPushButton("Remove")
        self.remove_cert.clicked.connect(self._remove_certificate)
        buttons = QVBoxLayout()
        buttons.addWidget(add_cert)
        buttons.addWidget(self.remove_cert)
        buttons.addStretch()
        certs = self._certs_widget = QWidget()
        certs_row = QHBoxLayout(certs)
        certs_row.setContentsMargins(0, 0, 0, 0)
        certs_row.addWidget(self.cert_list, 1)
        certs_row.addLayout(buttons)
        self.certs_label = QLabel("Certificates:")
        form.addRow(self.certs_label, certs)
        self.entry_combo = QComboBox()
        self.entry_combo.currentIndexChanged.connect(self._entry_chosen)
        self.entry_label = QLabel("Key pair:")
        form.addRow(self.entry_label, self.entry_combo)

        self.alias_edit = QLineEdit()
        self.alias_edit.textEdited.connect(self._alias_typed)
        form.addRow("Alias:", self.alias_edit)
        self.replace_check = QCheckBox("Replace the key pair under this alias")
        self.replace_check.toggled.connect(lambda _on: self._refresh())
        form.addRow("", self.replace_check)

        layout.addWidget(QLabel("The entry it makes, leaf first:"))
        self.preview = QTreeWidget()
        self.preview.setHeaderLabels(["Certificate", "Issued by", "Expires", "Check"])
        self.preview.setRootIsDecorated(False)
        layout.addWidget(self.preview, 1)
        self.status = plain_label()
        self.status.setWordWrap(True)
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.status)
        box = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.ok_button = box.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText("Import")
        box.accepted.connect(self.accept)
        box.rejected.connect(self.reject)
        layout.addWidget(box)
        self.resize(720, 480)
        self._restore_geometry()
        self._show_mode(None)
        self._refresh()
        for path in certificate_files:
            self.add_certificate_file(path)
        if source:
            self.set_source(source)

    # --- background reading ------------------------------------------------------------------
    def _run(
        self, label: str, fn: Callable[[], Any], done: Callable[[Any], None], *, latest: bool = True
    ) -> None:
        """Run ``fn`` off the GUI thread. With ``latest``, only the newest such request's
        answer is used (a password typed again supersedes the one being tried)."""
        if latest:
            self._serial += 1
        serial = self._serial

        def current() -> bool:
            return not latest or serial == self._serial

        def success(result: Any) -> None:
            if current():
                done(result)

        def failure(exc: BaseException) -> None:
            if current():
                self._fail(operations.describe(exc))

        self.status.setText(shown(label))
        operations.run_in_background(self, fn, on_success=success, on_failure=failure, label=label)

    def _fail(self, message: str) -> None:
        self._plans = []
        self.preview.clear()
        self._set_status(message, error=True)
        self.ok_button.setEnabled(False)

    def set_source(self, path: str) -> None:
        path = path.strip()
        if self.source_edit.text() != path:
            self.source_edit.setText(path)
        if path == self._source_path:
            return  # focus leaving the field, not a new file
        self._source_path = path
        self._source, self._key, self._from_store = None, None, None
        self.password_edit.clear()
        self._show_mode(None)
        if not path:
            self._refresh()
            return
        self._run("Reading the file…", lambda: _read_source(path), self._source_read)

    def _source_read(self, source: _Source) -> None:
        self._source = source
        if source.key_file is not None:
            self._show_mode("key")
            key_file = source.key_file
            self.password_edit.setEnabled(key_file.encrypted)
            if key_file.encrypted:
                self.password_edit.setFocus()
                self._set_status("The key is encrypted: type its password.")
            else:
                self._run("Reading the key…", key_file.key, self._key_read)
        else:
            self._show_mode("store")
            self.password_edit.setEnabled(True)
            self.password_edit.setFocus()
            self._set_status(f"A {source.store_type} keystore: type its password.")

    def _password_entered(self) -> None:
        source, password = self._source, self.password_edit.text()
        if source is None:
            return
        if source.key_file is not None:
            self._run("Decrypting the key…", lambda: source.key_file.key(password), self._key_read)  # type: ignore[union-attr]
        elif source.store_data is not None and source.store_type is not None:
            data, kind = source.store_data, source.store_type
            self._run(
                "Opening the keystore…",
                lambda: _open_source_store(data, kind, password),
                self._store_opened,
            )

    def _key_password_entered(self) -> None:
        store, password = self._from_store, self.key_password_edit.text()
        if store is None or not password:
            return
        locked = _locked_pairs(store, self.entry_combo.currentData())
        if not locked:
            return
        self._run(
            "Decrypting the key…",
            lambda: _unlock_keys(store, locked, password),
            self._keys_unlocked,
        )

    def _keys_unlocked(self, opened: int) -> None:
        if not opened:
            self._fail("wrong key password")
            return
        self._refresh()

    def _key_read(self, key: SigningKey) -> None:
        self._key = key
        self._refresh()

    def _store_opened(self, store: Keystore) -> None:
        self._from_store = store
        self.entry_combo.blockSignals(True)
        self.entry_combo.clear()
        pairs = [
            e.alias for e in store.entries if e.kind is EntryKind.PRIVATE_KEY and not e.shadowed
        ]
        if len(pairs) > 1:
            self.entry_combo.addItem(f"All {len(pairs)} key pairs", None)
        for alias in pairs:
            self.entry_combo.addItem(shown(alias), alias)
        self.entry_combo.blockSignals(False)
        self._entry_chosen()

    def add_certificate_file(self, path: str) -> None:
        def done(certs: list[Certificate]) -> None:
            self._cert_files.append((path, certs))
            self._fill_cert_list()
            self._refresh()

        self._run(
            "Reading certificates…",
            lambda: cb.read_certificates(read_bytes(path)),
            done,
            latest=False,
        )

    # --- user actions ------------------------------------------------------------------------
    def _browse_source(self) -> None:
        name, _ = QFileDialog.getOpenFileName(self, "Private key or keystore", "", SOURCE_FILTERS)
        if name:
            self.set_source(name)

    def _browse_certificates(self) -> None:
        names, _ = QFileDialog.getOpenFileNames(
            self, "Certificate and chain files", "", CERT_FILTERS
        )
        for name in names:
            self.add_certificate_file(name)

    def _remove_certificate(self) -> None:
        row = self.cert_list.currentRow()
        offset = 1 if self._file_certificates() else 0
        if row >= offset:
            del self._cert_files[row - offset]
            self._fill_cert_list()
            self._refresh()

    def _entry_chosen(self) -> None:
        if not self._alias_edited:
            self.alias_edit.setText(shown(self.entry_combo.currentData() or ""))
        self._refresh()
        self._key_password_entered()  # a key password typed already opens this choice too

    def _alias_typed(self, _text: str) -> None:
        self._alias_edited = True
        self._refresh()

    # --- the plan ----------------------------------------------------------------------------
    def _file_certificates(self) -> list[Certificate]:
        source = self._source
        return list(source.key_file.certificates) if source and source.key_file else []

    def _fill_cert_list(self) -> None:
        self.cert_list.clear()
        inside = self._file_certificates()
        if inside:
            self.cert_list.addItem(f"{len(inside)} certificate(s) in the key file")
        for path, certs in self._cert_files:
            self.cert_list.addItem(f"{shown(os.path.basename(path))}: {len(certs)} certificate(s)")
        self.remove_cert.setEnabled(bool(self._cert_files))

    def _show_mode(self, mode: str | None) -> None:
        for widget in (self._certs_widget, self.certs_label):
            widget.setVisible(mode != "store")
        for widget in (self.entry_combo, self.entry_label):
            widget.setVisible(mode == "store")
        self.password_label.setText("Keystore password:" if mode == "store" else "Key password:")
        self.key_password_edit.clear()
        self._show_key_password(False)
        self._fill_cert_list()

    def _show_key_password(self, wanted: bool) -> None:
        for widget in (self.key_password_edit, self.key_password_label):
            widget.setVisible(wanted)

    def _make_plans(self) -> list[ki.KeyPair]:
        alias = self.alias_edit.text().strip()
        replace = self.replace_check.isChecked()
        if self._from_store is not None:
            chosen = self.entry_combo.currentData()
            locked = _locked_pairs(self._from_store, chosen)
            self._show_key_password(bool(locked))
            if locked:
                raise KeystoreError(_own_password_message(locked))
            names = [chosen] if chosen else []
            # the field shows the chosen alias escaped: left so, it keeps the alias
            rename = alias if chosen and alias and alias not in (chosen, shown(chosen)) else None
            return ki.plan_from_store(
                self._store, self._from_store, names, alias=rename, replace=replace
            )
        assert self._key is not None
        certs = self._file_certificates() + [c for _, cs in self._cert_files for c in cs]
        leaf = ki.find_leaf(self._key, certs)
        if not alias:
            alias = shown(leaf.common_name().lower())  # as shown: what is saved is what is seen
            self.alias_edit.setText(alias)
        problem = cb.alias_problem(alias)
        if problem is not None:
            raise KeystoreError(problem)
        return [ki.plan_key_pair(self._store, alias, self._key, certs, replace=replace)]

    def _refresh(self) -> None:
        taken = self._store.find(self.alias_edit.text().strip()) is not None
        self.replace_check.setVisible(taken)
        if self._key is None and self._from_store is None:
            self._plans = []
            self.preview.clear()
            self.ok_button.setEnabled(False)
            if self._source is None and not self.source_edit.text():
                self._set_status("Choose the private key file, or a keystore to take one from.")
            return
        try:
            self._plans = self._make_plans()
        except KeystoreError as exc:
            self._fail(str(exc))
            return
        self._show_plans()

    def _show_plans(self) -> None:
        self.preview.clear()
        notes: list[str] = []
        for plan in self._plans:
            for depth, cert in enumerate(plan.chain):
                check = (
                    "key matches"
                    if depth == 0
                    else f"signed {shown(plan.chain[depth - 1].common_name())}"
                )
                item = QTreeWidgetItem(
                    [
                        ("" if depth == 0 else "  " * depth + "↳ ") + shown(cert.common_name()),
                        shown(cert.common_name("issuer")),
                        f"{cert.not_after:%Y-%m-%d}",
                        f"✔ {check}",
                    ]
                )
                item.setToolTip(0, shown_tip(shown(cert.subject)))
                self.preview.addTopLevelItem(item)
            verb = "replaces" if plan.replaces is not None else "becomes"
            notes.append(
                f"'{shown(plan.alias)}' {verb} a key pair with a chain of {len(plan.chain)}."
            )
            notes += [f"Note: {n}." for n in plan.notes]
        for column in range(self.preview.columnCount()):
            self.preview.resizeColumnToContents(column)
        self._set_status(" ".join(notes))
        self.ok_button.setEnabled(bool(self._plans))

    def _set_status(self, text: str, *, error: bool = False) -> None:
        self.status.setText(shown(text))
        self.status.setStyleSheet(error_style() if error else "")

    # --- result ------------------------------------------------------------------------------
    def accept(self) -> None:
        if not self._plans:
            return
        self._result = ImportKeyPairResult(list(self._plans))
        self.password_edit.clear()
        self.key_password_edit.clear()
        self._save_geometry()
        super().accept()

    def reject(self) -> None:
        self.password_edit.clear()
        self.key_password_edit.clear()
        self._save_geometry()
        super().reject()

    def result_value(self) -> ImportKeyPairResult:
        assert self._result is not None
        return self._result

    def _restore_geometry(self) -> None:
        geometry = QSettings().value("dialogs/import_keypair")
        if geometry is not None:
            self.restoreGeometry(geometry)

    def _save_geometry(self) -> None:
        QSettings().setValue("dialogs/import_keypair", self.saveGeometry())


def _row(*widgets: QWidget) -> QWidget:
    row = QWidget()
    layout = QHBoxLayout(row)
    layout.setContentsMargins(0, 0, 0, 0)
    for i, widget in enumerate(widgets):
        layout.addWidget(widget, 1 if i == 0 else 0)
    return row

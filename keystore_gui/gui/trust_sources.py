"""The "Trust sources" box shared by the trust chain view and the TLS server examiner: open tabs
(truststores ticked, keystores offered unticked), truststore and intermediates files, Java cacerts
and the system CA bundle. Files and bundles the user ticks are remembered in the settings and
ticked again next time; every file and bundle is read off the GUI thread.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)
from shiboken6 import Shiboken

from ..core.chain import TrustSource, source_from_store
from ..core.errors import KeystoreError
from ..core.model import Keystore
from ..core.opening import NeedsPassword, Opened, try_open
from ..core.trustsources import (
    intermediates_label,
    java_cacerts,
    java_cacerts_path,
    open_store_sources,
    system_bundle_path,
    system_cas,
    truststore_label,
)
from . import operations
from .settings import Settings
from .shown import shown
from .theme import status_colour

_STORE_FILES = (
    "Keystores and certificates (*.jks *.jceks *.p12 *.pfx *.ks *.keystore *.truststore "
    "*.pem *.crt *.cer *.der *.p7b *.p7c cacerts);;All files (*)"
)


def ask_password(parent: QWidget, path: str) -> str | None:
    password, ok = QInputDialog.getText(
        parent, "Password", f"Password for {shown(Path(path).name)}:", QLineEdit.EchoMode.Password
    )
    return password if ok else None


@dataclass
class _SourceChoice:
    """One line of the sources list: how to get its certificates when it is ticked."""

    title: str
    load: Callable[[], TrustSource]
    loaded: TrustSource | None = None
    slow: bool = False
    """Read off the GUI thread (Java cacerts, the system bundle: hundreds of certificates)."""
    loading: bool = False
    kind: str = ""
    """What the settings remember it as: ``truststore`` or ``intermediates`` (with ``path``),
    ``java-cacerts`` or ``system-cas``; empty for what is not remembered (open tabs, fetched)."""
    path: str | None = None


class TrustSourcesBox(QGroupBox):
    """Tickable trust sources; ``changed`` fires whenever the ticked set (or its content) moves."""

    changed = Signal()

    def __init__(
        self,
        *,
        open_stores: Sequence[tuple[str, Keystore]] = (),
        checking: Keystore | None = None,
        settings: Settings | None = None,
        parent: QWidget | None = None,
    ) -> None:
        """``checking`` is the store whose entry is judged: it does not vouch for itself."""
        super().__init__("Trust sources", parent)
        self._choices: list[_SourceChoice] = []
        self._settings = settings
        self._restoring = False
        self.sources = QListWidget()
        self.sources.setToolTip("Tick the places whose certificates are trusted")
        add_trust = QPushButton("Add Truststore…")
        add_trust.clicked.connect(self.add_truststore)
        add_inter = QPushButton("Add Intermediates…")
        add_inter.setToolTip("Certificates that may complete a path without being trusted")
        add_inter.clicked.connect(self.add_intermediates)
        self.source_error = QLabel()
        self.source_error.setWordWrap(True)
        self.source_error.setStyleSheet(f"color: {status_colour('expired').name()}")
        self.source_error.hide()
        self.form = QFormLayout()
        """Rows the dialog adds below the sources (purpose, time…)."""

        layout = QVBoxLayout(self)
        layout.addWidget(self.sources, 1)
        buttons_row = QHBoxLayout()
        buttons_row.addWidget(add_trust)
        buttons_row.addWidget(add_inter)
        layout.addLayout(buttons_row)
        layout.addWidget(self.source_error)
        layout.addLayout(self.form)

        for offer in open_store_sources(open_stores, checking=checking):
            title = f"Open tab: {offer.name}"
            item = self.add_choice(
                title if offer.truststore else f"{title} (keystore)",
                offer.source,
                checked=offer.ticked,
            )
            if not offer.truststore:
                item.setToolTip(
                    f"{offer.name} holds key pairs: it is a keystore, not a truststore. "
                    "Tick it only if its certificates are meant to be trusted."
                )
        cacerts = java_cacerts_path()
        if cacerts is not None:
            item = self.add_choice(
                "Java cacerts", lambda: java_cacerts(cacerts), slow=True, kind="java-cacerts"
            )
            item.setToolTip(str(cacerts))
        bundle = system_bundle_path()
        if bundle is not None:
            item = self.add_choice(
                "System CAs", lambda: system_cas(bundle), slow=True, kind="system-cas"
            )
            item.setToolTip(str(bundle))

        self.sources.itemChanged.connect(self._source_toggled)
        if settings is not None:
            self._restore_sources(settings)

    def add_choice(
        self,
        title: str,
        load: Callable[[], TrustSource],
        *,
        checked: bool = False,
        slow: bool = False,
        kind: str = "",
        path: str | None = None,
    ) -> QListWidgetItem:
        choice = _SourceChoice(title, load, slow=slow, kind=kind, path=path)
        self._choices.append(choice)
        item = QListWidgetItem(title)
        item.setToolTip(title)
        item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
        item.setCheckState(Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked)
        item.setData(Qt.ItemDataRole.UserRole, len(self._choices) - 1)
        self.sources.addItem(item)
        return item

    def _choice(self, item: QListWidgetItem) -> _SourceChoice:
        return self._choices[int(item.data(Qt.ItemDataRole.UserRole))]

    def set_checked(self, item: QListWidgetItem, checked: bool) -> None:
        """Tick or untick without a ``changed`` signal."""
        self.sources.blockSignals(True)
        item.setCheckState(Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked)
        self.sources.blockSignals(False)

    def _set_text(self, item: QListWidgetItem, text: str) -> None:
        """Relabel without an ``itemChanged`` that would read as a tick."""
        self.sources.blockSignals(True)
        item.setText(text)
        self.sources.blockSignals(False)

    def _items(self) -> list[QListWidgetItem]:
        return [self.sources.item(row) for row in range(self.sources.count())]

    def _restore_sources(self, settings: Settings) -> None:
        """Tick again what the user ticked last time; files are read off the GUI thread, their
        passwords asked for as when adding."""
        self._restoring = True
        try:
            for paths, trusted in (
                (settings.trust_sources, True),
                (settings.trust_intermediates, False),
            ):
                for path in paths:
                    if os.path.isfile(path):
                        self._add_path(path, trusted, remember=False)
            wanted = {
                "java-cacerts": settings.trust_java_cacerts,
                "system-cas": settings.trust_system_cas,
            }
            for item in self._items():
                if wanted.get(self._choice(item).kind):
                    item.setCheckState(Qt.CheckState.Checked)
        finally:
            self._restoring = False

    def _save_sources(self) -> None:
        """Remember the ticked files and bundles for the next time."""
        if self._settings is None or self._restoring:
            return
        items = self._items()
        choices = [self._choice(item) for item in items]
        ticked = [
            choice
            for choice, item in zip(choices, items, strict=True)
            if item.checkState() == Qt.CheckState.Checked
        ]
        self._settings.trust_sources = [c.path for c in ticked if c.kind == "truststore" and c.path]
        self._settings.trust_intermediates = [
            c.path for c in ticked if c.kind == "intermediates" and c.path
        ]
        kinds = {c.kind for c in choices}
        if "java-cacerts" in kinds:  # not offered on this machine: keep what was chosen
            self._settings.trust_java_cacerts = any(c.kind == "java-cacerts" for c in ticked)
        if "system-cas" in kinds:
            self._settings.trust_system_cas = any(c.kind == "system-cas" for c in ticked)

    def _source_toggled(self, item: QListWidgetItem) -> None:
        self._save_sources()
        choice = self._choice(item)
        ticked = item.checkState() == Qt.CheckState.Checked
        if ticked and choice.slow and choice.loaded is None:
            if not choice.loading:
                self._load_in_background(choice, item)
            return
        if not self._restoring:
            self.changed.emit()

    def _load_in_background(self, choice: _SourceChoice, item: QListWidgetItem) -> None:
        choice.loading = True
        self._set_text(item, f"{choice.title} (reading…)")

        def done() -> bool:
            choice.loading = False
            if not Shiboken.isValid(self):  # the dialog was closed meanwhile
                return False
            self._set_text(item, choice.title)
            return True

        def loaded(source: TrustSource) -> None:
            choice.loaded = source
            if done():
                self.changed.emit()

        def failed(exc: BaseException) -> None:
            if done():
                self.set_checked(item, False)
                self.show_error(f"{choice.title}: {operations.describe(exc)}")

        operations.run_in_background(
            self,
            choice.load,
            on_success=loaded,
            on_failure=failed,
            label=f"Reading {choice.title}…",
        )

    def _add_file(self, trusted: bool) -> None:
        title = "Add Truststore" if trusted else "Add Intermediates"
        path, _ = QFileDialog.getOpenFileName(self, title, "", _STORE_FILES)
        if path:
            self._add_path(path, trusted, remember=True)

    def _add_path(self, path: str, trusted: bool, *, remember: bool) -> None:
        """Add ``path`` ticked and read it off the GUI thread; it leaves the list again if it
        cannot be read or its password is cancelled. ``remember``: save the ticked sources once
        it is read (not when it is being restored from them)."""
        label = truststore_label(path) if trusted else intermediates_label(path)
        title = f"{'Truststore' if trusted else 'Intermediates'}: {os.path.basename(path)}"

        def not_read_yet() -> TrustSource:
            raise KeystoreError(f"{os.path.basename(path)} is still being read")

        item = self.add_choice(
            title,
            not_read_yet,
            slow=True,
            kind="truststore" if trusted else "intermediates",
            path=path,
        )
        item.setToolTip(path)
        self.set_checked(item, True)
        choice = self._choice(item)
        choice.loading = True
        self._set_text(item, f"{title} (reading…)")

        def read(store: Keystore | None) -> None:
            choice.loading = False
            if store is None:
                self.sources.takeItem(self.sources.row(item))
                return
            choice.loaded = source_from_store(store, label, trusted=trusted)
            self._set_text(item, title)
            if remember:
                self._save_sources()
            self.changed.emit()

        self.read_later(path, read)

    def read_later(self, path: str, done: Callable[[Keystore | None], None]) -> None:
        """Read ``path`` off the GUI thread, asking here for its password (naming the file) only
        if its format has one; then ``done(store)``, or ``done(None)`` when it could not be read
        (said under the sources) or the password was cancelled."""
        name = Path(path).name

        def failed(exc: BaseException) -> None:
            self.show_error(f"{name}: {operations.describe(exc)}")
            done(None)

        def tried(result: Opened | NeedsPassword) -> None:
            if isinstance(result, Opened):
                done(result.store)
                return
            password = ask_password(self, path)
            if password is None:
                done(None)
                return
            operations.run_in_background(
                self,
                lambda: result.load(password),
                on_success=done,
                on_failure=failed,
                label=f"Reading {name}…",
            )

        operations.run_in_background(
            self,
            lambda: try_open(path),
            on_success=tried,
            on_failure=failed,
            label=f"Reading {name}…",
        )

    def add_truststore(self) -> None:
        self._add_file(trusted=True)

    def add_intermediates(self) -> None:
        self._add_file(trusted=False)

    def show_error(self, text: str) -> None:
        self.source_error.setText(text)
        self.source_error.setVisible(bool(text))

    def chosen_sources(self) -> list[TrustSource]:
        """The ticked sources, loading each the first time; a source that fails is unticked."""
        chosen: list[TrustSource] = []
        errors: list[str] = []
        for item in self._items():
            if item.checkState() != Qt.CheckState.Checked:
                continue
            choice = self._choice(item)
            if choice.loaded is None and choice.slow:
                continue  # still being read; ``changed`` fires when it arrives
            if choice.loaded is None:
                try:
                    choice.loaded = choice.load()
                except KeystoreError as exc:
                    errors.append(f"{choice.title}: {exc}")
                    self.set_checked(item, False)
                    continue
            chosen.append(choice.loaded)
        self.show_error("\n".join(errors))
        return chosen

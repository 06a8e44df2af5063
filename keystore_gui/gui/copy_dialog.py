"""The "Copy Certificates to Truststore" dialog: what, where, aliases, and a per-certificate preview.

The dialog only decides; the caller applies the returned :class:`CopyRequest` (undoably in an open
tab, or by saving a file). Nothing here touches a file except reading an existing truststore the
user picks, with the password typed in.

Size: one dialog whose four choices (what, where, aliases, preview) change each other.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import StrEnum

from PySide6.QtCore import QSettings, Qt, Signal
from PySide6.QtGui import QStandardItemModel
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ..core.errors import KeystoreError, WrongPasswordError
from ..core.io import read_keystore
from ..core.model import Certificate, Entry, Keystore, StoreType
from ..core.rules import store_password_must_be_ascii
from ..core.trustsources import is_truststore
from ..core.truststore import (
    Action,
    Candidate,
    Conflict,
    CopyPlan,
    What,
    candidates_for,
    new_truststore,
    plan_copy,
)
from . import operations
from .shown import plain_label, shown, shown_tip
from .theme import error_colour, status_colour


def short_fingerprint(sha256: str) -> str:
    """The first eight bytes of a SHA-256 fingerprint, ``AB:CD:…``, for narrow columns."""
    return ":".join(sha256[i : i + 2] for i in range(0, 12, 2)).upper() + "…"


def read_only_item(text: str, tooltip: str | None = None) -> QTableWidgetItem:
    """A table cell the user can select but not edit; ``text`` is shown escaped (it names
    certificates and files), as are the lines of ``tooltip``."""
    item = QTableWidgetItem(shown(text))
    item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEditable)
    if tooltip is not None:
        item.setToolTip(shown_tip(tooltip))
    return item


def preview_table(columns: Sequence[str], stretch_column: int) -> QTableWidget:
    """The per-certificate preview of a copy or import: whole-row selection, columns fitted to
    their contents but for ``stretch_column``, which takes the rest."""
    table = QTableWidget(0, len(columns))
    table.setHorizontalHeaderLabels(list(columns))
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.verticalHeader().setVisible(False)
    header = table.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    header.setSectionResizeMode(stretch_column, QHeaderView.ResizeMode.Stretch)
    return table


def ok_cancel(dialog: QDialog, ok_text: str) -> QDialogButtonBox:
    """OK (titled ``ok_text``) and Cancel buttons wired to ``dialog``'s accept and reject."""
    buttons = QDialogButtonBox(
        QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
    )
    buttons.button(QDialogButtonBox.StandardButton.Ok).setText(ok_text)
    buttons.accepted.connect(dialog.accept)
    buttons.rejected.connect(dialog.reject)
    return buttons


def outcome_item(text: str, action: Action | None) -> QTableWidgetItem:
    """The "what happens" cell of a copy or import preview: red when the certificate is blocked,
    muted when nothing is written, in shades readable in light and dark mode."""
    item = read_only_item(text)
    if action is Action.BLOCKED:
        item.setForeground(error_colour())
    elif action is None or not action.writes:
        item.setForeground(status_colour("muted"))
    return item


GEOMETRY_KEY = "copyDialog/geometry"
MIN_WIDTH = 900
"""Narrower, the preview's columns (certificate, source, fingerprint, alias, outcome) clip."""
STORE_FILTER = "Truststores (*.jks *.p12 *.pfx *.ks *.truststore);;All files (*)"


class TargetKind(StrEnum):
    TAB = "tab"
    FILE = "file"
    NEW = "new"


@dataclass
class CopyTarget:
    """A store the user can copy into: an open tab's, offered by name."""

    name: str
    store: Keystore


@dataclass
class CopyRequest:
    """What the user chose. ``store`` is the target store: an open tab's, the file read with its
    password, or a new empty one; ``path`` is the file to save for FILE and NEW."""

    kind: TargetKind
    store: Keystore
    plan: CopyPlan
    what: What
    tab_index: int | None = None
    path: str | None = None


_ACTION_TEXT = {
    Action.ADD: "add",
    Action.PRESENT: "already present",
    Action.DUPLICATE: "listed twice",
    Action.RENAME: "alias taken: rename",
    Action.REPLACE: "alias taken: replace",
    Action.BLOCKED: "cannot copy",
}


class _PasswordPair(QWidget):
    """Password + repeat, for a new store."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.first = QLineEdit(
            echoMode=QLineEdit.EchoMode.Password, placeholderText="a password for it"
        )
        self.second = QLineEdit(
            echoMode=QLineEdit.EchoMode.Password, placeholderText="the password again"
        )
        for edit in (self.first, self.second):
            edit.textChanged.connect(self.changed)
            layout.addWidget(edit)


class CopyDialog(QDialog):
    """Ask what to copy, where, under which aliases; preview the plan; return a CopyRequest."""

    COLUMNS = (
        "Certificate",
        "From",
        "SHA-256",
        "Alias in target",
        "What happens",
        "If alias taken",
    )
    ALIAS_COLUMN, OUTCOME_COLUMN, CONFLICT_COLUMN = 3, 4, 5

    def __init__(
        self,
        parent: QWidget | None = None,
        *,
        entries: Sequence[Entry],
        more_entries: Sequence[Entry] = (),
        more_source: str = "other tabs",
        pool: Sequence[Certificate] = (),
        targets: Sequence[CopyTarget] = (),
        initial_target: int | None = None,
        source_target: int | None = None,
        what: What = What.CERT,
        read_store: Callable[[str, str], Keystore] = read_keystore,
        settings: QSettings | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Copy Certificates to Truststore")
        self._entries = list(entries)
        self._more_entries = list(more_entries)
        """Entries selected in other tabs, offered with a check box."""
        self._more_source = more_source
        """The tabs ``more_entries`` are selected in, by name."""
        self._pool = list(pool)
        self._targets = list(targets)
        self._source_target = source_target
        """The index in ``targets`` of the store the certificates come from: never a target."""
        self._read_store = read_store
        self._file_store: Keystore | None = None
        self._candidates: list[Candidate] = []
        self._plan: CopyPlan | None = None
        self._result: CopyRequest | None = None
        self._filling = False
        self._candidate_error: str | None = None

        layout = QVBoxLayout(self)
        layout.addWidget(self._build_what(what))
        layout.addWidget(self._build_where())
        self.table = preview_table(self.COLUMNS, self.OUTCOME_COLUMN)
        self.table.itemChanged.connect(self._alias_edited)
        layout.addWidget(self.table, 1)
        self.summary = plain_label()
        self.summary.setWordWrap(True)
        layout.addWidget(self.summary)
        self.buttons = ok_cancel(self, "Copy")
        self.copy_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        layout.addWidget(self.buttons)

        choosable = [i for i in range(len(self._targets)) if i != source_target]
        if initial_target is None:
            initial_target = next((i for i in choosable if self._is_truststore(i)), None)
        if initial_target is not None:
            self.tab_radio.setChecked(True)
            self.tab_combo.setCurrentIndex(initial_target)
        else:
            # no open truststore: a new one, rather than a keystore holding private keys
            self.tab_radio.setEnabled(bool(choosable))
            if choosable:
                self.tab_combo.setCurrentIndex(choosable[0])
            self.new_radio.setChecked(True)
        self._rebuild_candidates()
        self.resize(1040, 520)
        self._settings = settings
        geometry = settings.value(GEOMETRY_KEY) if settings is not None else None
        if geometry is not None:
            self.restoreGeometry(geometry)
            # never narrower than its columns need, whatever an earlier run remembered
            self.resize(max(self.width(), self.minimumSizeHint().width(), MIN_WIDTH), self.height())

    # --- building ----------------------------------------------------------------------------
    def _build_what(self, what: What) -> QGroupBox:
        box = QGroupBox("Copy")
        row = QHBoxLayout(box)
        self.what_group = QButtonGroup(self)
        self.what_radios: dict[What, QRadioButton] = {}
        for value, label in (
            (What.CERT, "The entry's own certificate"),
            (What.CA, "Its issuing CA(s)"),
            (What.CHAIN, "The whole chain"),
        ):
            radio = QRadioButton(label)
            radio.setChecked(value is what)
            self.what_group.addButton(radio)
            self.what_radios[value] = radio
            row.addWidget(radio)
            radio.toggled.connect(self._what_toggled)
        row.addStretch(1)
        aliases = [f"'{shown(e.alias)}'" for e in self._more_entries]
        listed = ", ".join(aliases[:3]) + (
            f" and {len(aliases) - 3} more" if len(aliases) > 3 else ""
        )
        self.more_box = QCheckBox(f"Also copy {listed}, selected in {shown(self._more_source)}")
        self.more_box.setToolTip(", ".join(aliases))
        self.more_box.setVisible(bool(aliases))
        self.more_box.toggled.connect(self._rebuild_candidates)
        row.addWidget(self.more_box)
        return box

    def _build_where(self) -> QGroupBox:
        box = QGroupBox("Into")
        grid = QGridLayout(box)
        self.where_group = QButtonGroup(self)

        self.tab_radio = QRadioButton("Open keystore:")
        self.tab_combo = QComboBox()
        self.tab_combo.addItems([t.name for t in self._targets])
        if self._source_target is not None:
            model = self.tab_combo.model()
            assert isinstance(model, QStandardItemModel)
            item = model.item(self._source_target)
            item.setEnabled(False)
            item.setToolTip("The certificates come from this keystore")
        self.tab_combo.currentIndexChanged.connect(self._target_changed)
        grid.addWidget(self.tab_radio, 0, 0)
        grid.addWidget(self.tab_combo, 0, 1, 1, 3)

        self.file_radio = QRadioButton("Truststore file:")
        self.file_path = QLineEdit(placeholderText="path of an existing truststore file")
        self.file_path.textChanged.connect(self._file_edited)
        self.file_browse = QPushButton("Browse…")
        self.file_browse.clicked.connect(self._browse_existing)
        self.file_password = QLineEdit(
            echoMode=QLineEdit.EchoMode.Password, placeholderText="its store password"
        )
        self.file_password.textEdited.connect(lambda _text: self._show_file_error(""))
        self.file_password.returnPressed.connect(self._open_file)
        self.file_open = QPushButton("Open")
        self.file_open.clicked.connect(self._open_file)
        file_row = QHBoxLayout()
        file_row.addWidget(self.file_path, 2)
        file_row.addWidget(self.file_browse)
        file_row.addWidget(self.file_password, 1)
        file_row.addWidget(self.file_open)
        grid.addWidget(self.file_radio, 1, 0)
        grid.addLayout(file_row, 1, 1, 1, 3)
        self.file_error = plain_label()
        self.file_error.setStyleSheet(f"color: {error_colour().name()}")
        self.file_error.hide()
        grid.addWidget(self.file_error, 2, 1, 1, 3, Qt.AlignmentFlag.AlignRight)

        self.new_radio = QRadioButton("New truststore:")
        self.new_path = QLineEdit(placeholderText="file name for the new truststore")
        self.new_path.textChanged.connect(self._new_edited)
        self.new_browse = QPushButton("Browse…")
        self.new_browse.clicked.connect(self._browse_new)
        self.new_type = QComboBox()
        self.new_type.addItem("JKS", StoreType.JKS)
        self.new_type.addItem("PKCS#12", StoreType.PKCS12)
        self.new_type.currentIndexChanged.connect(self._target_changed)
        self.new_password = _PasswordPair()
        self.new_password.changed.connect(self._target_changed)
        new_row = QHBoxLayout()
        new_row.addWidget(self.new_path, 2)
        new_row.addWidget(self.new_browse)
        new_row.addWidget(self.new_type)
        new_row.addWidget(self.new_password, 2)
        grid.addWidget(self.new_radio, 3, 0)
        grid.addLayout(new_row, 3, 1, 1, 3)
        grid.setColumnStretch(1, 1)

        for radio in (self.tab_radio, self.file_radio, self.new_radio):
            self.where_group.addButton(radio)
            radio.toggled.connect(self._target_changed)
        return box

    # --- state -------------------------------------------------------------------------------
    @property
    def what(self) -> What:
        return next(w for w, r in self.what_radios.items() if r.isChecked())

    @property
    def target_kind(self) -> TargetKind:
        if self.tab_radio.isChecked():
            return TargetKind.TAB
        if self.file_radio.isChecked():
            return TargetKind.FILE
        return TargetKind.NEW

    @property
    def new_store_type(self) -> StoreType:
        return StoreType(self.new_type.currentData())

    def _new_store_problem(self) -> str | None:
        path = self.new_path.text().strip()
        first, second = self.new_password.first.text(), self.new_password.second.text()
        if not path:
            return "Choose a file name for the new truststore."
        if os.path.exists(path):
            return f"{path} exists: choose “Truststore file” to add to it."
        if not os.path.isdir(os.path.dirname(os.path.abspath(path))):
            return f"No such folder: {os.path.dirname(path)}"
        if not first:
            return "Type a password for the new truststore."
        if first != second:
            return "The two passwords differ."
        if store_password_must_be_ascii(self.new_store_type) and not first.isascii():
            return "Java cannot open a PKCS#12 file with a non-ASCII password."
        return None

    def target_store(self) -> tuple[Keystore | None, str | None]:
        """The chosen target store, or ``None`` and why not."""
        kind = self.target_kind
        if kind is TargetKind.TAB:
            index = self.tab_combo.currentIndex()
            if index < 0 or index == self._source_target:
                return None, "Choose an open keystore."
            return self._targets[index].store, None
        if kind is TargetKind.FILE:
            if self._file_store is None:
                return None, "Type the truststore's password and press Open."
            return self._file_store, None
        problem = self._new_store_problem()
        if problem is not None:
            return None, problem
        return new_truststore(self.new_store_type, self.new_password.first.text()), None

    def _is_truststore(self, index: int) -> bool:
        return is_truststore(self._targets[index].store)

    # --- reactions ---------------------------------------------------------------------------
    def _what_toggled(self, checked: bool) -> None:
        if checked:
            self._rebuild_candidates()

    def _target_changed(self) -> None:
        self._replan()

    def _file_edited(self) -> None:
        self._file_store = None
        if self.file_path.text():
            self.file_radio.setChecked(True)
        self._replan()

    def _new_edited(self) -> None:
        if self.new_path.text():
            self.new_radio.setChecked(True)
            guess = self.new_path.text().lower()
            if guess.endswith((".p12", ".pfx")):
                self.new_type.setCurrentIndex(1)
            elif guess.endswith(".jks"):
                self.new_type.setCurrentIndex(0)
        self._replan()

    def _browse_existing(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Truststore to copy into", "", STORE_FILTER)
        if path:
            self.file_path.setText(path)
            self.file_password.setFocus()

    def _browse_new(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, "New truststore", "", STORE_FILTER)
        if path:
            self.new_path.setText(path)
            self.new_password.first.setFocus()

    def _open_file(self) -> None:
        """Read the chosen truststore with the typed password, off the GUI thread."""
        path = self.file_path.text().strip()
        self.file_radio.setChecked(True)
        if not path:
            self.summary.setText("Choose the truststore file first.")
            return
        name = shown(os.path.basename(path))
        password = self.file_password.text()
        read = self._read_store
        self.file_open.setEnabled(False)
        self.summary.setText(f"Opening {name}…")

        def opened(store: Keystore) -> None:
            self.file_open.setEnabled(True)
            if path != self.file_path.text().strip():
                return  # the user chose another file meanwhile
            if store.store_type.is_certificate_file:
                self.summary.setText(f"{name} is a certificate file, not a truststore.")
                return
            self._file_store = store
            self._replan()

        def failed(exc: BaseException) -> None:
            self.file_open.setEnabled(True)
            self._file_store = None
            self._replan()
            self.summary.setText(f"Cannot open {name}: {operations.describe(exc)}")
            if isinstance(exc, WrongPasswordError):
                self._show_file_error(f"Wrong password for {name}")
                self.file_password.setFocus()
                self.file_password.selectAll()

        operations.run_in_background(
            self,
            lambda: read(path, password),
            on_success=opened,
            on_failure=failed,
            label=f"Opening {name}…",
        )

    def _show_file_error(self, text: str) -> None:
        """Say what is wrong with the password where it is typed."""
        self.file_error.setText(shown(text))
        self.file_error.setVisible(bool(text))
        colour = error_colour().name()
        self.file_password.setStyleSheet(f"border: 1px solid {colour};" if text else "")

    def _rebuild_candidates(self) -> None:
        try:
            entries = self._entries + (self._more_entries if self.more_box.isChecked() else [])
            self._candidates = candidates_for(entries, self.what, self._pool)
            self._candidate_error = None
        except KeystoreError as exc:
            self._candidates = []
            self._candidate_error = str(exc)
        self._replan()

    def _alias_edited(self, item: QTableWidgetItem) -> None:
        if self._filling or item.column() != self.ALIAS_COLUMN:
            return
        candidate = self._candidates[item.row()]
        if item.text() != shown(candidate.alias):  # left as shown, it keeps the alias it had
            candidate.alias = item.text().strip()
        self._replan()

    def _conflict_chosen(self, row: int, combo: QComboBox) -> None:
        self._candidates[row].on_conflict = Conflict(combo.currentData())
        self._replan()

    # --- the preview -------------------------------------------------------------------------
    def _replan(self) -> None:
        store, problem = self.target_store()
        self._plan = plan_copy(self._candidates, store) if store is not None else None
        self._fill_table()
        error = self._candidate_error
        if error:
            self.summary.setText(shown(error))
        elif self._plan is None:
            self.summary.setText(shown(problem or ""))
        else:
            self.summary.setText(shown(self._summary(self._plan)))
        writes_file = self.target_kind is not TargetKind.TAB
        self.copy_button.setText("Copy and Save" if writes_file else "Copy")
        self.copy_button.setToolTip(
            "Writes the truststore file now"
            if writes_file
            else "Copies into the open tab; File > Save writes it, Undo takes it back"
        )
        self.copy_button.setEnabled(
            not error
            and self._plan is not None
            and not self._plan.problems
            and bool(self._plan.writes)
        )

    @staticmethod
    def _summary(plan: CopyPlan) -> str:
        counts = {a: sum(s.action is a for s in plan.steps) for a in Action}
        parts = []
        writes = counts[Action.ADD] + counts[Action.RENAME] + counts[Action.REPLACE]
        parts.append(f"{writes} certificate(s) to copy")
        if counts[Action.PRESENT]:
            parts.append(f"{counts[Action.PRESENT]} already present (skipped)")
        if counts[Action.REPLACE]:
            parts.append(f"{counts[Action.REPLACE]} replacing another certificate")
        if plan.problems:
            parts.append("; ".join(plan.problems))
        elif not writes:
            parts.append("nothing to do")
        return " · ".join(parts) + ". Only public certificates are copied, never keys."

    def _fill_table(self) -> None:
        self._filling = True
        try:
            self.table.setRowCount(len(self._candidates))
            steps = self._plan.steps if self._plan is not None else None
            for row, cand in enumerate(self._candidates):
                step = steps[row] if steps is not None else None
                cert = cand.cert
                cert_item = read_only_item(
                    cert.common_name(),
                    f"{shown(cert.subject)}\nIssuer: {shown(cert.issuer)}\nSHA-256: {cert.sha256}",
                )
                origin = read_only_item(cand.origin)
                fingerprint = read_only_item(short_fingerprint(cand.cert.sha256), cand.cert.sha256)
                alias = QTableWidgetItem(shown(cand.alias))
                alias.setToolTip("Double-click to change the alias")
                outcome = outcome_item(
                    step.description if step else "", step.action if step else None
                )
                if step is not None:
                    outcome.setToolTip(_ACTION_TEXT[step.action])
                for col, item in enumerate((cert_item, origin, fingerprint, alias, outcome)):
                    self.table.setItem(row, col, item)
                self._set_conflict_cell(row, cand, step is not None and step.alias_taken)
        finally:
            self._filling = False

    def _set_conflict_cell(self, row: int, cand: Candidate, taken: bool) -> None:
        current = self.table.cellWidget(row, self.CONFLICT_COLUMN)
        if not taken:
            if current is not None:
                self.table.removeCellWidget(row, self.CONFLICT_COLUMN)
            return
        combo = current if isinstance(current, QComboBox) else None
        if combo is None:
            combo = QComboBox()
            combo.addItem("Rename", Conflict.RENAME)
            combo.addItem("Replace", Conflict.REPLACE)
            combo.currentIndexChanged.connect(
                lambda _i, r=row, c=combo: self._conflict_chosen(r, c)
            )
            self.table.setCellWidget(row, self.CONFLICT_COLUMN, combo)
        combo.blockSignals(True)
        combo.setCurrentIndex(1 if cand.on_conflict is Conflict.REPLACE else 0)
        combo.blockSignals(False)

    # --- result ------------------------------------------------------------------------------
    def accept(self) -> None:
        store, _ = self.target_store()
        if store is None or self._plan is None or self._plan.problems or not self._plan.writes:
            return
        kind = self.target_kind
        path = None
        if kind is TargetKind.FILE:
            path = self.file_path.text().strip()
        elif kind is TargetKind.NEW:
            path = self.new_path.text().strip()
        self._result = CopyRequest(
            kind=kind,
            store=store,
            plan=self._plan,
            what=self.what,
            tab_index=self.tab_combo.currentIndex() if kind is TargetKind.TAB else None,
            path=path,
        )
        if self._settings is not None:
            self._settings.setValue(GEOMETRY_KEY, self.saveGeometry())
        super().accept()

    def result_request(self) -> CopyRequest | None:
        """The user's choice after ``exec()`` returned Accepted, else ``None``."""
        return self._result

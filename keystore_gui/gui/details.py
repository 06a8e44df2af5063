"""The details pane: everything about the selected certificate or key, with copy and export."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont, QFontDatabase, QGuiApplication
from PySide6.QtWidgets import (
    QFileDialog,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QTabWidget,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ..core.errors import KeystoreError
from ..core.io import write_output_file
from ..core.model import NOT_TRUSTED_BY_JAVA, SHADOWED, Certificate, Entry, EntryKind, SecretKey
from . import msgbox
from .model import KIND_TEXT
from .shown import shown, shown_tip

Field = tuple[str, str, Sequence[Any]]


def _as_field(item: Any) -> Field:
    """A ``(label, value, children)`` triple from a tuple or an object with those attributes."""
    if isinstance(item, tuple):
        label, value, *rest = item
        return str(label), "" if value is None else str(value), rest[0] if rest else ()
    return (
        str(item.label),
        "" if item.value is None else str(item.value),
        getattr(item, "children", ()) or (),
    )


def certificate_fields(cert: Certificate, now: dt.datetime | None = None) -> list[Any]:
    """The certificate as a tree of ``(label, value, children)`` (PEM has a box of its own)."""
    from ..core import certinfo  # when a certificate is first shown, not when the window opens

    return [f for f in certinfo.describe(cert, now).children if f.label != "PEM"]


def key_fields(entry: Entry) -> list[Field]:
    rows: list[Field] = [("Alias", entry.alias, ()), ("Kind", KIND_TEXT[entry.kind], ())]
    if isinstance(entry.key, SecretKey):
        rows += [("Algorithm", entry.key.algorithm, ()), ("Size", f"{entry.key.size} bits", ())]
    elif entry.kind is EntryKind.SECRET_KEY:
        rows.append(("Algorithm", entry.secret_algorithm or "unknown until unlocked", ()))
    elif entry.certificate is not None or entry.key is not None:
        rows.append(("Key", entry.algorithm_description, ()))
    if entry.loose:
        rows.append(("Trust", NOT_TRUSTED_BY_JAVA, ()))
    if entry.shadowed:
        rows.append(("Alias clash", SHADOWED, ()))
    if not entry.kind_known:
        rows.append(("Kind", "sealed under its own password: known once unlocked", ()))
    if entry.is_locked:
        rows.append(("Key state", "encrypted; decrypted when needed", ()))
    if entry.timestamp is not None:
        rows.append(("Created", entry.timestamp.strftime("%Y-%m-%d %H:%M:%S %Z").strip(), ()))
    if entry.chain:
        rows.append(("Certificate chain", f"{len(entry.chain)} certificate(s)", ()))
    return rows


def _widget_at(grid: QGridLayout, row: int, column: int) -> QWidget:
    item = grid.itemAtPosition(row, column)
    widget = item.widget() if item is not None else None
    assert widget is not None
    return widget


def _monospace() -> QFont:
    return QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)


class DetailsPane(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._cert: Certificate | None = None
        self._entry: Entry | None = None
        self.now_provider: Callable[[], dt.datetime] = lambda: dt.datetime.now(dt.UTC)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.title = QLabel("Select an entry to see its details.")
        self.title.setWordWrap(True)
        self.title.setTextFormat(Qt.TextFormat.PlainText)  # an alias is never markup
        font = self.title.font()
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.15)
        self.title.setFont(font)
        layout.addWidget(self.title)

        self.fields = QTreeWidget()
        self.fields.setColumnCount(2)
        self.fields.setHeaderLabels(["Field", "Value"])
        self.fields.setUniformRowHeights(True)
        self.fields.setWordWrap(False)
        self.fields.setTextElideMode(Qt.TextElideMode.ElideMiddle)
        # Labels elide before values do: a narrow pane still shows what each field says.
        self.fields.header().setSectionResizeMode(0, QHeaderView.ResizeMode.Interactive)
        self.fields.setColumnWidth(0, 130)
        self.fields.header().setStretchLastSection(True)
        self.pages = QTabWidget()
        self.pages.setDocumentMode(True)
        fields_page = QWidget()
        fields_layout = QVBoxLayout(fields_page)
        fields_layout.setContentsMargins(0, 4, 0, 0)
        fields_layout.addWidget(self.fields, 1)

        self.fingerprints = QGroupBox("Fingerprints")
        grid = QGridLayout(self.fingerprints)
        self.sha1_label = self._fingerprint_row(grid, 0, "SHA-1")
        self.sha256_label = self._fingerprint_row(grid, 1, "SHA-256")
        self.copy_sha1 = _widget_at(grid, 0, 1)
        self.copy_sha256 = _widget_at(grid, 2, 1)
        fields_layout.addWidget(self.fingerprints)
        self.pages.addTab(fields_page, "&Fields")

        self.pem_box = QWidget()
        pem_layout = QVBoxLayout(self.pem_box)
        pem_layout.setContentsMargins(0, 4, 0, 0)
        self.pem_text = QPlainTextEdit()
        self.pem_text.setReadOnly(True)
        self.pem_text.setFont(_monospace())
        self.pem_text.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        pem_layout.addWidget(self.pem_text)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        self.copy_pem = QPushButton("&Copy PEM")
        self.copy_pem.clicked.connect(lambda: self._copy(self._cert.pem if self._cert else ""))
        self.export_button = QPushButton("E&xport…")
        self.export_button.clicked.connect(self.export_certificate)
        buttons.addWidget(self.copy_pem)
        buttons.addWidget(self.export_button)
        pem_layout.addLayout(buttons)
        self.pages.addTab(self.pem_box, "&PEM")
        layout.addWidget(self.pages, 1)
        self.show_nothing()

    def _fingerprint_row(self, grid: QGridLayout, row: int, label: str) -> FingerprintLabel:
        value = FingerprintLabel()
        button = QPushButton("Copy")
        button.setToolTip(f"Copy the {label} fingerprint")
        button.clicked.connect(lambda: self._copy(value.value))
        grid.addWidget(QLabel(label), 2 * row, 0)
        grid.addWidget(button, 2 * row, 1, Qt.AlignmentFlag.AlignRight)
        grid.addWidget(value, 2 * row + 1, 0, 1, 2)  # the whole width: fewer, longer lines
        return value

    @staticmethod
    def _copy(text: str) -> None:
        if text:
            QGuiApplication.clipboard().setText(text)

    # --- content -----------------------------------------------------------------------------
    def show_nothing(self) -> None:
        self._cert, self._entry = None, None
        self.title.setText("Select an entry to see its details.")
        self.fields.clear()
        self._show_certificate_parts(None)

    def show_entry(self, entry: Entry | None, cert: Certificate | None) -> None:
        if entry is None:
            self.show_nothing()
            return
        self._entry, self._cert = entry, cert
        self.fields.clear()
        if cert is None:
            self.title.setText(f"{shown(entry.alias)} — {KIND_TEXT[entry.kind].lower()}")
            self._fill(self.fields.invisibleRootItem(), key_fields(entry))
        else:
            try:
                heading = cert.common_name("subject")
                fields = certificate_fields(cert, self.now_provider())
            except (KeystoreError, ValueError) as exc:
                heading, fields = "unreadable certificate", [("Error", str(exc), ())]
            alias = shown(entry.alias)
            where = alias if cert is entry.certificate else f"in the chain of {alias}"
            self.title.setText(f"{shown(heading)}  ({where})")
            if cert is entry.certificate:
                entry_item = QTreeWidgetItem(["Entry", alias])
                self.fields.addTopLevelItem(entry_item)
                self._fill(entry_item, key_fields(entry))
            self._fill(self.fields.invisibleRootItem(), fields)
        self.fields.expandToDepth(0)
        self._show_certificate_parts(cert)

    def _fill(self, parent: QTreeWidgetItem, items: Iterable[Any]) -> None:
        for raw in items:
            label, value, children = _as_field(raw)
            value = shown(value)  # every field is one line (the PEM has a page of its own)
            item = QTreeWidgetItem([shown(label), value])
            if value:  # the whole value, however narrow the pane
                item.setToolTip(1, shown_tip(value))
            parent.addChild(item)
            if children:
                self._fill(item, children)

    def _show_certificate_parts(self, cert: Certificate | None) -> None:
        self.fingerprints.setVisible(cert is not None)
        self.pages.setTabVisible(1, cert is not None)
        if cert is None:
            self.sha1_label.set_value("")
            self.sha256_label.set_value("")
            self.pem_text.clear()
            return
        self.sha1_label.set_value(_colons(cert.sha1))
        self.sha256_label.set_value(_colons(cert.sha256))
        self.pem_text.setPlainText(cert.pem)

    @property
    def certificate(self) -> Certificate | None:
        return self._cert

    def export_certificate(self) -> None:
        cert = self._cert
        if cert is None:
            return
        name = cert.common_name("subject") or "certificate"
        safe = "".join(ch if ch.isalnum() or ch in "-_." else "_" for ch in name)
        path, chosen = QFileDialog.getSaveFileName(
            self,
            "Export certificate",
            f"{safe}.pem",
            "PEM certificate (*.pem *.crt);;DER certificate (*.cer *.der)",
        )
        if not path:
            return
        data = cert.der if chosen.startswith("DER") else cert.pem.encode("ascii")
        try:
            write_output_file(path, data, overwrite=True)  # the file dialog asked
        except KeystoreError as exc:
            msgbox.error(self, "Export failed", str(exc))


class FingerprintLabel(QLabel):
    """A fingerprint in full, wrapped between its bytes when the pane is narrow."""

    def __init__(self) -> None:
        super().__init__()
        self.value = ""
        self.setFont(_monospace())
        self.setWordWrap(True)
        self.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

    def set_value(self, value: str) -> None:
        self.value = value
        self.setText(value.replace(":", ":\u200b"))  # a zero-width space: a place to break


def _colons(hex_digest: str) -> str:
    upper = hex_digest.upper()
    return ":".join(upper[i : i + 2] for i in range(0, len(upper), 2))

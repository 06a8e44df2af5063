"""Key generation actions: Generate Key Pair (Ctrl+G), Sign CSR, and for a key entry Generate
CSR, Import CA Reply and Renew. Keys and signatures are made off the GUI thread."""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from cryptography import x509
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog, QInputDialog

from ...core import certbuild as cb
from ...core.chain import is_issued_by
from ...core.errors import KeystoreError
from ...core.io import read_bytes, write_output_file
from ...core.model import Certificate, Entry, EntryKind, common_name
from ...core.rules import key_password_must_be_ascii
from .. import msgbox, operations
from ..csr_dialog import CsrDialog, CsrRequest
from ..generate_dialog import GenerateKeyPairDialog, GenerateKeyPairResult, IssuerChoice
from ..shown import shown
from ..undo import ReplaceChain

if TYPE_CHECKING:
    from ..main_window import MainWindow
    from ..tab import KeystoreTab

CERTIFICATE_FILTERS = "Certificates (*.pem *.crt *.cer *.der *.p7b *.p7c);;All files (*)"
CSR_FILTERS = "Certificate requests (*.csr *.pem *.req *.der);;All files (*)"


def install(window: MainWindow) -> None:
    add = window.add_action
    add(
        "tools",
        "generate_key_pair",
        "&Generate key pair…",
        lambda: generate_key_pair(window),
        "Ctrl+G",
        tip="A new key pair with a self-signed or CA-signed certificate",
    )
    sign = add(
        "tools",
        "sign_csr",
        "Sign a certificate &request…",
        lambda: sign_csr(window),
        "Ctrl+Shift+G",
        tip="Sign a PKCS#10 request with a CA entry of an open keystore",
    )
    window.menu("entry").addSeparator()
    csr = add(
        "entry", "generate_csr", "Generate &CSR…", lambda: generate_csr(window), "Ctrl+Shift+R"
    )
    reply = add(
        "entry",
        "import_ca_reply",
        "Import CA re&ply…",
        lambda: import_ca_reply(window),
        "Ctrl+Shift+I",
    )
    renew_action = add("entry", "renew", "Re&new certificate…", lambda: renew(window), "Ctrl+Alt+R")
    for action in (csr, reply, renew_action):
        action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)

    def update() -> None:
        key_entry = _selected_key_entry(window) is not None
        for action in (csr, reply, renew_action):
            action.setEnabled(key_entry)
        sign.setEnabled(bool(window.tabs()))

    window.state_changed.connect(update)
    update()


def _selected_key_entry(window: MainWindow) -> Entry | None:
    tab = window.current_tab()
    entries = tab.selected_entries() if tab else []
    if len(entries) == 1 and entries[0].kind is EntryKind.PRIVATE_KEY and entries[0].chain:
        return entries[0]
    return None


def available_issuers(window: MainWindow) -> list[IssuerChoice]:
    """The CA private-key entries of every open keystore. A key the store password opens is
    unlocked now; one with a password of its own is asked for when it is used."""
    choices = []
    for tab in window.tabs():
        for entry in tab.store.entries:
            if entry.kind is not EntryKind.PRIVATE_KEY or not entry.chain:
                continue
            if not cb.is_ca_certificate(entry.chain[0]):
                continue
            if entry.is_locked and tab.store.password is not None:
                with contextlib.suppress(KeystoreError):
                    tab.store.unlock(entry)
            label = f"{shown(entry.alias)} ({tab.display_name})"
            if entry.is_locked:
                label += ", key password needed"
            choices.append(IssuerChoice(label, entry))
    return choices


def with_issuer_unlocked(
    window: MainWindow, entry: Entry | None, then: Callable[[], object]
) -> None:
    """Run ``then()`` once the issuer's key is usable, asking for its own password if needed."""
    if entry is None or not entry.is_locked:
        then()
        return
    tab = next((t for t in window.tabs() if any(e is entry for e in t.store.entries)), None)
    if tab is None:
        msgbox.error(window, "Issuer", f"the keystore holding '{shown(entry.alias)}' was closed")
        return
    tab.unlock_entry(entry, then)


# --- generate --------------------------------------------------------------------------------


def generate_key_pair(window: MainWindow) -> GenerateKeyPairDialog:
    """Open the dialog for the current keystore (a new one if none is open)."""
    tab = window.current_tab()
    if tab is None:
        window.new_keystore()
        tab = window.current_tab()
        assert tab is not None
    store = tab.store
    dialog = GenerateKeyPairDialog(
        parent=window,
        issuers=available_issuers(window),
        existing_aliases=store.aliases(),
        has_entry_passwords=store.store_type.has_entry_passwords,
        ascii_passwords=key_password_must_be_ascii(store.store_type),
        case_insensitive_aliases=store.store_type.case_insensitive_aliases,
    )
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    target = tab
    dialog.accepted.connect(lambda: _generate(window, target, dialog.result_value()))
    dialog.open()
    return dialog


def _generate(window: MainWindow, tab: KeystoreTab, result: GenerateKeyPairResult) -> None:
    assert result.key_spec is not None
    label = f"Generating a {result.key_spec.label} key…"

    def done(entry: Entry) -> None:
        if tab.store.find(entry.alias) is not None:
            msgbox.error(
                window, "Generate key pair", f"alias '{shown(entry.alias)}' is already in use"
            )
            return
        if entry.key_password is not None and entry.key_password == tab.store.password:
            entry.key_password = None
        tab.add_entries([entry], f"Generate key pair '{shown(entry.alias)}'")

    with_issuer_unlocked(
        window,
        result.issuer_entry,
        lambda: operations.run_in_background(tab, result.generate, on_success=done, label=label),
    )


# --- CSR -------------------------------------------------------------------------------------


def generate_csr(window: MainWindow) -> CsrDialog | None:
    """The request dialog for the selected key entry, then where to save the request."""
    tab = window.current_tab()
    entry = _selected_key_entry(window)
    if tab is None or entry is None or entry.certificate is None:
        return None
    dialog = CsrDialog(window, alias=entry.alias, cert=entry.certificate)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.accepted.connect(lambda: _save_csr(window, tab, entry, dialog.result_value()))
    dialog.open()
    return dialog


def _save_csr(window: MainWindow, tab: KeystoreTab, entry: Entry, request: CsrRequest) -> None:
    suffix = "der" if request.der else "csr"
    name, _ = QFileDialog.getSaveFileName(
        window, f"Save a request for '{entry.alias}'", f"{entry.alias}.{suffix}", CSR_FILTERS
    )
    if not name:
        return

    def work() -> None:
        write_output_file(name, request.build(cb.issuer_key(entry.private_key)), overwrite=True)

    def start() -> None:
        operations.run_in_background(
            tab,
            work,
            on_success=lambda _r: window.statusBar().showMessage(
                shown(f"Saved request {name}"), 5000
            ),
            label="Writing the request…",
        )

    tab.unlock_entry(entry, start)


def sign_csr(window: MainWindow) -> None:
    name, _ = QFileDialog.getOpenFileName(window, "Sign a certificate request", "", CSR_FILTERS)
    if not name:
        return
    operations.run_in_background(
        window,
        lambda: cb.load_csr(read_bytes(name)),
        on_success=lambda csr: _choose_signer(window, csr),
        on_failure=lambda exc: msgbox.error(
            window, "Sign certificate request", f"{Path(name).name}: {operations.describe(exc)}"
        ),
        label=f"Reading {Path(name).name}…",
    )


def _choose_signer(window: MainWindow, csr: x509.CertificateSigningRequest) -> None:
    issuers = available_issuers(window)
    if not issuers:
        msgbox.error(
            window,
            "Sign certificate request",
            "no CA key entry is open: open a keystore holding a CA's private key first",
        )
        return
    selected = _selected_key_entry(window)
    default = next((c.label for c in issuers if c.entry is selected), None)
    dialog = GenerateKeyPairDialog(parent=window, issuers=issuers, csr=csr, default_issuer=default)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.accepted.connect(lambda: _sign(window, csr, dialog.result_value()))
    dialog.open()


def _sign(
    window: MainWindow, csr: x509.CertificateSigningRequest, result: GenerateKeyPairResult
) -> None:
    def done(chain: list[Certificate]) -> None:
        cn = common_name(csr.subject) or "certificate"
        name, _ = QFileDialog.getSaveFileName(
            window, "Save the signed certificate and its chain", f"{cn}.pem", CERTIFICATE_FILTERS
        )
        if not name:
            return
        try:
            write_output_file(name, cb.encode_chain(chain, name), overwrite=True)
        except KeystoreError as exc:
            msgbox.error(window, "Sign certificate request", str(exc))
            return
        window.statusBar().showMessage(shown(f"Saved {name}"), 5000)

    with_issuer_unlocked(
        window,
        result.issuer_entry,
        lambda: operations.run_in_background(
            window, lambda: result.sign(csr), on_success=done, label="Signing the request…"
        ),
    )


# --- CA reply and renewal --------------------------------------------------------------------


def import_ca_reply(window: MainWindow) -> None:
    tab = window.current_tab()
    entry = _selected_key_entry(window)
    if tab is None or entry is None:
        return
    name, _ = QFileDialog.getOpenFileName(
        window, f"Import a CA reply for '{entry.alias}'", "", CERTIFICATE_FILTERS
    )
    if not name:
        return
    anchors = [cert for other in window.tabs() for _e, cert in other.store.certificates()]

    def read_and_check() -> list[Certificate]:
        return cb.import_ca_reply(entry, cb.read_certificates(read_bytes(name)), anchors)

    def replace(chain: list[Certificate]) -> None:
        tab.undo_stack.push(
            ReplaceChain(entry, chain, tab.refresh_entry, f"Import CA reply into '{entry.alias}'")
        )

    operations.run_in_background(
        tab,
        read_and_check,
        on_success=replace,
        on_failure=lambda exc: msgbox.error(window, "Import CA reply", operations.describe(exc)),
        label="Reading the CA reply…",
    )


def issuing_entry(window: MainWindow, entry: Entry) -> Entry | None:
    """The open CA entry that signed ``entry``'s certificate (``None`` when self-signed)."""
    cert = entry.certificate
    assert cert is not None
    if cb.is_self_signed(cert):
        return None
    for choice in available_issuers(window):
        if is_issued_by(cert, choice.certificate):
            return choice.entry
    raise cb.CertificateInputError(
        f"the CA that issued '{entry.alias}' ({cert.issuer}) is not open: open the keystore "
        "holding its private key to renew"
    )


def renew(window: MainWindow) -> None:
    tab = window.current_tab()
    entry = _selected_key_entry(window)
    if tab is None or entry is None or entry.certificate is None:
        return
    try:
        issuer_entry = issuing_entry(window, entry)
    except KeystoreError as exc:
        msgbox.error(window, "Renew certificate", str(exc))
        return
    old = entry.certificate
    days_before = max(1, (old.not_after - old.not_before).days)
    days, ok = QInputDialog.getInt(
        window,
        "Renew certificate",
        f"New validity of '{entry.alias}' in days, from now:",
        days_before,
        1,
        36500,
    )
    if not ok:
        return

    def work() -> list[Certificate]:
        issuer = cb.Issuer.from_entry(issuer_entry) if issuer_entry is not None else None
        return cb.renew(entry, cb.Validity.from_period(days), issuer)

    def done(chain: list[Certificate]) -> None:
        tab.undo_stack.push(
            ReplaceChain(entry, chain, tab.refresh_entry, f"Renew '{shown(entry.alias)}'")
        )

    def start() -> None:
        operations.run_in_background(tab, work, on_success=done, label=f"Renewing {entry.alias}…")

    tab.unlock_entry(entry, lambda: with_issuer_unlocked(window, issuer_entry, start))

"""Make the README's screenshots on a real X server:

    python docs/screenshots/make_screenshots.py

Starts its own Xvfb (``-displayfd``, so it never collides with another display) and runs Qt's xcb
platform on it: real font metrics, as users see them, which the offscreen platform does not have.
With ``--display :N`` it uses a running X server instead. The keystores shown are made here, in
memory, with real certificates: a Tomcat keystore (a key pair with its three-certificate chain,
trusted certificates in every state) and a client truststore. Writes next to this file:

- ``main-window.png`` (1280x800) and ``light.png`` / ``dark.png`` (1024x640): the main window;
- ``trust-chain.png``: the trust chain of an entry whose issuing CA has expired;
- ``copy-dialog.png``: copying a chain into the truststore, one alias taken, one already present;
- ``generate-dialog.png``, ``generate-dialog-extensions.png``: Generate Key Pair, TLS server.

Needs ``Xvfb`` and Qt's xcb libraries (Debian: ``xvfb libxcb-cursor0``).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from keystore_gui.core.model import Certificate, Entry, EntryKind, Keystore, StoreType

HERE = Path(__file__).resolve().parent
NOW = dt.datetime.now(dt.UTC)
Issuer = tuple[x509.Certificate, ec.EllipticCurvePrivateKey]


# --- the keystores shown ---------------------------------------------------------------------


def _cert(
    cn: str,
    *,
    org: str = "Example Shop",
    issuer: Issuer | None = None,
    days: int = 365,
    start_days: int = -30,
    ca: bool = False,
) -> Issuer:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name(
        [
            x509.NameAttribute(NameOID.COMMON_NAME, cn),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, org),
        ]
    )
    issuer_name, issuer_key = (issuer[0].subject, issuer[1]) if issuer else (name, key)
    builder = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(issuer_name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(NOW + dt.timedelta(days=start_days))
        .not_valid_after(NOW + dt.timedelta(days=days))
        .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), False)
    )
    if issuer is not None:
        builder = builder.add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer[1].public_key()), False
        )
    if ca:
        usage = x509.KeyUsage(False, False, False, False, False, True, True, False, False)
        builder = builder.add_extension(usage, critical=True)
    else:
        builder = builder.add_extension(
            x509.SubjectAlternativeName([x509.DNSName(cn)]), critical=False
        ).add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), False)
    return builder.sign(issuer_key, hashes.SHA256()), key


def _model(issued: Issuer) -> Certificate:
    return Certificate.from_x509(issued[0])


class Demo:
    """The Tomcat keystore and the client truststore of the screenshots."""

    def __init__(self) -> None:
        root = _cert("Example Root CA", ca=True, days=3650, start_days=-400)
        inter = _cert("Example Issuing CA", issuer=root, ca=True, days=1800, start_days=-300)
        old = _cert("Example Old Issuing CA", issuer=root, ca=True, days=-9, start_days=-900)
        shop = _cert("www.shop.example", issuer=inter, days=19)
        legacy = _cert("legacy.shop.example", issuer=old, days=120, start_days=-200)
        partner = _cert("Partner Gateway CA", org="Partner Ltd", ca=True, days=-23, start_days=-800)
        future = _cert("payments.partner.example", org="Partner Ltd", days=400, start_days=6)
        bank = _cert("Example Bank Services Root CA 2031", org="Example Bank", ca=True, days=2000)
        taken = _cert("tomcat.old.shop.example", issuer=inter, days=60)
        self.root, self.inter, self.shop = root, inter, shop

        def trusted(alias: str, issued: Issuer) -> Entry:
            return Entry(alias, EntryKind.TRUSTED_CERT, [_model(issued)])

        self.keystore = Keystore(
            StoreType.JKS,
            [
                Entry(
                    "tomcat",
                    EntryKind.PRIVATE_KEY,
                    [_model(shop), _model(inter), _model(root)],
                    key=shop[1],
                ),
                Entry(
                    "legacy", EntryKind.PRIVATE_KEY, [_model(legacy), _model(old)], key=legacy[1]
                ),
                trusted("example-root-ca", root),
                trusted("partner-gateway-ca", partner),
                trusted("payments-partner-2", future),
                trusted("example_bank_services_root_ca_2031", bank),
            ],
            password="changeit",
        )
        self.truststore = Keystore(
            StoreType.PKCS12,
            [
                trusted("example-root-ca", root),
                trusted("tomcat", taken),
                trusted("example_bank_services_root_ca_2031", bank),
            ],
            password="s3cret-truststore",
        )


# --- the X server ----------------------------------------------------------------------------


@contextmanager
def xvfb() -> Iterator[str]:
    """A private Xvfb for as long as the block runs; yields its display (``:N``)."""
    read_end, write_end = os.pipe()
    server = subprocess.Popen(
        ["Xvfb", "-displayfd", str(write_end), "-screen", "0", "1600x1000x24", "-nolisten", "tcp"],
        pass_fds=(write_end,),
        stderr=subprocess.DEVNULL,
    )
    os.close(write_end)
    try:
        with os.fdopen(read_end) as announced:
            number = announced.readline().strip()
        if not number:
            raise SystemExit("Xvfb did not start")
        yield f":{number}"
    finally:
        server.terminate()
        server.wait(timeout=10)


# --- grabbing --------------------------------------------------------------------------------


def settle(seconds: float = 0.6) -> None:
    """Let background work (health checks, sorting) finish and the windows repaint."""
    from PySide6.QtWidgets import QApplication

    from keystore_gui.gui import operations

    app = QApplication.instance()
    assert app is not None
    quiet_until = time.monotonic() + seconds  # checks start after short debounce timers
    deadline = time.monotonic() + 30
    while (operations.running() or time.monotonic() < quiet_until) and time.monotonic() < deadline:
        app.processEvents()
        time.sleep(0.02)
    for _ in range(5):
        app.processEvents()


def save(widget: object, name: str) -> None:
    from PySide6.QtWidgets import QWidget

    assert isinstance(widget, QWidget)
    settle(0.3)
    path = HERE / name
    widget.grab().save(str(path))
    print(f"{path.relative_to(HERE.parent.parent)}: {widget.width()}x{widget.height()}")


def main_window(demo: Demo, scheme: str, size: tuple[int, int], name: str) -> None:
    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QApplication

    from keystore_gui.gui.main_window import MainWindow
    from keystore_gui.gui.theme import ColorSchemeFollower

    follower = ColorSchemeFollower(QApplication.instance(), scheme)
    with tempfile.TemporaryDirectory() as scratch:
        settings = QSettings(str(Path(scratch) / "s.ini"), QSettings.Format.IniFormat)
        window = MainWindow(settings)
        window.resize(*size)
        window.show()
        window.add_store_tab(demo.truststore, "/srv/tomcat/conf/client-truststore.p12")
        tab = window.add_store_tab(demo.keystore, "/srv/tomcat/conf/keystore.jks")
        settle()
        tab.tree.expand(tab.proxy.index(_row(tab, "tomcat"), 0))
        tab.select_entry(demo.keystore.get("tomcat"))  # type: ignore[arg-type]
        save(window, name)
        for other in window.tabs():
            other.undo_stack.setClean()
        window.close()
        window.deleteLater()
    follower.deleteLater()
    settle(0.1)


def _row(tab: object, alias: str) -> int:
    proxy = tab.proxy  # type: ignore[attr-defined]
    return next(r for r in range(proxy.rowCount()) if proxy.index(r, 0).data() == alias)


def dialogs(demo: Demo) -> None:
    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QApplication

    from keystore_gui.core.truststore import What
    from keystore_gui.gui.chain_view import TrustChainDialog
    from keystore_gui.gui.copy_dialog import CopyDialog, CopyTarget
    from keystore_gui.gui.generate_dialog import GenerateKeyPairDialog
    from keystore_gui.gui.theme import ColorSchemeFollower

    follower = ColorSchemeFollower(QApplication.instance(), "light")
    legacy = demo.keystore.get("legacy")
    assert legacy is not None
    open_stores = [
        ("keystore.jks", demo.keystore),
        ("client-truststore.p12", demo.truststore),
    ]
    chain = TrustChainDialog(entry=legacy, store=demo.keystore, open_stores=open_stores)
    chain.resize(1000, 520)
    chain.show()
    chain.purpose.setCurrentIndex(chain.purpose.findData("tls-server"))
    save(chain, "trust-chain.png")
    chain.close()

    tomcat = demo.keystore.get("tomcat")
    assert tomcat is not None
    with tempfile.TemporaryDirectory() as scratch:
        settings = QSettings(str(Path(scratch) / "s.ini"), QSettings.Format.IniFormat)
        copy = CopyDialog(
            entries=[tomcat],
            targets=[CopyTarget(name, store) for name, store in open_stores],
            source_target=0,
            what=What.CHAIN,
            settings=settings,
        )
        copy.show()
        save(copy, "copy-dialog.png")
        copy.close()

    generate = GenerateKeyPairDialog(existing_aliases=[e.alias for e in demo.keystore])
    generate.show()
    save(generate, "generate-dialog.png")
    generate.key_type.setCurrentIndex(generate.key_type.findText("EC"))
    generate.dn_fields["CN"].setText("api.shop.example")
    generate.dn_fields["O"].setText("Example Shop")
    generate.dn_fields["C"].setText("LK")
    generate.template.setCurrentIndex(generate.template.findData("tls-server"))
    generate.tabs.setCurrentIndex(2)
    save(generate, "generate-dialog-extensions.png")
    generate.close()
    follower.deleteLater()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--display", help="a running X server to use instead of a new Xvfb")
    args = parser.parse_args()
    if args.display:
        return grab_all(args.display)
    with xvfb() as display:
        return grab_all(display)


def grab_all(display: str) -> int:
    os.environ["DISPLAY"] = display
    os.environ["QT_QPA_PLATFORM"] = "xcb"  # a real X server, not the offscreen platform
    from keystore_gui.gui.app import KeystoreApplication

    app = KeystoreApplication(sys.argv[:1])
    demo = Demo()
    main_window(demo, "light", (1280, 800), "main-window.png")
    main_window(demo, "light", (1024, 640), "light.png")
    main_window(demo, "dark", (1024, 640), "dark.png")
    dialogs(demo)
    app.quit()
    return 0


if __name__ == "__main__":
    sys.exit(main())

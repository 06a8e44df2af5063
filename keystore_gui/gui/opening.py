"""Opening files: read and parse off the GUI thread, try known passwords, ask for the rest.

Files open one after another, so password dialogs never pile up. A wrong password says so and
asks again; Cancel skips the file; a bad file gets the core's one-line message.
"""

from __future__ import annotations

import glob
import os
from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt

from ..core.errors import KeystoreError, WrongPasswordError
from ..core.formats import detect
from ..core.io import check_structure, load_keystore, read_bytes
from ..core.model import Keystore, StoreType
from . import msgbox, operations
from .password_dialog import PasswordDialog

if TYPE_CHECKING:
    from .main_window import MainWindow

FOLDER_PASSWORDS = ("wso2carbon", "changeit")
"""The well-known default passwords of WSO2 products and of Java/Tomcat, tried before asking."""


def java_cacerts_candidates(environ: os._Environ[str] | dict[str, str] | None = None) -> list[Path]:
    """Where the Java CA certificates may be: ``$JAVA_HOME`` first, then the system's."""
    env = os.environ if environ is None else environ
    found: list[Path] = []
    java_home = env.get("JAVA_HOME")
    if java_home:
        found += [
            Path(java_home, "lib", "security", "cacerts"),
            Path(java_home, "jre", "lib", "security", "cacerts"),
        ]
    found.append(Path("/etc/ssl/certs/java/cacerts"))
    found += [Path(p) for p in sorted(glob.glob("/usr/lib/jvm/*/lib/security/cacerts"))]
    return list(dict.fromkeys(found))


@dataclass(frozen=True)
class OpenRequest:
    path: Path
    candidates: tuple[str, ...] = ()
    """Passwords to try before asking (a notice in the tab says which one worked)."""


@dataclass
class Loaded:
    store: Keystore
    password_used: str | None


@dataclass
class NeedsPassword:
    data: bytes
    store_type: StoreType


def first_attempt(request: OpenRequest) -> Loaded | NeedsPassword:
    """Worker side: read, detect, check what can be checked without a password (a truncated
    file says so before asking for one), and open with no password or a candidate that works."""
    data = read_bytes(request.path)
    kind = detect(data, str(request.path))
    if not kind.has_password:
        return Loaded(load_keystore(data, None, kind, str(request.path)), None)
    check_structure(data, kind)
    for candidate in request.candidates:
        try:
            return Loaded(load_keystore(data, candidate, kind, str(request.path)), candidate)
        except WrongPasswordError:
            continue
    return NeedsPassword(data, kind)


def keystores_in(folder: Path) -> list[Path]:
    """Worker side: the files in ``folder`` whose content is a password-protected keystore."""
    found: list[Path] = []
    try:
        names = sorted(os.listdir(folder))
    except OSError as exc:
        raise KeystoreError(f"cannot read folder {folder}: {exc.strerror or exc}") from None
    for name in names:
        path = folder / name
        try:
            if not path.is_file() or path.stat().st_size == 0:
                continue
            with path.open("rb") as fh:
                head = fh.read(64 * 1024)
            if detect(head, name).has_password:
                found.append(path)
        except (OSError, KeystoreError):
            continue
    return found


class Opener(QObject):
    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self._queue: deque[OpenRequest] = deque()
        self._busy = False

    def open(self, requests: Sequence[OpenRequest]) -> None:
        self._queue.extend(requests)
        self._next()

    def open_folder(self, folder: Path) -> None:
        def found(paths: list[Path]) -> None:
            if not paths:
                msgbox.information(self.window, "Open folder", f"No keystore found in {folder}.")
                return
            self.open([OpenRequest(p, FOLDER_PASSWORDS) for p in paths])

        operations.run_in_background(
            self.window,
            lambda: keystores_in(folder),
            on_success=found,
            label=f"Looking for keystores in {folder.name}…",
        )

    @property
    def busy(self) -> bool:
        return self._busy or bool(self._queue)

    def _next(self) -> None:
        if self._busy or not self._queue:
            return
        request = self._queue.popleft()
        existing = self.window.tab_for_path(request.path)
        if existing is not None:
            self.window.tab_widget.setCurrentWidget(existing)
            self._next()
            return
        self._busy = True
        operations.run_in_background(
            self.window,
            lambda: first_attempt(request),
            on_success=lambda result: self._attempted(request, result),
            on_failure=lambda exc: self._failed(request, exc),
            label=f"Opening {request.path.name}…",
        )

    def _done(self) -> None:
        self._busy = False
        self._next()

    def _attempted(self, request: OpenRequest, result: Loaded | NeedsPassword) -> None:
        if isinstance(result, Loaded):
            self._show(request, result.store, result.password_used)
        else:
            self._ask(request, result, None)

    def _show(self, request: OpenRequest, store: Keystore, password_used: str | None) -> None:
        notice = None
        if password_used is not None:
            notice = (
                f"Opened with the well-known default password “{password_used}”. "
                "Anyone who knows it can read the keys in this file; consider changing it "
                "with Set store password… in the Tools menu."
            )
        self.window.add_store_tab(store, request.path, notice=notice)
        self._done()

    def _failed(self, request: OpenRequest, exc: BaseException) -> None:
        msgbox.error(self.window, f"Cannot open {request.path.name}", operations.describe(exc))
        self._done()

    def _ask(self, request: OpenRequest, pending: NeedsPassword, error: str | None) -> None:
        dialog = PasswordDialog(
            self.window,
            title="Keystore password",
            prompt=f"Password for {request.path.name}\n({request.path.absolute().parent})",
            error=error,
        )
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)

        def accepted() -> None:
            assert dialog.result_value is not None
            password = dialog.result_value.password
            operations.run_in_background(
                self.window,
                lambda: load_keystore(
                    pending.data, password, pending.store_type, str(request.path)
                ),
                on_success=lambda store: self._show(request, store, None),
                on_failure=lambda exc: self._retry(request, pending, exc),
                label=f"Opening {request.path.name}…",
            )

        dialog.accepted.connect(accepted)
        dialog.rejected.connect(self._done)
        dialog.open()

    def _retry(self, request: OpenRequest, pending: NeedsPassword, exc: BaseException) -> None:
        if isinstance(exc, WrongPasswordError):
            self._ask(
                request,
                pending,
                f"Wrong password for {request.path.name}. Try again, or Cancel to skip it.",
            )
        else:
            self._failed(request, exc)

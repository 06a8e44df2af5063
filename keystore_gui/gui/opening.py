"""Opening files: read and parse off the GUI thread, try known passwords, ask for the rest.

Files open one after another, so password dialogs never pile up. A wrong password says so and
asks again; Cancel skips the file; a bad file gets the core's one-line message.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from PySide6.QtCore import QObject, Qt, Signal

from ..core.errors import WrongPasswordError
from ..core.io import walk_store
from ..core.model import Keystore
from ..core.opening import WELL_KNOWN_PASSWORDS, NeedsPassword, Opened, keystores_in, try_open
from ..core.order import sort_by_alias
from . import msgbox, operations
from .model import ModelHints, model_hints
from .password_dialog import PasswordDialog
from .settings import Settings
from .shown import shown
from .tab import alias_order

if TYPE_CHECKING:
    from .main_window import MainWindow

DEFAULT_PASSWORDS = WELL_KNOWN_PASSWORDS
"""Tried before asking, for every file opened (unless Preferences turn it off)."""


@dataclass(frozen=True)
class OpenRequest:
    path: Path
    candidates: tuple[str, ...] = ()
    """Passwords to try before asking (a notice in the tab says which one worked)."""


class Opener(QObject):
    settled = Signal()
    """A file's reading ended (opened, failed, or waiting for a password)."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self._queue: deque[OpenRequest] = deque()
        self._busy = False

    def open(self, requests: Sequence[OpenRequest]) -> None:
        self._queue.extend(requests)
        self._next()

    def open_files(self, paths: Sequence[Path]) -> None:
        """Open files the user chose, trying the well-known defaults first as for a folder:
        a WSO2 or Tomcat store opens without a question, and the tab says how."""
        self.open([OpenRequest(p, self._candidates()) for p in paths])

    def _candidates(self) -> tuple[str, ...]:
        return DEFAULT_PASSWORDS if Settings(self.window.settings).try_default_passwords else ()

    def open_folder(self, folder: Path) -> None:
        def found(paths: list[Path]) -> None:
            if not paths:
                self.settled.emit()
                msgbox.information(self.window, "Open folder", f"No keystore found in {folder}.")
                return
            self.open_files(paths)

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
        order = alias_order(self.window.settings)
        operations.run_in_background(
            self.window,
            lambda: walk_store(
                lambda: _prepared(try_open(request.path, request.candidates), order)
            ),
            on_success=lambda read: self._attempted(request, *read),
            on_failure=lambda exc: self._failed(request, exc),
            label=f"Opening {request.path.name}…",
        )

    def _done(self) -> None:
        self._busy = False
        self._next()

    def _attempted(
        self, request: OpenRequest, result: Opened | NeedsPassword, hints: ModelHints | None
    ) -> None:
        if isinstance(result, Opened):
            self._show(request, result.store, result.password_used, result.digest, hints)
            self.settled.emit()  # after the tab is added: what waits for settling sees it
        else:
            self.settled.emit()
            self._ask(request, result, None)

    def _show(
        self,
        request: OpenRequest,
        store: Keystore,
        password_used: str | None,
        digest: bytes | None,
        hints: ModelHints | None = None,
    ) -> None:
        notice = None
        if store.unverified:
            notice = (
                "Opened read-only without the password: the integrity of this file was NOT "
                "checked, so its content may have been changed. Keys stay encrypted; nothing "
                "can be saved. Reopen it with its password to edit it."
            )
        elif password_used is not None:
            notice = (
                f"Opened with the well-known default password “{password_used}”. "
                "Anyone who knows it can read the keys in this file; consider changing it "
                "with Set store password… in the Tools menu."
            )
        self.window.add_store_tab(store, request.path, notice=notice, digest=digest, hints=hints)
        self._done()

    def _failed(self, request: OpenRequest, exc: BaseException) -> None:
        self.settled.emit()
        msgbox.error(self.window, f"Cannot open {request.path.name}", operations.describe(exc))
        self._done()

    def _ask(self, request: OpenRequest, pending: NeedsPassword, error: str | None) -> None:
        dialog = PasswordDialog(
            self.window,
            title="Keystore password",
            prompt=f"Password for {shown(request.path.name)}\n"
            f"({shown(str(request.path.absolute().parent))})",
            error=error,
            offer_unverified=pending.readable_without_password,
        )
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)

        order = alias_order(self.window.settings)

        def accepted() -> None:
            if dialog.unverified:
                operations.run_in_background(
                    self.window,
                    lambda: walk_store(lambda: _loaded(pending.load_unverified(), order)),
                    on_success=lambda loaded: self._show(
                        request, loaded[0], None, pending.digest, loaded[1]
                    ),
                    on_failure=lambda exc: self._retry(request, pending, exc),
                    label=f"Opening {request.path.name}…",
                )
                return
            assert dialog.result_value is not None
            password = dialog.result_value.password
            operations.run_in_background(
                self.window,
                lambda: walk_store(lambda: _loaded(pending.load(password), order)),
                on_success=lambda loaded: self._show(
                    request, loaded[0], None, pending.digest, loaded[1]
                ),
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


_T = TypeVar("_T")


def _loaded(store: Keystore, descending: bool | None) -> tuple[Keystore, ModelHints]:
    """In the worker that read ``store``: put it in the tab's alias order (on 100,000 entries
    the window would otherwise stall reordering its rows) and work out the tab's hints."""
    if descending is not None:
        sort_by_alias(store, descending=descending)
    return store, model_hints(store, descending)


def _prepared(
    result: Opened | NeedsPassword, descending: bool | None
) -> tuple[Opened | NeedsPassword, ModelHints | None]:
    if isinstance(result, Opened):
        return result, _loaded(result.store, descending)[1]
    return result, None

"""Feature modules: each adds its actions to the main window with ``install(window)``."""

from __future__ import annotations

import importlib
import pkgutil
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject

from ...core.pacing import give_way

if TYPE_CHECKING:
    from ..tab import KeystoreTab

FEATURE_CORE = (
    "keystore_gui.core.certbuild",
    "keystore_gui.core.chain",
    "keystore_gui.core.health",
    "keystore_gui.core.health_groups",
    "keystore_gui.core.keygen",
    "keystore_gui.core.keypair_export",
    "keystore_gui.core.keypair_import",
    "keystore_gui.core.tls",
    "keystore_gui.core.tlsdiag",
    "keystore_gui.core.truststore",
)
"""What the features import from the core (and through it ``cryptography.x509``): ~50 ms of
imports, done in a worker before the features are installed on the GUI thread."""
PAUSE_MS = 5
"""Between two features' installs: time for input, paints and timers."""


def import_core() -> None:
    for name in FEATURE_CORE:
        give_way()  # one import at a time, between the GUI thread's paints
        importlib.import_module(name)


def feature_modules() -> list[str]:
    """Editing first, then every module of :mod:`keystore_gui.gui.features`: adding a feature
    is adding a module there."""
    return ["keystore_gui.gui.editing"] + [
        f"{__name__}.{m.name}" for m in sorted(pkgutil.iter_modules(__path__))
    ]


def watch_tree_viewport(
    tab: KeystoreTab, watcher: QObject, viewports: dict[QObject, KeystoreTab]
) -> None:
    """Let ``watcher`` filter the events of ``tab``'s tree viewport, drops included (once per
    tab); ``viewports`` maps each watched viewport to its tab while the tab lives."""
    viewport = tab.tree.viewport()
    if viewport in viewports:
        return
    viewports[viewport] = tab
    tab.destroyed.connect(lambda _obj=None, v=viewport: viewports.pop(v, None))
    viewport.setAcceptDrops(True)
    viewport.installEventFilter(watcher)

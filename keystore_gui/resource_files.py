"""Where the project's ``resources/`` folder (icons, desktop entry, MIME types) is at run time.

Installed — a wheel (``setup.py`` maps ``resources/`` onto the package ``keystore_gui.resources``)
or a PyInstaller build (the spec copies it to the same place) — it is inside the package. Run
from a checkout — an editable install, the tests — it is the top-level folder itself.
"""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def _find() -> Path:
    for folder in (_PACKAGE / "resources", _PACKAGE.parent / "resources"):
        if (folder / "icons").is_dir():
            return folder
    return _PACKAGE / "resources"


RESOURCES = _find()


def resource_path(*parts: str) -> Path:
    """``resources/PARTS...`` wherever the app runs from."""
    return RESOURCES.joinpath(*parts)

"""Test setup: Qt runs offscreen, and Qt warnings fail tests (see pyproject's pytest section)."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("XDG_RUNTIME_DIR", "/tmp")

pytest_plugins = ["tests.fixtures"]

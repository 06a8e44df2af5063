"""Background work that gives way to the user.

Python runs one thread at a time. While a worker walks a whole store (the window's search index,
its health check), every Python call the GUI thread makes waits for the worker's turn to end,
and a keystroke that lays out thousands of rows makes thousands of them: typing stuttered. So a
long pass calls :func:`give_way` between entries, and the window calls :func:`user_active` on
every key press, click and wheel turn, and :func:`gui_busy` when it paints or lays out the
entry tree (a paint makes thousands of such calls too): for a moment after each, passes pause.
Nothing calls either in ``keystore-cli``, so there :func:`give_way` never waits.
"""

from __future__ import annotations

import threading
import time

QUIET_S = 0.25
"""How long passes pause after the user's last input."""
BUSY_S = 0.05
"""How long passes pause after the GUI thread started a paint or a layout of the entry tree."""
_STEP_S = 0.01

_quiet_until = 0.0
_MAIN = threading.main_thread()


def user_active(now: float | None = None) -> None:
    """The user just did something: passes in other threads pause for :data:`QUIET_S`."""
    _pause(QUIET_S, now)


def gui_busy(now: float | None = None) -> None:
    """The GUI thread starts a paint or a layout of many rows: passes pause for :data:`BUSY_S`
    (or longer, when the user was active)."""
    _pause(BUSY_S, now)


def _pause(seconds: float, now: float | None) -> None:
    global _quiet_until
    _quiet_until = max(_quiet_until, (time.monotonic() if now is None else now) + seconds)


def give_way() -> None:
    """Between two steps of a long pass: wait while the user is active (never on the main
    thread, which is the one serving the user). Cheap when they are not."""
    if time.monotonic() < _quiet_until and threading.current_thread() is not _MAIN:
        while time.monotonic() < _quiet_until:
            time.sleep(_STEP_S)

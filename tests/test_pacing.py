"""Passes over a store in worker threads pause while the user is active."""

from __future__ import annotations

import threading
import time

import pytest

from keystore_gui.core import pacing


@pytest.fixture(autouse=True)
def _short_quiet(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pacing, "QUIET_S", 0.05)
    monkeypatch.setattr(pacing, "_quiet_until", 0.0)


def test_a_worker_waits_until_the_user_is_quiet() -> None:
    pacing.user_active()
    quiet_from = pacing._quiet_until
    returned: list[float] = []
    worker = threading.Thread(target=lambda: (pacing.give_way(), returned.append(time.monotonic())))
    worker.start()
    worker.join(timeout=10)
    assert returned and returned[0] >= quiet_from


def test_the_main_thread_and_an_idle_user_never_wait() -> None:
    pacing.user_active()
    started = time.monotonic()
    pacing.give_way()  # the main thread serves the user: it never pauses
    assert time.monotonic() < pacing._quiet_until
    pacing._quiet_until = 0.0
    done = threading.Thread(target=pacing.give_way)
    done.start()
    done.join(timeout=10)
    assert not done.is_alive() and time.monotonic() - started < 5


def test_a_paint_pauses_passes_briefly_and_never_shortens_a_pause(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(pacing, "BUSY_S", 0.01)
    pacing.gui_busy(now=100.0)
    assert pacing._quiet_until == pytest.approx(100.01)
    pacing.user_active(now=100.0)
    assert pacing._quiet_until == pytest.approx(100.05)  # QUIET_S, the user's pause
    pacing.gui_busy(now=100.001)
    assert pacing._quiet_until == pytest.approx(100.05)  # a paint does not cut it short
    pacing._quiet_until = 0.0

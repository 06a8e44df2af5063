"""The application shell: its identity, macOS file-open events, the single-instance hand-off,
``--version`` without a display, the About dialog, icons and the colour scheme."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from PySide6.QtCore import QDir, QSize
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from keystore_gui import __version__
from keystore_gui.gui import about, icons, single_instance, theme
from keystore_gui.gui.app import INSTANCE_NAME_ENV

ROOT = Path(__file__).resolve().parents[2]


def child_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    """A child's environment: offscreen Qt, this checkout importable, settings in tmp_path."""
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "XDG_CONFIG_HOME": str(tmp_path)}
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT), env.get("PYTHONPATH", "")])
    env.update(extra)
    return env


def run_child(code: str, tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", code, *args],
        env=child_env(tmp_path),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


# The real KeystoreApplication must be the process's QApplication, so these run in a child.
FILE_OPEN_CHILD = """
import json, sys
from PySide6.QtCore import QCoreApplication, QUrl
from PySide6.QtGui import QFileOpenEvent, QGuiApplication
from keystore_gui.gui.app import KeystoreApplication

class FakeWindow:
    def __init__(self):
        self.calls = []
    def open_paths(self, paths):
        self.calls.append(paths)

app = KeystoreApplication(["keystore-gui"])
window = FakeWindow()
# A document double-clicked in Finder before the window exists waits for it.
QCoreApplication.postEvent(app, QFileOpenEvent(sys.argv[1]))
QCoreApplication.processEvents()
before = list(window.calls)
app.set_window(window)
QCoreApplication.postEvent(app, QFileOpenEvent(QUrl.fromLocalFile(sys.argv[2])))
QCoreApplication.processEvents()
print(json.dumps({
    "before": before,
    "calls": window.calls,
    "name": app.applicationName(),
    "display": app.applicationDisplayName(),
    "organization": app.organizationName(),
    "version": app.applicationVersion(),
    "desktop": QGuiApplication.desktopFileName(),
    "icon_sizes": [s.width() for s in app.windowIcon().availableSizes()],
}))
"""


def test_file_open_event_reaches_open_paths(tmp_path: Path) -> None:
    first, second = tmp_path / "first.jks", tmp_path / "second store.p12"
    proc = run_child(FILE_OPEN_CHILD, tmp_path, str(first), str(second))
    assert proc.returncode == 0, proc.stderr
    result = json.loads(proc.stdout)
    assert result["before"] == []
    assert result["calls"] == [[str(first)], [str(second)]]
    assert result["name"] == "keystore-gui"
    assert result["display"] == "Keystore GUI"
    assert result["organization"] == "keystore-gui"
    assert result["version"] == __version__
    desktop = ROOT / "resources" / "desktop" / f"{result['desktop']}.desktop"
    assert desktop.is_file(), "setDesktopFileName must match the shipped .desktop file"
    assert {16, 32, 48, 256, 512} <= set(result["icon_sizes"])


def test_version_needs_no_display(tmp_path: Path) -> None:
    env = child_env(tmp_path)
    for var in ("QT_QPA_PLATFORM", "DISPLAY", "WAYLAND_DISPLAY"):
        env.pop(var, None)
    proc = subprocess.run(
        [sys.executable, "-m", "keystore_gui.gui.app", "--version"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == f"keystore-gui {__version__}"
    assert proc.stderr == ""


class FakeWindow:
    def __init__(self) -> None:
        self.calls: list[list[str]] = []

    def open_paths(self, paths: list[str]) -> None:
        self.calls.append(paths)


def unique_name() -> str:
    return f"keystore-gui-test-{uuid.uuid4().hex[:12]}"


def test_second_instance_hands_its_files_to_the_first(
    qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    name = unique_name()
    server = single_instance.InstanceServer(name)
    assert server.listen()
    window = FakeWindow()
    server.paths_received.connect(window.open_paths)
    monkeypatch.chdir(tmp_path)
    try:
        # The second instance is the real entry point, in its own process, given a relative path.
        child = subprocess.Popen(
            [sys.executable, "-m", "keystore_gui.gui.app", "server.jks", str(tmp_path / "b.p12")],
            env=child_env(tmp_path, **{INSTANCE_NAME_ENV: name}),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        qtbot.waitUntil(lambda: window.calls != [], timeout=30000)
        out, err = child.communicate(timeout=30)
    finally:
        server.close()
    assert window.calls == [[str(tmp_path / "server.jks"), str(tmp_path / "b.p12")]]
    assert child.returncode == 0, err
    assert out == ""


def test_hand_off_with_no_files_still_reaches_the_window(qtbot: QtBot) -> None:
    name = unique_name()
    server = single_instance.InstanceServer(name)
    assert server.listen()
    received: list[list[str]] = []
    server.paths_received.connect(received.append)
    try:
        with qtbot.waitSignal(server.paths_received, timeout=10000):
            # The client blocks; the server answers from the child process' point of view,
            # so run the client in a thread-free way: a child process again.
            child = subprocess.Popen(
                [
                    sys.executable,
                    "-c",
                    "import sys; from keystore_gui.gui.single_instance import "
                    "send_to_running_instance as s; sys.exit(0 if s([], sys.argv[1]) else 3)",
                    name,
                ],
                env={**os.environ, "PYTHONPATH": str(ROOT)},
            )
        assert child.wait(timeout=30) == 0
    finally:
        server.close()
    assert received == [[]]


def test_nobody_listening_means_start_normally(qtbot: QtBot) -> None:
    assert not single_instance.send_to_running_instance(["/x.jks"], unique_name(), 500)


@pytest.mark.skipif(sys.platform == "win32", reason="named pipes leave no file behind")
def test_a_crashed_instance_socket_is_cleared(qtbot: QtBot) -> None:
    name = unique_name()
    path = os.path.join(QDir.tempPath(), name)
    stale = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    stale.bind(path)
    stale.close()  # the file stays, nobody listens: what a crash leaves
    server = single_instance.InstanceServer(name)
    try:
        assert server.listen()
    finally:
        server.close()


def test_foreign_messages_are_ignored() -> None:
    assert single_instance.decode_message(b"GET / HTTP/1.0\n") is None
    assert single_instance.decode_message(b'{"version": 99, "paths": []}\n') is None
    assert single_instance.decode_message(b'{"version": 1, "paths": [1]}\n') is None
    assert single_instance.decode_message(b"\xff\n") is None
    message = single_instance.encode_message(["/a b/ü.jks"])
    assert single_instance.decode_message(message) == ["/a b/ü.jks"]


def test_socket_name_is_per_user() -> None:
    name = single_instance.server_name()
    assert name.startswith("keystore-gui-")
    assert name == single_instance.server_name()
    assert name != single_instance.server_name("other-app")


def test_about_lists_the_versions_that_matter(qtbot: QtBot) -> None:
    import cryptography
    import PySide6

    dialog = about.AboutDialog()
    qtbot.addWidget(dialog)
    shown = dict(about.versions())
    assert shown["Keystore GUI"] == __version__
    assert shown["PySide6"] == PySide6.__version__
    assert shown["cryptography"] == cryptography.__version__
    for component in ("Qt", "Python", "pyjks", "OpenSSL"):
        assert shown[component] and shown[component] != "unknown"
    dialog.copy_versions()
    clipboard = QApplication.clipboard()
    assert clipboard is not None
    assert f"cryptography: {cryptography.__version__}" in clipboard.text()


def test_every_icon_renders_crisp_at_hidpi(qtbot: QtBot) -> None:
    assert {
        "entry-private-key",
        "entry-trusted-cert",
        "entry-secret-key",
        "status-valid",
        "status-expiring",
        "status-expired",
        "status-not-yet-valid",
        "action-open",
        "action-save",
    } <= set(icons.names())
    for name in icons.names():
        pixmap = icons.icon(name).pixmap(QSize(16, 16), 2.0)
        assert pixmap.size() == QSize(32, 32), name
        assert pixmap.devicePixelRatio() == 2.0
        image = pixmap.toImage()
        assert any(image.pixelColor(x, y).alpha() > 0 for x in range(32) for y in range(32)), name
    with pytest.raises(KeyError):
        icons.icon("no-such-icon")


def test_action_icons_take_the_text_colour(qtbot: QtBot) -> None:
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    old = app.palette()
    try:
        for palette in (theme.dark_palette(), app.style().standardPalette()):
            app.setPalette(palette)
            image = icons.icon("action-details").pixmap(QSize(32, 32)).toImage()
            opaque = [
                image.pixelColor(x, y)
                for x in range(32)
                for y in range(32)
                if image.pixelColor(x, y).alpha() == 255
            ]
            text = palette.color(QPalette.ColorRole.WindowText)
            assert opaque and all(c.rgb() == text.rgb() for c in opaque)
    finally:
        app.setPalette(old)


def test_app_icon_pngs_are_present_in_every_size() -> None:
    from PySide6.QtGui import QImage

    for size in icons.APP_ICON_SIZES:
        image = QImage(str(icons.resource_path("app", "png", f"{size}.png")))
        assert image.size() == QSize(size, size)


def contrast(a: QPalette.ColorRole, b: QPalette.ColorRole, palette: QPalette) -> float:
    def luminance(role: QPalette.ColorRole) -> float:
        c = palette.color(role)
        channels = []
        for v in (c.redF(), c.greenF(), c.blueF()):
            channels.append(v / 12.92 if v <= 0.03928 else ((v + 0.055) / 1.055) ** 2.4)
        r, g, bl = channels
        return 0.2126 * r + 0.7152 * g + 0.0722 * bl

    hi, lo = sorted((luminance(a), luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def test_scheme_follower_switches_and_text_stays_readable(qtbot: QtBot) -> None:
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    old_palette, old_style = app.palette(), app.style().name()
    follower = theme.ColorSchemeFollower(app, "dark")
    try:
        assert theme.is_dark()
        assert app.style().name().lower() == "fusion"
        R = QPalette.ColorRole
        for palette in (app.palette(), app.style().standardPalette()):
            assert contrast(R.WindowText, R.Window, palette) >= 7
            assert contrast(R.Text, R.Base, palette) >= 7
            assert contrast(R.ButtonText, R.Button, palette) >= 7
        dark = app.palette()
        assert contrast(R.HighlightedText, R.Highlight, dark) >= 4.5
        assert contrast(R.Link, R.Base, dark) >= 4.5
        disabled = dark.color(QPalette.ColorGroup.Disabled, R.Text)
        assert disabled.lightness() > dark.color(R.Base).lightness() + 60
        for status in ("valid", "expiring", "expired", "not-yet-valid"):
            on_dark = theme.status_colour(status)
            assert on_dark.lightness() > 128, status
        follower.set_wanted("light")
        assert not theme.is_dark()
        for status in ("valid", "expiring", "expired", "not-yet-valid"):
            assert theme.status_colour(status).lightness() < 128, status
    finally:
        follower.set_wanted("system")
        follower.deleteLater()
        app.setStyle(old_style)
        app.setPalette(old_palette)


def test_qt_options_are_told_apart_from_files() -> None:
    from keystore_gui.gui.app import build_parser, split_qt_options

    qt, ours = split_qt_options(
        ["-style", "fusion", "a.jks", "--platform=offscreen", "-reverse", "b.p12", "--", "-style"]
    )
    assert qt == ["-style", "fusion", "--platform=offscreen", "-reverse"]
    args = build_parser().parse_intermixed_args(ours)
    assert args.files == ["a.jks", "b.p12", "-style"]
    assert build_parser().parse_intermixed_args(["a.jks", "--new-instance", "b.jks"]).files == [
        "a.jks",
        "b.jks",
    ]


def test_unknown_option_fails_before_any_display(tmp_path: Path) -> None:
    env = child_env(tmp_path)
    for var in ("QT_QPA_PLATFORM", "DISPLAY", "WAYLAND_DISPLAY"):
        env.pop(var, None)
    proc = subprocess.run(
        [sys.executable, "-m", "keystore_gui.gui.app", "--bogus", "x.jks"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert proc.returncode == 2
    assert "unrecognized arguments: --bogus" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_a_desktop_scheme_change_is_followed(qtbot: QtBot, monkeypatch: pytest.MonkeyPatch) -> None:
    from PySide6.QtCore import Qt

    app = QApplication.instance()
    assert isinstance(app, QApplication)
    old_palette, old_style = app.palette(), app.style().name()
    follower = theme.ColorSchemeFollower(app, "system")
    try:
        assert not theme.is_dark()  # offscreen reports no scheme: the platform's light palette
        # The desktop switches to dark (offscreen cannot, so the hint's answer is stood in for).
        monkeypatch.setattr(follower, "effective_dark", lambda: True)
        app.styleHints().colorSchemeChanged.emit(Qt.ColorScheme.Dark)
        assert theme.is_dark()
        monkeypatch.setattr(follower, "effective_dark", lambda: False)
        app.styleHints().colorSchemeChanged.emit(Qt.ColorScheme.Light)
        assert not theme.is_dark()
    finally:
        follower.deleteLater()
        app.setStyle(old_style)
        app.setPalette(old_palette)

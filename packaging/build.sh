#!/usr/bin/env bash
# Build the self-contained app (dist/keystore-gui/keystore-gui, one folder, no Python needed to
# run it) and check it with packaging/smoke.sh. `make package` runs this in the project's venv.
#
#   PYTHON=/path/to/venv/bin/python packaging/build.sh
#
# PyInstaller comes from the project's optional dependencies: pip install -e '.[package]'.
# On Linux the X client libraries Qt's xcb platform plugin loads must be on the build machine, so
# that PyInstaller bundles them: missing ones are installed with apt-get (as root or through
# sudo), or named with the command that installs them. The build fails if PyInstaller still
# reports a library of the xcb plugin as not found.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON="${PYTHON:-python3}"
linux=0
[ "$(uname -s)" = Linux ] && linux=1

if [ "$linux" = 1 ]; then
    # The libraries ldd cannot find for PySide6's xcb plugin, as Debian package names.
    missing_xcb() { "$PYTHON" -m keystore_gui.gui.system_libs --apt; }
    missing="$(missing_xcb)" || { echo "build.sh: cannot check Qt's xcb plugin (is PySide6 installed for $PYTHON?)" >&2; exit 1; }
    if [ -n "$missing" ]; then
        # shellcheck disable=SC2086  # one package a word
        if ! packaging/linux/apt-install.sh $missing; then
            echo "build.sh: Qt's xcb platform plugin needs system libraries this machine lacks;" \
                "PyInstaller can only bundle what is installed. Install them and build again:" >&2
            "$PYTHON" -m keystore_gui.gui.system_libs | tail -n +2 >&2
            exit 1
        fi
        still="$(missing_xcb)"
        if [ -n "$still" ]; then
            echo "build.sh: still missing after installing: $(echo "$still" | tr '\n' ' ')" >&2
            exit 1
        fi
    fi
    # The smoke check's display, window inspection and screen grab; the .desktop file's validator.
    tools=()
    command -v Xvfb >/dev/null || tools+=(xvfb)
    command -v xwininfo >/dev/null || tools+=(x11-utils)
    { command -v import && command -v identify; } >/dev/null || tools+=(imagemagick)
    command -v desktop-file-validate >/dev/null || tools+=(desktop-file-utils)
    if [ ${#tools[@]} -gt 0 ] && ! packaging/linux/apt-install.sh "${tools[@]}"; then
        echo "build.sh: the smoke check needs ${tools[*]}; install them and build again" >&2
        exit 1
    fi
    desktop-file-validate resources/desktop/keystore-gui.desktop
fi

if ! "$PYTHON" -m PyInstaller --version >/dev/null 2>&1; then
    echo "build.sh: PyInstaller is missing; run: $PYTHON -m pip install -e '.[package]'" >&2
    exit 1
fi

log="$(mktemp)"
trap 'rm -f "$log"' EXIT
start=$(date +%s)
"$PYTHON" -m PyInstaller --noconfirm --clean --log-level WARN \
    --distpath dist --workpath build/pyinstaller packaging/keystore-gui.spec 2>&1 | tee "$log"
end=$(date +%s)
# "Library not found: could not resolve 'libxcb-cursor.so.0', dependency of '.../libqxcb.so'."
unbundled="$(grep -E "Library not found: .*dependency of '[^']*(libqxcb|libQt6XcbQpa)" "$log" \
    | sed -E "s/.*could not resolve '([^']*)'.*/\1/" | sort -u | tr '\n' ' ')" || true
if [ -n "$unbundled" ]; then
    echo "build.sh: PyInstaller could not bundle the xcb plugin's $unbundled- the app would not" \
        "start on desktops without them" >&2
    exit 1
fi
echo "build.sh: built dist/keystore-gui in $((end - start)) s ($(du -sh dist/keystore-gui | cut -f1))"

packaging/smoke.sh

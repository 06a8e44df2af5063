#!/usr/bin/env bash
# Build the self-contained app (dist/keystore-gui/keystore-gui, one folder, no Python needed to
# run it) and check it with packaging/smoke.sh. `make package` runs this in the project's venv.
#
#   PYTHON=/path/to/venv/bin/python packaging/build.sh
#
# PyInstaller comes from the project's optional dependencies: pip install -e '.[package]'.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON="${PYTHON:-python3}"

if ! "$PYTHON" -m PyInstaller --version >/dev/null 2>&1; then
    echo "build.sh: PyInstaller is missing; run: $PYTHON -m pip install -e '.[package]'" >&2
    exit 1
fi

# desktop-file-validate checks the Linux .desktop file; install it where apt can.
if [ "$(uname -s)" = Linux ] && ! command -v desktop-file-validate >/dev/null; then
    if command -v apt-get >/dev/null && [ "$(id -u)" = 0 ]; then
        apt-get install -y -q desktop-file-utils >/dev/null || {
            apt-get update -q >/dev/null && apt-get install -y -q desktop-file-utils >/dev/null
        }
    elif command -v apt-get >/dev/null && command -v sudo >/dev/null; then
        sudo apt-get install -y -q desktop-file-utils >/dev/null
    fi
fi
if [ "$(uname -s)" = Linux ]; then
    if command -v desktop-file-validate >/dev/null; then
        desktop-file-validate packaging/linux/keystore-gui.desktop
    else
        echo "build.sh: desktop-file-validate not available; .desktop file not checked" >&2
    fi
fi

start=$(date +%s)
"$PYTHON" -m PyInstaller --noconfirm --clean --log-level WARN \
    --distpath dist --workpath build/pyinstaller packaging/keystore-gui.spec
end=$(date +%s)
echo "build.sh: built dist/keystore-gui in $((end - start)) s ($(du -sh dist/keystore-gui | cut -f1))"

packaging/smoke.sh

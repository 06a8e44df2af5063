#!/usr/bin/env bash
# Install Keystore GUI's desktop integration: the .desktop file, MIME types and icons, plus the
# self-contained app from dist/keystore-gui when it has been built (packaging/build.sh).
#
#   packaging/linux/install.sh            system-wide, under /usr/local (run as root)
#   packaging/linux/install.sh --user     for you only, under ~/.local
#   packaging/linux/install.sh --prefix DIR [--user]   somewhere else (packagers, tests)
#   add --uninstall to remove what an install with the same options placed
#
# Without a built app, `keystore-gui` must already be on PATH (e.g. `pip install --user .`).
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
app_id="keystore-gui"
user=0
uninstall=0
prefix=""

usage() { sed -n '2,10s/^# \{0,1\}//p' "$0"; }
while [ $# -gt 0 ]; do
    case "$1" in
        --user) user=1 ;;
        --uninstall) uninstall=1 ;;
        --prefix) [ $# -ge 2 ] || { usage >&2; exit 2; }; prefix="$2"; shift ;;
        --prefix=*) prefix="${1#--prefix=}" ;;
        -h|--help) usage; exit 0 ;;
        *) echo "install.sh: unknown option $1" >&2; usage >&2; exit 2 ;;
    esac
    shift
done

if [ -n "$prefix" ]; then
    data="$prefix/share"; bin="$prefix/bin"; lib="$prefix/lib/$app_id"
elif [ "$user" = 1 ]; then
    data="${XDG_DATA_HOME:-$HOME/.local/share}"; bin="$HOME/.local/bin"; lib="$HOME/.local/lib/$app_id"
else
    data="/usr/local/share"; bin="/usr/local/bin"; lib="/usr/local/lib/$app_id"
fi
apps="$data/applications"
mime="$data/mime"
icons="$data/icons/hicolor"
png="$root/resources/app/png"
svg="$root/resources/app/$app_id.svg"
desktop="$root/resources/desktop"
built="$root/dist/$app_id"

refresh() {
    if command -v update-desktop-database >/dev/null; then update-desktop-database -q "$apps" || true; fi
    if command -v update-mime-database >/dev/null; then update-mime-database "$mime" || true; fi
    if command -v gtk-update-icon-cache >/dev/null && [ -f "$icons/index.theme" ]; then
        gtk-update-icon-cache -q -f -t "$icons" || true
    fi
}

if [ "$uninstall" = 1 ]; then
    rm -f "$apps/$app_id.desktop" "$mime/packages/$app_id.xml" "$icons/scalable/apps/$app_id.svg"
    for f in "$png"/*.png; do
        size="$(basename "$f" .png)"
        rm -f "$icons/${size}x${size}/apps/$app_id.png"
    done
    if [ -L "$bin/$app_id" ] && [ "$(readlink "$bin/$app_id")" = "$lib/$app_id" ]; then
        rm -f "$bin/$app_id"
    fi
    rm -rf "$lib"
    refresh
    echo "Keystore GUI removed from $data"
    exit 0
fi

exec_cmd="$app_id"
if [ -x "$built/$app_id" ]; then
    rm -rf "$lib"
    mkdir -p "$(dirname "$lib")" "$bin"
    cp -a "$built" "$lib"
    ln -sfn "$lib/$app_id" "$bin/$app_id"
    exec_cmd="$lib/$app_id"
elif ! command -v "$app_id" >/dev/null; then
    echo "install.sh: note: no built app in $built and no $app_id on PATH;" \
        "build it with packaging/build.sh or pip install the package" >&2
fi

install -d "$apps" "$mime/packages" "$icons/scalable/apps"
sed -e "s|^Exec=$app_id |Exec=$exec_cmd |" -e "s|^TryExec=$app_id\$|TryExec=$exec_cmd|" \
    "$desktop/$app_id.desktop" >"$apps/$app_id.desktop"
chmod 644 "$apps/$app_id.desktop"
install -m 644 "$desktop/$app_id-mime.xml" "$mime/packages/$app_id.xml"
install -m 644 "$svg" "$icons/scalable/apps/$app_id.svg"
for f in "$png"/*.png; do
    size="$(basename "$f" .png)"
    install -d "$icons/${size}x${size}/apps"
    install -m 644 "$f" "$icons/${size}x${size}/apps/$app_id.png"
done
if [ ! -f "$icons/index.theme" ] && [ -f /usr/share/icons/hicolor/index.theme ]; then
    # gtk-update-icon-cache needs the theme index next to the icons it caches.
    install -m 644 /usr/share/icons/hicolor/index.theme "$icons/index.theme"
fi
refresh
echo "Keystore GUI installed in $data (runs: $exec_cmd)"

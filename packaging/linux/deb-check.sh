#!/usr/bin/env bash
# Install the .deb as a user would (apt-get install ./dist/keystore-gui_*.deb), check it from
# /usr/bin, remove it, and check that nothing is left behind. Needs root (or sudo without a
# password): it changes the system, and undoes it even when a check fails.
#
# From /usr/bin: keystore-cli --version and list a keystore; keystore-gui on Xvfb (xcb) opens a
# JKS and its window is drawn (packaging/display_check.py). desktop-file-validate passes on the
# installed entry; xdg-mime names it the default for application/x-java-keystore and knows the
# package's .truststore glob. After apt-get remove: no file of the package, no trace in the
# desktop and MIME caches, and the same files as before the install under the places it touched.
set -euo pipefail
cd "$(dirname "$0")/../.."
app_id=keystore-gui
version="$(sed -n 's/^__version__ = "\(.*\)"/\1/p' keystore_gui/__init__.py)"
deb="dist/${app_id}_${version}_$(dpkg --print-architecture).deb"
[ -f "$deb" ] || { echo "deb-check.sh: no $deb; run make deb" >&2; exit 1; }
if [ "$(id -u)" = 0 ]; then
    as_root=()
elif command -v sudo >/dev/null && sudo -n true 2>/dev/null; then
    as_root=(sudo -n)
else
    echo "deb-check.sh: installs the package system-wide: run as root or with sudo" >&2
    exit 1
fi
for tool in Xvfb xwininfo import desktop-file-validate xdg-mime keytool; do
    command -v "$tool" >/dev/null || { echo "deb-check.sh: needs $tool (.ci/run installs it)" >&2; exit 1; }
done
if [ "$(dpkg-query -W -f '${db:Status-Status}' "$app_id" 2>/dev/null || true)" = installed ]; then
    echo "deb-check.sh: $app_id is already installed; remove it first (apt-get remove $app_id)" >&2
    exit 1
fi

apt_get() { "${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get -y -q "$@"; }
places=(/usr/lib/$app_id /usr/share/applications /usr/share/mime /usr/share/icons/hicolor
    /usr/share/doc/$app_id /usr/bin/keystore-gui /usr/bin/keystore-cli)
snapshot() { { find "${places[@]}" 2>/dev/null || true; } | sort; }
fail() { echo "deb-check.sh: FAILED: $*" >&2; exit 1; }

work="$(mktemp -d)"
installed=0
cleanup() {
    if [ "$installed" = 1 ]; then apt_get remove "$app_id" >/dev/null 2>&1 || true; fi
    rm -rf "$work"
}
trap cleanup EXIT
snapshot >"$work/before"

start=$(date +%s)
installed=1
apt_get install "./$deb" >"$work/apt.log" 2>&1 || { cat "$work/apt.log" >&2; fail "apt-get install"; }
echo "deb-check.sh: apt-get install ./$deb in $(($(date +%s) - start)) s"

# A clean environment, as a desktop session would give: no venv, no checkout on any path.
clean=(env -i "HOME=$work/home" "PATH=/usr/bin:/bin" "LANG=C.UTF-8" "XDG_DATA_DIRS=/usr/local/share:/usr/share")
mkdir -p "$work/home"
got="$(cd / && "${clean[@]}" keystore-cli --version)"
[ "$got" = "keystore-cli $version" ] || fail "keystore-cli --version said '$got'"
export CHECK_PASS="deb-$$-$RANDOM"
keytool -genkeypair -keystore "$work/server.jks" -storetype JKS -storepass:env CHECK_PASS \
    -keypass:env CHECK_PASS -alias server -keyalg EC -groupname secp256r1 \
    -dname "CN=deb.example" -validity 365 >/dev/null 2>&1
listed="$(cd / && "${clean[@]}" CHECK_PASS="$CHECK_PASS" keystore-cli list "$work/server.jks" \
    --password-env CHECK_PASS)"
grep -q "^server  *private-key" <<<"$listed" || fail "keystore-cli list: $listed"
echo "deb-check.sh: /usr/bin/keystore-cli: --version and list work"

python3 packaging/display_check.py --password-env CHECK_PASS /usr/bin/keystore-gui "$work/server.jks"

desktop-file-validate /usr/share/applications/$app_id.desktop || fail "desktop-file-validate"
default="$(cd / && "${clean[@]}" xdg-mime query default application/x-java-keystore)"
[ "$default" = "$app_id.desktop" ] || fail "xdg-mime default for JKS is '$default'"
grep -q ":\*\.truststore$" /usr/share/mime/globs2 || fail "the MIME database lacks *.truststore"
[ -f /usr/share/icons/hicolor/48x48/apps/$app_id.png ] || fail "no 48x48 icon"
echo "deb-check.sh: desktop entry valid, default for application/x-java-keystore, MIME types and icons in place"

start=$(date +%s)
apt_get remove "$app_id" >"$work/apt.log" 2>&1 || { cat "$work/apt.log" >&2; fail "apt-get remove"; }
installed=0
echo "deb-check.sh: apt-get remove in $(($(date +%s) - start)) s"
status="$(dpkg-query -W -f '${db:Status-Status}' "$app_id" 2>/dev/null || true)"
[ -z "$status" ] || [ "$status" = not-installed ] || fail "dpkg still has $app_id: $status"
snapshot >"$work/after"
diff "$work/before" "$work/after" >&2 || fail "files differ from before the install (above)"
! grep -rqs "$app_id" /usr/share/applications/mimeinfo.cache || fail "mimeinfo.cache names $app_id"
! grep -qs ":\*\.truststore$" /usr/share/mime/globs2 || fail "the MIME database keeps *.truststore"
echo "deb-check.sh: removed; nothing left behind: passed"

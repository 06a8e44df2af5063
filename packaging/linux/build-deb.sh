#!/usr/bin/env bash
# Make dist/keystore-gui_VERSION_ARCH.deb from the PyInstaller folder (`make deb` builds that
# first): the app in /usr/lib/keystore-gui/, /usr/bin/keystore-gui and /usr/bin/keystore-cli
# (links to its binary, which is the command line when started as keystore-cli), the desktop
# entry, the MIME types and the icons in every hicolor size from resources/.
#
# Depends: lists the Debian packages of every system library the bundle's binaries load that
# PyInstaller did not bundle (libc, libGL, libxcb, ...), found with ldd and dpkg -S on this
# machine. The desktop, MIME and icon caches are refreshed by the dpkg file triggers of
# desktop-file-utils, shared-mime-info and hicolor-icon-theme on install and on remove, so the
# package needs no maintainer scripts. Compressed with gzip, which every dpkg reads (xz took
# minutes of CPU on the 2-core build machine, gzip seconds).
#
#   packaging/linux/build-deb.sh [BUNDLE [OUT_DIR]]    (default: dist/keystore-gui, dist)
set -euo pipefail
cd "$(dirname "$0")/../.."
app_id=keystore-gui
bundle="${1:-dist/$app_id}"
out="${2:-dist}"
[ -x "$bundle/$app_id" ] || { echo "build-deb.sh: no app in $bundle; run make package" >&2; exit 1; }
for tool in dpkg-deb dpkg ldd; do
    command -v "$tool" >/dev/null || { echo "build-deb.sh: needs $tool (a Debian system)" >&2; exit 1; }
done
version="$(sed -n 's/^__version__ = "\(.*\)"/\1/p' keystore_gui/__init__.py)"
arch="$(dpkg --print-architecture)"
deb="$out/${app_id}_${version}_${arch}.deb"
res=resources
stage="$(mktemp -d)/${app_id}_${version}_${arch}"
trap 'rm -rf "$(dirname "$stage")"' EXIT
install -d "$stage/DEBIAN" "$stage/usr/lib" "$stage/usr/bin" "$stage/usr/share/applications" \
    "$stage/usr/share/mime/packages" "$stage/usr/share/icons/hicolor/scalable/apps" \
    "$stage/usr/share/doc/$app_id"
cp -a "$bundle" "$stage/usr/lib/$app_id"
ln -s "../lib/$app_id/$app_id" "$stage/usr/bin/keystore-gui"
ln -s "../lib/$app_id/$app_id" "$stage/usr/bin/keystore-cli"
install -m 644 "$res/desktop/$app_id.desktop" "$stage/usr/share/applications/$app_id.desktop"
install -m 644 "$res/desktop/$app_id-mime.xml" "$stage/usr/share/mime/packages/$app_id.xml"
install -m 644 "$res/app/$app_id.svg" "$stage/usr/share/icons/hicolor/scalable/apps/$app_id.svg"
for png in "$res"/app/png/*.png; do
    size="$(basename "$png" .png)"
    install -D -m 644 "$png" "$stage/usr/share/icons/hicolor/${size}x${size}/apps/$app_id.png"
done
cat >"$stage/usr/share/doc/$app_id/copyright" <<EOF
Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/
Upstream-Name: keystore-gui
License: Apache-2.0

Files: *
License: Apache-2.0
 On Debian systems the full text of the license is in /usr/share/common-licenses/Apache-2.0.
 The bundled Python runtime and libraries (PySide6/Qt under LGPL-3.0, cryptography, pyjks and
 others) keep their own licenses; see /usr/lib/keystore-gui/_internal/*.dist-info.
EOF
chmod -R u=rwX,go=rX "$stage"

# Every library the bundle's ELF files load from outside the bundle, as Debian packages.
internal="$stage/usr/lib/$app_id/_internal"
mapfile -t system_libs < <(
    find "$stage/usr/lib/$app_id" -type f \( -name '*.so' -o -name '*.so.*' -o -perm -u+x \) -print0 \
        | xargs -0 env LD_LIBRARY_PATH="$internal" ldd 2>/dev/null \
        | awk '$2 == "=>" && $3 ~ /^\// {print $3}' | sort -u
)
packages=()
inside="$(realpath "$stage")/"
for lib in "${system_libs[@]}"; do
    case "$(realpath "$lib")" in "$inside"*) continue ;; esac
    owner="$(dpkg -S "$lib" 2>/dev/null || dpkg -S "$(realpath "$lib")" 2>/dev/null \
        || dpkg -S "/usr$lib" 2>/dev/null || true)"
    [ -n "$owner" ] || { echo "build-deb.sh: no Debian package owns $lib" >&2; exit 1; }
    packages+=("${owner%%:*}")
done
depends="$(printf '%s\n' "${packages[@]}" | sort -u | paste -sd, | sed 's/,/, /g')"

cat >"$stage/DEBIAN/control" <<EOF
Package: $app_id
Version: $version
Architecture: $arch
Maintainer: Keystore GUI developers <keystore-gui@localhost>
Installed-Size: $(du -sk "$stage" | cut -f1)
Depends: $depends
Recommends: desktop-file-utils, shared-mime-info, hicolor-icon-theme, xdg-utils
Section: utils
Priority: optional
Description: desktop keystore explorer for JKS, JCEKS and PKCS#12 files
 Opens Java keystores and truststores (JKS, JCEKS, PKCS#12, BKS) and PEM, DER and PKCS#7
 certificate files in a window: every entry with its certificate chain and details; key pair
 generation, trust chain checks and copying public certificates into truststores.
 keystore-cli runs the same core from the command line, for scripts and CI.
EOF

start=$(date +%s)
dpkg-deb --root-owner-group -Zgzip -z6 --build "$stage" "$deb" >/dev/null
echo "build-deb.sh: $deb ($(du -h "$deb" | cut -f1), built in $(($(date +%s) - start)) s)"
echo "build-deb.sh: Depends: $depends"

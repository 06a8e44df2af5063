#!/usr/bin/env bash
# Check the built app as a desktop user would start it: `--version` without a display, then on a
# real X server (Xvfb, Qt's xcb platform) in a clean environment (no PYTHONPATH, no virtual
# environment on PATH) open a JKS, a PKCS#12 and a PEM file, check with the X server that the
# window is shown at its size and drawn (packaging/display_check.py), and quit cleanly. The test
# files are made fresh with keytool and openssl.
#
#   packaging/smoke.sh [APP]        (default: dist/keystore-gui/keystore-gui)
#
# SMOKE_SCREENSHOT=FILE.png keeps the grab of the window (the README's screenshot is one).
set -euo pipefail
cd "$(dirname "$0")/.."
app="${1:-dist/keystore-gui/keystore-gui}"
[ -x "$app" ] || { echo "smoke.sh: no built app at $app (run packaging/build.sh)" >&2; exit 1; }
version="$(sed -n 's/^__version__ = "\(.*\)"/\1/p' keystore_gui/__init__.py)"

got="$(env -i "HOME=$HOME" "PATH=/usr/bin:/bin" "LANG=C.UTF-8" "$app" --version)"
[ "$got" = "keystore-gui $version" ] || { echo "smoke.sh: --version said '$got'" >&2; exit 1; }
echo "smoke.sh: --version ok ($got)"

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
export SMOKE_PASS="smoke-$$-$RANDOM"
command -v keytool >/dev/null || { echo "smoke.sh: needs keytool (JDK 17) to make a JKS" >&2; exit 1; }
command -v openssl >/dev/null || { echo "smoke.sh: needs openssl to make a PKCS#12" >&2; exit 1; }
keytool -genkeypair -keystore "$work/server.jks" -storetype JKS -storepass:env SMOKE_PASS \
    -keypass:env SMOKE_PASS -alias server -keyalg EC -groupname secp256r1 \
    -dname "CN=smoke.example" -validity 365 >/dev/null 2>&1
keytool -exportcert -keystore "$work/server.jks" -storepass:env SMOKE_PASS -alias server \
    -rfc -file "$work/server.pem" >/dev/null 2>&1
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 365 \
    -subj "/CN=client.example" -keyout "$work/client.key" -out "$work/client.crt" 2>/dev/null
openssl pkcs12 -export -inkey "$work/client.key" -in "$work/client.crt" -name client \
    -passout env:SMOKE_PASS -out "$work/client.p12"

"${PYTHON:-python3}" packaging/display_check.py --password-env SMOKE_PASS \
    ${SMOKE_SCREENSHOT:+--screenshot "$SMOKE_SCREENSHOT"} "$app" "$work/server.jks" "$work/client.p12" "$work/server.pem"
echo "smoke.sh: passed"

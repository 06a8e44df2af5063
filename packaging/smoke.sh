#!/usr/bin/env bash
# Check the built app: `--version` without a display, then, offscreen and in a clean environment
# (no PYTHONPATH, no virtual environment on PATH), open a JKS, a PKCS#12 and a PEM file in the
# real window and exit cleanly. The test files are made fresh with keytool and openssl.
set -euo pipefail
cd "$(dirname "$0")/.."
app="${1:-dist/keystore-gui/keystore-gui}"
[ -x "$app" ] || { echo "smoke.sh: no built app at $app (run packaging/build.sh)" >&2; exit 1; }
version="$(sed -n 's/^__version__ = "\(.*\)"/\1/p' keystore_gui/__init__.py)"

clean_env=(env -i "HOME=$HOME" "PATH=/usr/bin:/bin" "LANG=C.UTF-8")

got="$("${clean_env[@]}" "$app" --version)"
[ "$got" = "keystore-gui $version" ] || { echo "smoke.sh: --version said '$got'" >&2; exit 1; }
echo "smoke.sh: --version ok ($got)"

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
export SMOKE_PASS="smoke-$$-$RANDOM"
files=()
if command -v keytool >/dev/null; then
    keytool -genkeypair -keystore "$work/server.jks" -storetype JKS -storepass:env SMOKE_PASS \
        -keypass:env SMOKE_PASS -alias server -keyalg EC -groupname secp256r1 \
        -dname "CN=smoke.example" -validity 30 >/dev/null 2>&1
    keytool -exportcert -keystore "$work/server.jks" -storepass:env SMOKE_PASS -alias server \
        -rfc -file "$work/server.pem" >/dev/null 2>&1
    files+=("$work/server.jks" "$work/server.pem")
fi
if command -v openssl >/dev/null; then
    openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 30 \
        -subj "/CN=client.example" -keyout "$work/client.key" -out "$work/client.crt" 2>/dev/null
    openssl pkcs12 -export -inkey "$work/client.key" -in "$work/client.crt" -name client \
        -passout env:SMOKE_PASS -out "$work/client.p12"
    files+=("$work/client.p12")
fi
[ ${#files[@]} -gt 0 ] || { echo "smoke.sh: needs keytool or openssl to make test files" >&2; exit 1; }

start=$(date +%s)
"${clean_env[@]}" QT_QPA_PLATFORM=offscreen KEYSTORE_GUI_SMOKE_PASSWORD="$SMOKE_PASS" \
    XDG_RUNTIME_DIR="$work" XDG_CONFIG_HOME="$work/config" \
    timeout 120 "$app" --smoke-test "${files[@]}"
echo "smoke.sh: opened ${#files[@]} files offscreen in $(($(date +%s) - start)) s: passed"

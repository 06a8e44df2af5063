#!/usr/bin/env bash
# Install Debian/Ubuntu packages that are not installed yet: with apt-get as root, or through
# `sudo -n` (no password prompt in a build). Exit 1 without apt-get or the rights to use it, so
# the caller can name the packages instead.
#
#   packaging/linux/apt-install.sh PACKAGE...
set -euo pipefail
[ $# -gt 0 ] || exit 0
command -v apt-get >/dev/null || exit 1
if [ "$(id -u)" = 0 ]; then
    as_root=()
elif command -v sudo >/dev/null && sudo -n true 2>/dev/null; then
    as_root=(sudo -n)
else
    exit 1
fi
export DEBIAN_FRONTEND=noninteractive
echo "apt-install.sh: installing $*" >&2
"${as_root[@]}" apt-get install -y -q "$@" >/dev/null 2>&1 || {
    "${as_root[@]}" apt-get update -q >/dev/null 2>&1
    "${as_root[@]}" apt-get install -y -q "$@" >/dev/null
}

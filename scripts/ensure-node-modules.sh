#!/usr/bin/env bash
# Installs npm dependencies when node_modules is missing or was installed from a different
# package-lock.json. better-sqlite3 builds from source on install, which takes about two minutes.
#
# `npm install` rather than `npm ci`: the registry this project installs from carries only the
# Linux builds of platform packages (@next/swc-*, @tailwindcss/oxide-*), so the lock file has no
# entries for the others and `npm ci` refuses it as out of sync. `npm install` still installs
# exactly the versions the lock file pins.
set -euo pipefail
cd "$(dirname "$0")/.."

stamp=node_modules/.installed-from-lock
want=$(sha256sum package-lock.json | cut -d' ' -f1)
if [[ -f $stamp && $(cat "$stamp") == "$want" ]]; then
  exit 0
fi
echo "Installing npm dependencies…"
npm install --no-audit --no-fund
sha256sum package-lock.json | cut -d" " -f1 > "$stamp"

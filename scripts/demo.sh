#!/usr/bin/env bash
# `npm run demo`: install, build, then seed a demo data center with real sshd nodes and serve the
# portal on http://localhost:3000 (PORT to change it). Works on a fresh machine.
set -euo pipefail
cd "$(dirname "$0")/.."
export NEXT_TELEMETRY_DISABLED=1

if [[ $(id -u) -eq 0 ]]; then
  bash scripts/ensure-system-packages.sh openssh-server qemu-utils bzip2
elif ! command -v qemu-img >/dev/null; then
  echo "qemu-img is missing and installing it needs root: apt-get install -y qemu-utils" >&2
  exit 1
fi
bash scripts/ensure-node-modules.sh

echo "Building the portal…"
npx next build
exec npx tsx --conditions=react-server scripts/demo.ts

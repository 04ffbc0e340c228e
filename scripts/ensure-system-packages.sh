#!/usr/bin/env bash
# Installs the given Debian packages when any is missing: directly as root, through passwordless
# sudo otherwise. Exits non-zero with a clear message when it cannot.
set -euo pipefail

missing=()
for pkg in "$@"; do
  if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$pkg")
  fi
done
((${#missing[@]} == 0)) && exit 0

if [[ $(id -u) -eq 0 ]]; then
  run=()
elif command -v sudo >/dev/null && sudo -n true 2>/dev/null; then
  run=(sudo)
else
  echo "Missing Debian packages: ${missing[*]}. Install them as root: apt-get install -y ${missing[*]}" >&2
  exit 1
fi

echo "Installing Debian packages: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
# Another install (a parallel test run, unattended upgrades) may hold the dpkg lock: wait for it.
lock=(-o DPkg::Lock::Timeout=600)
"${run[@]}" apt-get "${lock[@]}" update -qq
"${run[@]}" apt-get "${lock[@]}" install -y -qq --no-install-recommends "${missing[@]}"

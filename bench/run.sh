#!/usr/bin/env bash
# `npm run bench [-- --json] [-- --size-mb N]`: the install-engine benchmarks (bench/README.md).
# Installs what they need, like `npm test` does, then runs bench/run.ts. Everything but the
# benchmark's own report goes to stderr, so `--json` leaves stdout to the JSON object.
set -euo pipefail
cd "$(dirname "$0")/.."
export NEXT_TELEMETRY_DISABLED=1

# iproute2: ip and tc, for the relay part's network namespaces and shaped link.
bash scripts/ensure-system-packages.sh openssh-server openssh-client qemu-utils curl iproute2 >&2
bash scripts/ensure-node-modules.sh >&2

# node itself rather than the tsx CLI: one process, whose signals and exit code are the benchmark's.
# The react-server condition makes lib's `server-only` imports resolve outside Next.js.
# --initial-heap-size as the portal runs with it (scripts/lib/portal-process.ts): this process runs the jobs.
exec node --initial-heap-size=256 --conditions=react-server --import tsx bench/run.ts "$@"

#!/usr/bin/env bash
# `npm test`: installs what the tests need, then runs lint, typecheck, unit, the production build,
# integration (against real sshd nodes and the built portal, on SQLite and again on PostgreSQL),
# and the Playwright e2e specs in Debian's Chromium (all on SQLite, two again on PostgreSQL).
set -euo pipefail
cd "$(dirname "$0")/.."
export NEXT_TELEMETRY_DISABLED=1

step() { printf '\n\033[1m==> %s\033[0m\n' "$*"; }

step "System packages (openssh-server, chromium, qemu-utils, OpenStack services, PostgreSQL)"
bash scripts/ensure-system-packages.sh openssh-server chromium qemu-utils curl wget bzip2 glance-api keystone postgresql
step "npm dependencies"
bash scripts/ensure-node-modules.sh

step "Lint (zero warnings) and formatting"
npx eslint . --max-warnings 0
npx prettier --check . --log-level warn
step "Typecheck"
npx tsc --noEmit
step "Unit tests"
npx vitest run --project unit
# The build comes first: some integration tests start the built portal (`next start`) twice.
step "Production build"
npx next build
step "Integration tests (real sshd nodes on 127.0.0.x)"
npx vitest run --project integration
step "Integration tests again, on PostgreSQL (a private cluster, a database per test file)"
npx vitest run --project integration-pg
step "End-to-end tests (Playwright, /usr/bin/chromium)"
npx playwright test
step "End-to-end tests of an install, in the web process and in a worker, on PostgreSQL"
E2E_DATABASE=postgres npx playwright test e2e/superadmin-installs-image.spec.ts e2e/superadmin-sees-worker-run-its-site.spec.ts
step "All tests passed"

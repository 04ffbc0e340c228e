import path from 'node:path';
import { defineConfig } from '@playwright/test';
import { E2E_LANE } from './e2e/support/lane';

/** Where e2e/support/server.ts tells the specs about the shared world it started (mirror, upstream portal). */
export const E2E_FIXTURE_FILE = path.join(__dirname, E2E_LANE.outputDir, 'e2e-fixture.json');
const PORT = E2E_LANE.port;

export default defineConfig({
  testDir: 'e2e',
  outputDir: path.join(E2E_LANE.outputDir, 'playwright'),
  // Every test makes its own data and sshd nodes (e2e/support/test.ts), so tests run side by side,
  // two browsers against the one portal.
  workers: 2,
  fullyParallel: true,
  timeout: 90_000,
  expect: { timeout: 15_000 },
  reporter: [['list']],
  use: {
    baseURL: `http://127.0.0.1:${PORT}`,
    // DOM snapshots without the screencast filmstrip: two browsers share the machine's CPUs with the
    // portal, and the failure screenshot below still shows the last frame.
    trace: { mode: 'retain-on-failure', screenshots: false },
    screenshot: 'only-on-failure',
    launchOptions: {
      // Debian's Chromium: Playwright's own browser download cannot work offline.
      executablePath: '/usr/bin/chromium',
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
      ],
    },
  },
  webServer: {
    command: `npx tsx --conditions=react-server e2e/support/server.ts`,
    url: `http://127.0.0.1:${PORT}/login`,
    env: { E2E_PORT: String(PORT), E2E_FIXTURE_FILE, NEXT_DIST_DIR: E2E_LANE.distDir },
    timeout: 120_000,
    reuseExistingServer: false,
    // Lets e2e/support/server.ts stop the portals and remove its scratch data.
    gracefulShutdown: { signal: 'SIGTERM', timeout: 10_000 },
    stdout: 'pipe',
    stderr: 'pipe',
  },
});

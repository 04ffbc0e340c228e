import fs from 'node:fs';
import path from 'node:path';
import { E2E_LANE } from './lane';

/** The portal's first SuperAdmin, created by the portal itself from PORTAL_ADMIN_USER and PORTAL_ADMIN_PASSWORD. */
export const E2E_ADMIN = { username: 'admin', password: 'e2e-admin-password' };

/**
 * What e2e/support/server.ts started for every spec to use and none to change: a real qcow2 on the
 * loopback mirror, and another portal's IMGAPI serving that same file as one public image.
 */
export type E2eFixture = {
  image: { url: string; sha256: string; sizeBytes: number };
  /** An import keeps the remote uuid, which a portal holds once: this image can be imported once per run. */
  repository: { url: string; imageId: string; name: string };
  /** The portal's data directory, for a spec that starts a job worker (`npm run worker`) beside it. */
  dataDir: string;
  /** The PostgreSQL database the portal runs on, when the run has E2E_DATABASE=postgres; else SQLite in `dataDir`. */
  databaseUrl?: string;
};

/** The lane's own file: the web server is told its path, the specs work it out the same way (playwright.config.ts). */
export function readFixture(): E2eFixture {
  const file = process.env.E2E_FIXTURE_FILE ?? path.join(__dirname, '..', '..', E2E_LANE.outputDir, 'e2e-fixture.json');
  return JSON.parse(fs.readFileSync(file, 'utf8'));
}

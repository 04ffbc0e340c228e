import fs from 'node:fs';
import path from 'node:path';

export const E2E_ADMIN = { username: 'admin', password: 'e2e-admin-password' };

export type E2eFixture = {
  node: { host: string; port: number; user: string; privateKey: string; imageDir: string; fingerprint: string };
  image: { url: string; sha256: string; sizeBytes: number };
  /** Seeded for the availability spec: an image by URL and two nodes in Rotterdam 1. */
  availability: { imageId: string; fileName: string; nodes: { name: string; imageDir: string }[] };
  /** Another portal's IMGAPI, serving one public image (the e2e qcow2). */
  repository: { url: string; imageId: string; name: string };
};

export function readFixture(): E2eFixture {
  const file = process.env.E2E_FIXTURE_FILE ?? path.join(__dirname, '..', '..', 'test-results', 'e2e-fixture.json');
  return JSON.parse(fs.readFileSync(file, 'utf8'));
}

/**
 * What the availability spec starts from, made through the portal's own operations before the
 * server starts: a data center with two real sshd nodes and an image by URL. (The first spec
 * registers its node through the browser; this one is about availability, not registration.)
 */
import { insertUser, getUserContext } from '../../lib/auth/users';
import { closeAllDatabases } from '../../lib/db/client';
import { createImage } from '../../lib/images/operations';
import { createDataCenter } from '../../lib/locations/operations';
import { registerSshNode, runOk } from '../../scripts/lib/portal-seed';
import type { SshNode } from '../../scripts/lib/sshd-node';
import { E2E_ADMIN, type E2eFixture } from './fixture';

export async function seedAvailabilityWorld(
  nodes: SshNode[],
  image: { url: string; sha256: string },
): Promise<E2eFixture['availability']> {
  const admin = getUserContext(await insertUser({ ...E2E_ADMIN, name: 'Administrator', isSuperAdmin: true }))!;
  const { id: dataCenterId } = await runOk(createDataCenter, { code: 'rtm-1', name: 'Rotterdam 1' }, admin);
  const seeded = [];
  for (const [i, node] of nodes.entries()) {
    const name = `rtm-node-${String.fromCharCode(97 + i)}`;
    await registerSshNode(admin, dataCenterId, node, name);
    seeded.push({ name, imageDir: node.imageDir });
  }
  const { id: imageId } = await runOk(
    createImage,
    {
      name: 'availability-e2e',
      version: '1',
      osType: 'linux',
      category: 'Linux',
      diskFormat: 'qcow2',
      containerFormat: 'bare',
      sourceUrl: image.url,
      sha256: image.sha256,
    },
    admin,
  );
  closeAllDatabases(); // the portal process owns the database from here on
  return { imageId, fileName: `${imageId}.qcow2`, nodes: seeded };
}

import crypto from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import type { UserContext } from '@/lib/auth/policy';
import { getDb, firstRow } from '@/lib/db/client';
import { credentials, dataCenters, images, jobs, nodes } from '@/lib/db/tables';
import { getImage, listImages } from '@/lib/images/queries';
import { installImage } from '@/lib/install/operations';
import { getJobView, listJobs } from '@/lib/jobs/queries';
import { getJobRunner } from '@/lib/jobs/runner';
import { getDataCenter, listDataCenters, listNodesOfDataCenter } from '@/lib/locations/queries';
import { probeNode, testNodeConnection } from '@/lib/nodes/operations';
import { getNodeDetails } from '@/lib/nodes/queries';
import { createImage } from '@/lib/images/operations';
import { createDataCenter } from '@/lib/locations/operations';
import { now } from '@/lib/clock';
import { createDataCenterAs, createSuperAdmin, createUserWithRole, run } from '../support/portal';
import { runOk } from '@/scripts/lib/portal-seed';
import { lastAudit } from '../support/audit';

/** The wrapper asks the policy on the server: a refused call changes nothing and is audited as denied. */
describe('operations enforce the policy and audit every outcome', () => {
  let dcAdmin: UserContext;
  let imageAdmin: UserContext;
  let dataCenterId: string;
  const image = (name: string, dcBoundId?: string) => ({
    name,
    version: '1',
    osType: 'linux',
    category: 'Linux',
    diskFormat: 'qcow2',
    containerFormat: 'bare',
    sourceUrl: 'http://127.0.0.1/x.qcow2',
    skipUrlCheck: true, // nothing listens there, on purpose
    sha256: 'a'.repeat(64),
    dcBoundId,
  });

  beforeAll(async () => {
    dataCenterId = await createDataCenterAs(await createSuperAdmin());
    dcAdmin = await createUserWithRole('DCAdmin', dataCenterId);
    imageAdmin = await createUserWithRole('ImageAdmin', dataCenterId);
  });

  it('refuses a DCAdmin creating a data center, changing nothing', async () => {
    const before = (await getDb().select().from(dataCenters)).length;
    const result = await run(createDataCenter, { code: 'forged', name: 'Forged' }, dcAdmin);
    expect(result).toMatchObject({ ok: false, code: 'forbidden' });
    expect(!result.ok && result.error).toMatch(/You may not manage data centers/);
    expect((await getDb().select().from(dataCenters)).length).toBe(before);
    expect(await lastAudit('datacenter.create')).toMatchObject({ userId: dcAdmin.id, outcome: 'denied' });
  });

  it('refuses anonymous callers', async () => {
    const result = await run(createDataCenter, { code: 'anon', name: 'Anon' }, null);
    expect(result).toMatchObject({ ok: false, code: 'unauthenticated' });
    expect(await lastAudit('datacenter.create')).toMatchObject({ userId: null, outcome: 'denied' });
  });

  it('lets an ImageAdmin create images bound to their data center only', async () => {
    const own = await run(createImage, image('bound-here', dataCenterId), imageAdmin);
    expect(own).toMatchObject({ ok: true, data: { id: expect.any(String) } });
    expect(await firstRow(getDb().select().from(images).where(eq(images.name, 'bound-here')))).toMatchObject({
      id: own.ok && own.data.id,
      dcBoundId: dataCenterId,
    });
    expect(await lastAudit('image.create')).toMatchObject({ outcome: 'ok', dataCenterId });

    const global = await run(createImage, image('global-by-image-admin'), imageAdmin);
    expect(global).toMatchObject({ ok: false, code: 'forbidden' });
    expect(
      await firstRow(getDb().select().from(images).where(eq(images.name, 'global-by-image-admin'))),
    ).toBeUndefined();
    expect(await lastAudit('image.create')).toMatchObject({ userId: imageAdmin.id, outcome: 'denied' });
  });

  it('rejects bad input with field errors, audited as an error, changing nothing', async () => {
    const result = await run(createImage, { ...image('../bad'), sha256: '' }, imageAdmin);
    expect(result).toMatchObject({ ok: false, code: 'invalid' });
    expect(!result.ok && Object.keys(result.fieldErrors ?? {}).sort()).toEqual(['name', 'sha256']);
    expect(await lastAudit('image.create')).toMatchObject({ outcome: 'error' });
    expect(
      await firstRow(
        getDb()
          .select()
          .from(images)
          .where(and(eq(images.name, '../bad'))),
      ),
    ).toBeUndefined();
  });

  it('reports a taken name as a conflict on the field', async () => {
    const result = await run(createImage, image('bound-here', dataCenterId), imageAdmin);
    expect(result).toMatchObject({
      ok: false,
      code: 'conflict',
      fieldErrors: { name: ['An image named "bound-here" already exists.'] },
    });
  });

  describe('installs and node operations', async () => {
    let nodeId: string;
    let globalImageId: string;
    let boundImageId: string;

    beforeAll(async () => {
      nodeId = await insertNode(dataCenterId);
      const superAdmin = await createSuperAdmin();
      globalImageId = (await runOk(createImage, image('global-image'), superAdmin)).id;
      boundImageId = (await runOk(createImage, image('bound-image', dataCenterId), imageAdmin)).id;
    });
    const jobsFor = async (imageId: string) => await getDb().select().from(jobs).where(eq(jobs.imageId, imageId));

    it('refuses an ImageAdmin installing an image not attached to their data center', async () => {
      const result = await run(installImage, { imageId: globalImageId, nodeId }, imageAdmin);
      expect(result).toMatchObject({ ok: false, code: 'forbidden' });
      expect(await jobsFor(globalImageId)).toEqual([]);
      expect(await lastAudit('image.install.enqueue')).toMatchObject({
        userId: imageAdmin.id,
        outcome: 'denied',
        dataCenterId,
      });
    });

    it('refuses a DCAdmin installing anything', async () => {
      const result = await run(installImage, { imageId: boundImageId, nodeId }, dcAdmin);
      expect(result).toMatchObject({ ok: false, code: 'forbidden' });
      expect(await jobsFor(boundImageId)).toEqual([]);
    });

    it('lets an ImageAdmin install an image of their data center on its nodes', async () => {
      const { jobId } = await runOk(installImage, { imageId: boundImageId, nodeId }, imageAdmin);
      expect((await jobsFor(boundImageId)).map((j) => j.id)).toEqual([jobId]);
      await getJobRunner().waitFor(jobId); // the node is not reachable; the job fails on its own
    });

    it('refuses node registration and connection tests to anyone but SuperAdmins', async () => {
      const probe = {
        dataCenterId,
        name: 'n2',
        host: '127.0.0.9',
        port: '22',
        sshUser: 'u',
        imageDir: '/srv/images',
        privateKey: 'x',
      };
      expect(await run(probeNode, probe, imageAdmin)).toMatchObject({ ok: false, code: 'forbidden' });
      expect(await run(testNodeConnection, { nodeId }, dcAdmin)).toMatchObject({ ok: false, code: 'forbidden' });
      expect(await lastAudit('node.test-connection')).toMatchObject({ outcome: 'denied', targetId: nodeId });
    });

    it('shows users of another data center nothing of this one', async () => {
      const outsider = await createUserWithRole('ImageAdmin', await createDataCenterAs(await createSuperAdmin()));
      expect(await getDataCenter(outsider, dataCenterId)).toBeNull();
      expect((await listDataCenters(outsider)).map((dc) => dc.id)).not.toContain(dataCenterId);
      expect(await listNodesOfDataCenter(outsider, dataCenterId)).toEqual([]);
      expect(await getNodeDetails(outsider, nodeId)).toBeNull();
      expect(await getImage(outsider, boundImageId)).toBeNull();
      expect((await listImages(outsider)).map((i) => i.name)).not.toContain('bound-image');
      const [job] = await jobsFor(boundImageId);
      expect(await getJobView(outsider, job!.id)).toBeNull();
      expect(await listJobs(outsider)).toEqual([]);
      // …while the data center's own users see it.
      expect((await getImage(dcAdmin, boundImageId))?.image).toMatchObject({ id: boundImageId, name: 'bound-image' });
      expect((await getJobView(dcAdmin, job!.id))?.job).toMatchObject({ id: job!.id, imageId: boundImageId });
    });
  });
});

/** A node row for policy checks; nothing listens at its address. */
async function insertNode(dataCenterId: string): Promise<string> {
  const at = now();
  const credentialId = crypto.randomUUID();
  const nodeId = crypto.randomUUID();
  await getDb().insert(credentials).values({
    id: credentialId,
    name: 'k',
    publicKey: 'ssh-ed25519 AAAA',
    encryptedPrivateKey: 'v1.x.y.z',
    createdAt: at,
  });
  await getDb()
    .insert(nodes)
    .values({
      id: nodeId,
      dataCenterId,
      name: 'policy-node',
      host: '127.0.0.9',
      port: 1,
      sshUser: 'u',
      credentialId,
      hostKeyFingerprint: `SHA256:${'A'.repeat(43)}`,
      imageDir: '/srv/images',
      createdAt: at,
      updatedAt: at,
    });
  return nodeId;
}

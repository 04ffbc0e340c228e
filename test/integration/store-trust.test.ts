import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { UserContext } from '@/lib/auth/policy';
import { getDb, firstRow } from '@/lib/db/client';
import { images, storeFileHashes } from '@/lib/db/tables';
import { setRelayInstalls } from '@/lib/locations/operations';
import { imageStore } from '@/lib/store/image-store';
import { localStorePath } from '../support/store';
import { SshNode } from '@/scripts/lib/sshd-node';
import {
  createDataCenterAs,
  createStoreImage,
  createSuperAdmin,
  expectOk,
  installAndWait,
  jobLog,
  registerSshNode,
  run,
} from '../support/portal';

const MiB = 1024 * 1024;
const UNCHANGED = 'The store file is unchanged since the portal last hashed it; it is sent without hashing it again.';

describe('push: the portal hashes a store file again only when it may have changed', async () => {
  const nodes: Array<{ node: SshNode; nodeId: string }> = [];
  let admin: UserContext;
  let scratch: string;

  beforeAll(async () => {
    scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'cbp-store-trust-'));
    admin = await createSuperAdmin();
    const dataCenterId = await createDataCenterAs(admin);
    // Every install here is about the portal's push to that node; relayed, they would copy from a node instead.
    expectOk(await run(setRelayInstalls, { dataCenterId, relayInstalls: false }, admin));
    for (const host of ['127.0.0.200', '127.0.0.201', '127.0.0.202']) {
      const node = await SshNode.start({ host });
      nodes.push({ node, nodeId: (await registerSshNode(admin, dataCenterId, node)).nodeId });
    }
  });
  afterAll(async () => {
    await Promise.all(nodes.map(({ node }) => node.stop()));
    fs.rmSync(scratch, { recursive: true, force: true });
  });

  const hashedRow = async (imageId: string) =>
    await firstRow(getDb().select().from(storeFileHashes).where(eq(storeFileHashes.imageId, imageId)));
  const storeFileOf = async (imageId: string) =>
    localStorePath((await firstRow(getDb().select().from(images).where(eq(images.id, imageId))))!.storeFile!);
  const newImage = async (name: string) => {
    const file = path.join(scratch, `${name}.raw`);
    fs.writeFileSync(file, crypto.randomBytes(3 * MiB));
    return await createStoreImage(admin, file, { name });
  };
  /** Overwrites a byte in the middle of the file, as a failing disk would. */
  const damage = (file: string) => {
    const fd = fs.openSync(file, 'r+');
    const at = Buffer.alloc(1);
    fs.readSync(fd, at, 0, 1, MiB);
    fs.writeSync(fd, Buffer.from([at[0]! ^ 0xff]), 0, 1, MiB);
    fs.closeSync(fd);
  };

  it('an upload records the file it hashed: even the first push sends it unhashed, and the node has the stored bytes', async () => {
    const imageId = await newImage('trusted');
    expect(await hashedRow(imageId)).toMatchObject({ storeFile: path.basename(await storeFileOf(imageId)) });

    const first = await installAndWait(admin, imageId, nodes[0]!.nodeId);
    expect(first.status).toBe('succeeded');
    expect(await jobLog(first.id)).toContain(UNCHANGED);
    // The node still hashed what it received, and it is the stored file.
    const installed = path.join(nodes[0]!.node.imageDir, `${imageId}.raw`);
    expect(fs.readFileSync(installed).equals(fs.readFileSync(await storeFileOf(imageId)))).toBe(true);
  });

  it('a push hashes a file it has no record of, records it, and the next push sends it unhashed', async () => {
    const imageId = await newImage('unrecorded');
    await getDb().delete(storeFileHashes).where(eq(storeFileHashes.imageId, imageId));

    const first = await installAndWait(admin, imageId, nodes[0]!.nodeId);
    expect(first.status).toBe('succeeded');
    expect(await jobLog(first.id)).not.toContain(UNCHANGED);
    expect(await hashedRow(imageId)).toMatchObject({ storeFile: path.basename(await storeFileOf(imageId)) });

    const second = await installAndWait(admin, imageId, nodes[1]!.nodeId);
    expect(second.status).toBe('succeeded');
    expect(await jobLog(second.id)).toContain(UNCHANGED);
  });

  it('hashes a file written to since, and refuses it when it no longer has the image’s sha256', async () => {
    const imageId = await newImage('rewritten');
    expect((await installAndWait(admin, imageId, nodes[0]!.nodeId)).status).toBe('succeeded');
    damage(await storeFileOf(imageId));

    const job = await installAndWait(admin, imageId, nodes[1]!.nodeId);
    expect(job.status).toBe('failed');
    expect(job.error).toMatch(/The image file in the portal's store is damaged/);
    expect(await jobLog(job.id)).not.toContain(UNCHANGED);
    expect(fs.readdirSync(nodes[1]!.node.imageDir).filter((f) => f.startsWith(imageId))).toEqual([]);
  });

  it('when a change stat cannot see slips through, the node’s check fails the install and the next push hashes again', async () => {
    const imageId = await newImage('bit-rot');
    expect((await installAndWait(admin, imageId, nodes[0]!.nodeId)).status).toBe('succeeded');
    // Bit rot changes no size or time: the record is made to match the damaged file, as it would still.
    const file = await storeFileOf(imageId);
    damage(file);
    await getDb()
      .update(storeFileHashes)
      .set((await imageStore().stamp(path.basename(file)))!)
      .where(eq(storeFileHashes.imageId, imageId));

    const trusted = await installAndWait(admin, imageId, nodes[1]!.nodeId);
    expect(trusted.status).toBe('failed');
    expect(await jobLog(trusted.id)).toContain(UNCHANGED);
    expect(trusted.error).toMatch(/Checksum mismatch/);
    expect(await hashedRow(imageId)).toBeUndefined();

    const next = await installAndWait(admin, imageId, nodes[2]!.nodeId);
    expect(next.status).toBe('failed');
    expect(next.error).toMatch(/The image file in the portal's store is damaged/);
  });
});

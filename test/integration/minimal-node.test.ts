import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { UserContext } from '@/lib/auth/policy';
import { firstRow, getDb } from '@/lib/db/client';
import { nodeImages } from '@/lib/db/tables';
import type { FixtureImage } from '@/scripts/lib/fixture-image';
import type { Mirror } from '@/scripts/lib/mirror';
import type { SshNode } from '@/scripts/lib/sshd-node';
import { createUrlImage, installAndWait, jobLog } from '../support/portal';
import { startMirroredNode, type MirroredNode } from '../support/mirrored-node';

/** A node without curl and without qemu-img: the install falls back to wget and to file signatures. */
describe('installing on a minimal node (no curl, no qemu-img)', () => {
  let node: SshNode;
  let mirror: Mirror;
  let qcow2: FixtureImage;
  let admin: UserContext;
  let nodeId: string;

  let world: MirroredNode;
  beforeAll(async () => {
    world = await startMirroredNode({
      host: '127.0.0.36',
      hideTools: ['curl', 'qemu-img'],
      imageName: 'minimal.qcow2',
    });
    ({ node, mirror, image: qcow2, admin, nodeId } = world);
  });
  afterAll(() => world.stop());

  it('downloads with wget and checks the format by its signature', async () => {
    const imageId = await createUrlImage(admin, {
      name: 'minimal',
      sourceUrl: mirror.url('minimal.qcow2'),
      sha256: qcow2.sha256,
    });
    const job = await installAndWait(admin, imageId, nodeId);

    expect(job).toMatchObject({ status: 'succeeded', error: null });
    const file = path.join(node.imageDir, `${imageId}.qcow2`);
    expect(crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex')).toBe(qcow2.sha256);
    expect(await jobLog(job.id)).toEqual(
      expect.arrayContaining([expect.stringMatching(/with wget\.$/), 'Format verified: qcow2 (file signature).']),
    );
    expect(
      await firstRow(
        getDb()
          .select()
          .from(nodeImages)
          .where(and(eq(nodeImages.nodeId, nodeId), eq(nodeImages.imageId, imageId))),
      ),
    ).toMatchObject({
      state: 'installed',
    });
  });

  it('refuses by signature a file that is not in the declared format, leaving nothing behind', async () => {
    const imageId = await createUrlImage(admin, {
      name: 'says-raw',
      diskFormat: 'raw',
      sourceUrl: mirror.url('minimal.qcow2'),
      sha256: qcow2.sha256,
    });
    const job = await installAndWait(admin, imageId, nodeId);

    expect(job.status).toBe('failed');
    expect(job.error).toBe('Format mismatch: the image says raw, but the file is qcow2. The file was not installed.');
    expect(fs.readdirSync(node.imageDir).filter((f) => f.startsWith('says-raw'))).toEqual([]);
  });
});

import { eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import type { UserContext } from '@/lib/auth/policy';
import { now } from '@/lib/clock';
import { getDb } from '@/lib/db/client';
import { nodeImages, nodes } from '@/lib/db/tables';
import { getSeed } from '@/lib/install/relay/seed';
import { createDataCenterAs, createSuperAdmin, createUrlImage, insertUnreachableNode } from '../support/portal';

const SHA = 'a'.repeat(64);

/** Which node a relayed install copies from (lib/install/relay/seed.ts), decided from the rows alone. */
describe('choosing the seed of a relayed install', () => {
  let admin: UserContext;
  let dataCenterId: string;
  let otherDataCenterId: string;
  let image: { id: string; sha256: string | null };

  beforeAll(async () => {
    admin = await createSuperAdmin();
    dataCenterId = await createDataCenterAs(admin);
    otherDataCenterId = await createDataCenterAs(admin);
    const id = await createUrlImage(admin, { name: 'seeded', sourceUrl: 'http://127.0.0.1:9/x.qcow2', sha256: SHA });
    image = { id, sha256: SHA };
  });

  const node = (id: string) => getDb().select().from(nodes).where(eq(nodes.id, id)).get()!;
  const holds = (nodeId: string, fields: Partial<typeof nodeImages.$inferInsert> = {}, imageId = image.id) =>
    getDb()
      .insert(nodeImages)
      .values({
        nodeId,
        imageId,
        state: 'installed',
        available: true,
        path: `/srv/${imageId}.qcow2`,
        verifiedSha256: SHA,
        updatedAt: now(),
        ...fields,
      })
      .run();

  it('takes only a verified copy on another enabled node of the same data center', () => {
    const receiver = insertUnreachableNode(dataCenterId, 'receiver');
    expect(getSeed(image, node(receiver))).toBeNull();

    holds(insertUnreachableNode(otherDataCenterId, 'elsewhere'));
    holds(insertUnreachableNode(dataCenterId, 'unverified'), { verifiedSha256: 'b'.repeat(64) });
    holds(insertUnreachableNode(dataCenterId, 'still-installing'), { state: 'installing' });
    holds(insertUnreachableNode(dataCenterId, 'no-path'), { path: null });
    const resting = insertUnreachableNode(dataCenterId, 'resting');
    holds(resting);
    getDb().update(nodes).set({ status: 'maintenance' }).where(eq(nodes.id, resting)).run();
    holds(receiver, { state: 'installing' });
    expect(getSeed(image, node(receiver))).toBeNull();

    const good = insertUnreachableNode(dataCenterId, 'good');
    holds(good);
    expect(getSeed(image, node(receiver))).toMatchObject({ node: { id: good }, path: `/srv/${image.id}.qcow2` });
    expect(getSeed({ ...image, sha256: null }, node(receiver))).toBeNull();
  });

  it('prefers the seed with the fewest copies in flight, so later nodes copy from earlier copies', async () => {
    const dc = await createDataCenterAs(admin);
    const [a, b, receiver] = ['a-first', 'b-second', 'receiver-2'].map((name) => insertUnreachableNode(dc, name));
    holds(a!);
    expect(getSeed(image, node(receiver!))!.node.id).toBe(a);
    holds(b!);
    // Two copies run from a (of any image); none from b.
    const other = await createUrlImage(admin, { name: 'other', sourceUrl: 'http://127.0.0.1:9/y.qcow2', sha256: SHA });
    for (const [nodeId, imageId] of [
      [insertUnreachableNode(dc, 'copying-1'), image.id],
      [insertUnreachableNode(dc, 'copying-2'), other],
    ] as const)
      holds(nodeId, { state: 'installing', copiedFromNodeId: a! }, imageId);
    expect(getSeed(image, node(receiver!))!.node.id).toBe(b);
  });
});

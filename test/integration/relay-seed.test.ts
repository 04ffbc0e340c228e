import { eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import type { UserContext } from '@/lib/auth/policy';
import { now } from '@/lib/clock';
import { getDb, firstRow } from '@/lib/db/client';
import { nodeImages, nodes } from '@/lib/db/tables';
import { getSeed } from '@/lib/install/relay/seed';
import { createDataCenterAs, createSuperAdmin, createUrlImage, insertUnreachableNode } from '../support/portal';

const SHA = 'a'.repeat(64);

/** Which node a relayed install copies from (lib/install/relay/seed.ts), decided from the rows alone. */
describe('choosing the seed of a relayed install', async () => {
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

  const node = async (id: string) => (await firstRow(getDb().select().from(nodes).where(eq(nodes.id, id))))!;
  const holds = async (nodeId: string, fields: Partial<typeof nodeImages.$inferInsert> = {}, imageId = image.id) =>
    await getDb()
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
      });

  it('takes only a verified copy on another enabled node of the same data center', async () => {
    const receiver = await insertUnreachableNode(dataCenterId, 'receiver');
    expect(await getSeed(image, await node(receiver))).toBeNull();

    await holds(await insertUnreachableNode(otherDataCenterId, 'elsewhere'));
    await holds(await insertUnreachableNode(dataCenterId, 'unverified'), { verifiedSha256: 'b'.repeat(64) });
    await holds(await insertUnreachableNode(dataCenterId, 'still-installing'), { state: 'installing' });
    await holds(await insertUnreachableNode(dataCenterId, 'no-path'), { path: null });
    const resting = await insertUnreachableNode(dataCenterId, 'resting');
    await holds(resting);
    await getDb().update(nodes).set({ status: 'maintenance' }).where(eq(nodes.id, resting));
    await holds(receiver, { state: 'installing' });
    expect(await getSeed(image, await node(receiver))).toBeNull();

    const good = await insertUnreachableNode(dataCenterId, 'good');
    await holds(good);
    expect(await getSeed(image, await node(receiver))).toMatchObject({
      node: { id: good },
      path: `/srv/${image.id}.qcow2`,
    });
    expect(await getSeed({ ...image, sha256: null }, await node(receiver))).toBeNull();
  });

  it('prefers the seed with the fewest copies in flight, so later nodes copy from earlier copies', async () => {
    const dc = await createDataCenterAs(admin);
    const [a, b, receiver] = [
      await insertUnreachableNode(dc, 'a-first'),
      await insertUnreachableNode(dc, 'b-second'),
      await insertUnreachableNode(dc, 'receiver-2'),
    ];
    await holds(a);
    expect((await getSeed(image, await node(receiver)))!.node.id).toBe(a);
    await holds(b);
    // Two copies run from a (of any image); none from b.
    const other = await createUrlImage(admin, { name: 'other', sourceUrl: 'http://127.0.0.1:9/y.qcow2', sha256: SHA });
    for (const [nodeId, imageId] of [
      [await insertUnreachableNode(dc, 'copying-1'), image.id],
      [await insertUnreachableNode(dc, 'copying-2'), other],
    ] as const)
      await holds(nodeId, { state: 'installing', copiedFromNodeId: a }, imageId);
    expect((await getSeed(image, await node(receiver)))!.node.id).toBe(b);
  });
});

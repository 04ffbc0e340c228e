import { eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import type { UserContext } from '@/lib/auth/policy';
import { getImageAvailability, withSharedLocks } from '@/lib/availability/queries';
import { getDb } from '@/lib/db/client';
import { nodes } from '@/lib/db/tables';
import { createDataCenterAs, createSuperAdmin, createUrlImage, insertUnreachableNode } from '../support/portal';

/** Image Availability says a reason all of a data center's nodes share once, not on each of its rows. */
describe('shared reasons on Image Availability', async () => {
  let admin: UserContext;
  let dataCenterId: string;
  let imageId: string;
  let second: string;

  beforeAll(async () => {
    admin = await createSuperAdmin();
    dataCenterId = await createDataCenterAs(admin, 'shared-locks');
    await insertUnreachableNode(dataCenterId, 'shared-1');
    second = await insertUnreachableNode(dataCenterId, 'shared-2');
    imageId = await createUrlImage(
      admin,
      { name: 'shared-locks', sourceUrl: 'http://127.0.0.1:9/x.qcow2', sha256: 'a'.repeat(64) },
      { attachTo: [] },
    );
  });

  const groupOf = async () =>
    withSharedLocks((await getImageAvailability(admin, imageId))!).groups.find((g) => g.dataCenterId === dataCenterId)!;

  it('moves the one reason of every row to the group, and leaves the rows without it', async () => {
    const full = (await getImageAvailability(admin, imageId))!.groups.find((g) => g.dataCenterId === dataCenterId)!;
    expect(new Set(full.rows.map((r) => r.locked)).size).toBe(1);
    const group = await groupOf();
    expect(group.sharedLock).toBe(full.rows[0]!.locked);
    expect(group.sharedLock).toMatch(/^shared-locks is not attached to /);
    expect(group.rows.map((r) => r.locked)).toEqual([null, null]);
  });

  it('keeps each row’s own reason when they differ', async () => {
    await getDb().update(nodes).set({ status: 'maintenance', statusReason: 'disk swap' }).where(eq(nodes.id, second));
    const group = await groupOf();
    expect(group.sharedLock).toBeUndefined();
    expect(group.rows.every((r) => r.locked !== null)).toBe(true);
    expect(new Set(group.rows.map((r) => r.locked)).size).toBe(2);
  });
});

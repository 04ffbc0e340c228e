import { beforeAll, describe, expect, it } from 'vitest';
import type { UserContext } from '@/lib/auth/policy';
import { AVAILABILITY_PAGE_SIZE } from '@/lib/availability/node-pages';
import { getImageAvailability } from '@/lib/availability/queries';
import { createDataCenterAs, createSuperAdmin, createUrlImage, insertUnreachableNode } from '../support/portal';

/**
 * Image Availability reads its nodes a page at a time: a cloud of thousands of nodes would
 * otherwise send megabytes with every page view and every poll. The API still reads them all.
 */
describe('Image Availability in pages of nodes', async () => {
  let admin: UserContext;
  let imageId: string;
  const names: string[] = [];

  beforeAll(async () => {
    admin = await createSuperAdmin();
    // Data centers made out of their name order, one without nodes between the two with them, so
    // that a page runs across from one to the next in name order; nodes made out of theirs too.
    const second = await createDataCenterAs(admin, 'b-pages');
    await createDataCenterAs(admin, 'ab-pages');
    const first = await createDataCenterAs(admin, 'a-pages');
    for (let i = 0; i < AVAILABILITY_PAGE_SIZE + 7; i++) names.push(`pn-${String(i).padStart(3, '0')}`);
    for (const [i, name] of [...names.entries()].reverse()) await insertUnreachableNode(i < 60 ? first : second, name);
    imageId = await createUrlImage(admin, {
      name: 'paged',
      sourceUrl: 'http://127.0.0.1:9/x.qcow2',
      sha256: 'a'.repeat(64),
    });
  });

  const namesOn = (availability: Awaited<ReturnType<typeof getImageAvailability>>) =>
    availability!.groups.flatMap((g) => g.rows.map((r) => r.nodeName));

  it('holds a page of nodes in data-center and name order, and says which page of how many', async () => {
    const one = (await getImageAvailability(admin, imageId, 1))!;
    expect(one.paging).toEqual({ page: 1, pageSize: AVAILABILITY_PAGE_SIZE, pageCount: 2, total: names.length });
    expect(namesOn(one)).toEqual(names.slice(0, AVAILABILITY_PAGE_SIZE));
    expect(one.groups.map((g) => g.rows.length)).toEqual([60, AVAILABILITY_PAGE_SIZE - 60]);

    const two = (await getImageAvailability(admin, imageId, 2))!;
    expect(two.paging).toMatchObject({ page: 2, pageCount: 2 });
    expect(namesOn(two)).toEqual(names.slice(AVAILABILITY_PAGE_SIZE));
  });

  it('shows the last page for a page past the end, and every node without a page', async () => {
    expect((await getImageAvailability(admin, imageId, 99))!.paging?.page).toBe(2);
    const all = (await getImageAvailability(admin, imageId))!;
    expect(all.paging).toBeUndefined();
    expect(namesOn(all)).toEqual(names);
  });
});

import crypto from 'node:crypto';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import type { UserContext } from '@/lib/auth/policy';
import { now } from '@/lib/clock';
import { getDb, firstRow } from '@/lib/db/client';
import type { AccessLevel } from '@/lib/db/enums';
import { imageDataCenters, images, machines, nodeImages, sizes } from '@/lib/db/tables';
import {
  ATTACH_SEARCH_LIMIT,
  listImagesAttachedToDataCenter,
  searchAttachableImages,
} from '@/lib/locations/attached-images';
import { listNodesOfDataCenterPage } from '@/lib/locations/queries';
import { TABLE_PAGE_SIZE } from '@/lib/locations/table-page';
import {
  listMachinesInDataCenterPage,
  listMachinesOnNode,
  MACHINE_IMAGE_SEARCH_LIMIT,
  searchImagesForMachine,
} from '@/lib/machines/queries';
import { countInstalledImagesOnNode, listImagesOnNodePage } from '@/lib/nodes/queries';
import { listSizesForDataCenterPage } from '@/lib/sizes/queries';
import { createDataCenterAs, createSuperAdmin, createUserWithRole, insertUnreachableNode } from '../support/portal';

// The search routes read the session through Auth.js, whose own module does not load under Vitest:
// each test says who is signed in.
let signedIn: string | null = null;
vi.mock('@/lib/auth/auth', () => ({ auth: async () => (signedIn ? { user: { id: signedIn } } : null) }));

/**
 * The tables of Location Details and Node Details come a page at a time, and their image pickers
 * search on the server: at most a page of matches, only what the policy lets the user choose.
 */
let admin: UserContext;
let imageAdmin: UserContext;
let dcAdmin: UserContext;
let dc: string;
let otherDc: string;
let node: string;

/** Image rows straight into the table: the tests need many, with chosen access and attachments. */
async function insertImage(name: string, fields: { access?: AccessLevel; bound?: string; attached?: string[] } = {}) {
  const id = crypto.randomUUID();
  const at = now();
  await getDb()
    .insert(images)
    .values({
      id,
      name,
      version: '1',
      osType: 'linux',
      category: 'Linux',
      diskFormat: 'qcow2',
      access: fields.access ?? 'public',
      dcBoundId: fields.bound ?? null,
      sourceUrl: 'http://127.0.0.1:9/x.qcow2',
      createdAt: at,
      updatedAt: at,
    });
  for (const dataCenterId of [...(fields.bound ? [fields.bound] : []), ...(fields.attached ?? [])])
    await getDb().insert(imageDataCenters).values({ imageId: id, dataCenterId, attachedAt: at });
  return id;
}

const names = (rows: { name: string }[]) => rows.map((r) => r.name);

beforeAll(async () => {
  admin = await createSuperAdmin();
  dc = await createDataCenterAs(admin);
  otherDc = await createDataCenterAs(admin);
  imageAdmin = await createUserWithRole('ImageAdmin', dc);
  dcAdmin = await createUserWithRole('DCAdmin', dc);
  node = await insertUnreachableNode(dc, 'paging-node-00');
  for (let i = 1; i < 30; i++) await insertUnreachableNode(dc, `paging-node-${String(i).padStart(2, '0')}`);
  // 60 attached here (installed on the first node), 30 more public and 5 private to attach, and a
  // few that are never offered: bound elsewhere, deleted.
  for (let i = 0; i < 60; i++) {
    const id = await insertImage(`attached-${String(i).padStart(2, '0')}`, { attached: [dc] });
    await getDb().insert(nodeImages).values({ nodeId: node, imageId: id, state: 'installed', updatedAt: now() });
  }
  for (let i = 0; i < 30; i++) await insertImage(`candidate-${String(i).padStart(2, '0')}`, { attached: [otherDc] });
  for (let i = 0; i < 5; i++) await insertImage(`private-candidate-${i}`, { access: 'private' });
  await insertImage('candidate-bound-elsewhere', { bound: otherDc });
  await insertImage('candidate-deleted', { access: 'deleted' });
  await insertImage('odd_name%50');
  await insertImage('oddXnameX50');
});

describe('the paged tables', () => {
  it('page the nodes of a data center by name, with their installed images counted', async () => {
    const first = await listNodesOfDataCenterPage(admin, dc, 1);
    expect(first).toMatchObject({ total: 30, page: 1, pageSize: TABLE_PAGE_SIZE, pageCount: 2 });
    expect(first.rows).toHaveLength(TABLE_PAGE_SIZE);
    expect(first.rows[0]).toMatchObject({ name: 'paging-node-00', imageCount: 60 });
    expect(first.rows[1]).toMatchObject({ name: 'paging-node-01', imageCount: 0 });
    // Past the end shows the last page.
    const last = await listNodesOfDataCenterPage(admin, dc, 99);
    expect(last.page).toBe(2);
    expect(names(last.rows)).toEqual([
      'paging-node-25',
      'paging-node-26',
      'paging-node-27',
      'paging-node-28',
      'paging-node-29',
    ]);
    expect((await listNodesOfDataCenterPage(await createUserWithRole('DCAdmin', otherDc), dc, 1)).rows).toEqual([]);
  });

  it('page the attached images by name, each with the nodes here that have it', async () => {
    const second = await listImagesAttachedToDataCenter(admin, dc, 2);
    expect(second).toMatchObject({ total: 60, page: 2, pageCount: 3 });
    expect(second.rows[0]).toMatchObject({ name: 'attached-25', installedNodes: 1, mayChange: true });
    expect(names((await listImagesAttachedToDataCenter(admin, dc, 3)).rows)).toHaveLength(10);
    // DCAdmins read them, without Detach.
    expect((await listImagesAttachedToDataCenter(dcAdmin, dc, 1)).rows.every((i) => !i.mayChange)).toBe(true);
  });

  it('page the images on a node, its machines, the machines of a data center and the VM sizes', async () => {
    const onNode = await listImagesOnNodePage(node, 3);
    expect(onNode).toMatchObject({ total: 60, page: 3 });
    expect(onNode.rows[0]).toMatchObject({ name: 'attached-50', state: 'installed' });
    expect(await countInstalledImagesOnNode(node)).toBe(60);

    const imageId = (await firstRow(getDb().select({ id: images.id }).from(images).limit(1)))!.id;
    await getDb()
      .insert(machines)
      .values(
        Array.from({ length: 27 }, (_, i) => ({
          id: crypto.randomUUID(),
          name: `vm-${String(26 - i).padStart(2, '0')}`,
          nodeId: node,
          imageId,
          createdAt: now(),
        })),
      );
    expect(names((await listMachinesOnNode(node, 2)).rows)).toEqual(['vm-25', 'vm-26']);
    expect(await listMachinesInDataCenterPage(admin, dc, 1)).toMatchObject({ total: 27, pageCount: 2 });
    expect((await listMachinesInDataCenterPage(await createUserWithRole('DCAdmin', otherDc), dc, 1)).total).toBe(0);

    await getDb()
      .insert(sizes)
      .values(
        Array.from({ length: 26 }, (_, i) => ({
          id: crypto.randomUUID(),
          name: `size-${i}`,
          vcpus: i + 1,
          memoryMb: 512,
          diskGb: [10],
          createdAt: now(),
        })),
      );
    const lastSizes = await listSizesForDataCenterPage(admin, dc, 2);
    expect(lastSizes).toMatchObject({ total: 26, pageCount: 2 });
    expect(lastSizes.rows).toEqual([expect.objectContaining({ name: 'size-25', here: null, elsewhere: [] })]);
  });
});

describe('the Attach image search', () => {
  it('answers at most a page of matches, and says there are more', async () => {
    const all = await searchAttachableImages(admin, dc, '');
    expect(all.images).toHaveLength(ATTACH_SEARCH_LIMIT);
    expect(all.more).toBe(true);
    const few = await searchAttachableImages(admin, dc, 'candidate', 5);
    expect(few.images).toHaveLength(5);
    expect(few.more).toBe(true);
  });

  it('offers only global images not attached here, not deleted; names starting with the text first', async () => {
    const found = names((await searchAttachableImages(admin, dc, 'candidate', 100)).images);
    expect(found).toHaveLength(35);
    expect(found.slice(0, 3)).toEqual(['candidate-00', 'candidate-01', 'candidate-02']);
    expect(found.slice(-5)).toEqual([0, 1, 2, 3, 4].map((i) => `private-candidate-${i}`));
    expect(found).not.toContain('candidate-bound-elsewhere');
    expect(found).not.toContain('candidate-deleted');
    expect((await searchAttachableImages(admin, dc, 'attached-0')).images).toEqual([]);
    // LIKE's wildcards in the text match themselves.
    expect(names((await searchAttachableImages(admin, dc, '_name%')).images)).toEqual(['odd_name%50']);
  });

  it('applies the policy: an ImageAdmin gets public images only, a DCAdmin and outsiders nothing', async () => {
    const found = names((await searchAttachableImages(imageAdmin, dc, 'candidate', 100)).images);
    expect(found).toHaveLength(30);
    expect(found.some((name) => name.startsWith('private-'))).toBe(false);
    expect(await searchAttachableImages(dcAdmin, dc, '')).toEqual({ images: [], more: false });
    expect(await searchAttachableImages(imageAdmin, otherDc, '')).toEqual({ images: [], more: false });
  });

  it('is served to those who may attach, refused to others', async () => {
    const { GET } = await import('@/app/(portal)/locations/[id]/attachable-images/route');
    const ask = (as: UserContext | null, q: string, dataCenterId = dc) => {
      signedIn = as?.id ?? null;
      return GET(new Request(`http://portal/locations/${dataCenterId}/attachable-images?q=${encodeURIComponent(q)}`), {
        params: Promise.resolve({ id: dataCenterId }),
      });
    };
    const answer = await ask(imageAdmin, 'candidate-2');
    expect(answer.status).toBe(200);
    const body = (await answer.json()) as { options: { value: string; label: string; name: string }[]; more: boolean };
    expect(body.more).toBe(false);
    expect(body.options.map((o) => o.label)).toEqual(Array.from({ length: 10 }, (_, i) => `candidate-2${i} (1)`));
    await expect((await ask(admin, 'private-candidate-0')).json()).resolves.toMatchObject({
      options: [{ label: 'private-candidate-0 (1), private', name: 'private-candidate-0' }],
    });
    expect((await ask(dcAdmin, '')).status).toBe(404);
    expect((await ask(imageAdmin, '', otherDc)).status).toBe(404);
    expect((await ask(admin, '', crypto.randomUUID())).status).toBe(404);
    expect((await ask(null, '')).status).toBe(401);
  });
});

describe('the Record machine image search', () => {
  it('answers SuperAdmins at most a page of the images a machine may run', async () => {
    const found = await searchImagesForMachine(admin, '');
    expect(found!.images).toHaveLength(MACHINE_IMAGE_SEARCH_LIMIT);
    expect(found!.more).toBe(true);
    const deleted = await searchImagesForMachine(admin, 'candidate-deleted');
    expect(deleted).toEqual({ images: [], more: false });
    expect(names((await searchImagesForMachine(admin, 'attached-5', 100))!.images)).toEqual(
      Array.from({ length: 10 }, (_, i) => `attached-5${i}`),
    );
  });

  it('refuses everyone else, the route too', async () => {
    expect(await searchImagesForMachine(imageAdmin, '')).toBeNull();
    expect(await searchImagesForMachine(dcAdmin, '')).toBeNull();
    const { GET } = await import('@/app/(portal)/nodes/[id]/machine-images/route');
    const ask = (as: UserContext | null, nodeId = node) => {
      signedIn = as?.id ?? null;
      return GET(new Request(`http://portal/nodes/${nodeId}/machine-images?q=attached-01`), {
        params: Promise.resolve({ id: nodeId }),
      });
    };
    expect(await (await ask(admin)).json()).toEqual({
      options: [{ value: expect.any(String), label: 'attached-01 (1)' }],
      more: false,
    });
    expect((await ask(dcAdmin)).status).toBe(404);
    expect((await ask(admin, crypto.randomUUID())).status).toBe(404);
    expect((await ask(null)).status).toBe(401);
  });
});

import crypto from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import type { UserContext } from '@/lib/auth/policy';
import { getDb } from '@/lib/db/client';
import type { AccessLevel, JobKind, JobStatus } from '@/lib/db/enums';
import { imageDataCenters, images, jobs, storeReservations } from '@/lib/db/tables';
import { imagesInMotion, importsUnderWay, listImageFilterOptions, listImagesPage } from '@/lib/images/listing';
import { uploadTempName } from '@/lib/store/names';
import { createDataCenterAs, createSuperAdmin, createUserWithRole } from '../support/portal';

/**
 * The Images page for other roles: an ImageAdmin also sees, read-only, the public global images they
 * may attach; and the page knows when something on it is still moving, so it polls until nothing is.
 */

let admin: UserContext;
let imageAdminA: UserContext;
let dcAdminA: UserContext;
let dcA: string;
let dcB: string;
const ids = new Map<string, string>();

async function insertImage(name: string, opts: { access?: AccessLevel; bound?: string; attached?: string[] } = {}) {
  const id = crypto.randomUUID();
  const at = new Date();
  await getDb()
    .insert(images)
    .values({
      id,
      name,
      osType: name.includes('bsd') ? 'bsd' : 'linux',
      category: 'Linux',
      diskFormat: 'qcow2',
      access: opts.access ?? 'public',
      dcBoundId: opts.bound ?? null,
      sourceUrl: 'http://127.0.0.1:9/x.qcow2',
      createdAt: at,
      updatedAt: at,
    });
  for (const dc of [...(opts.bound ? [opts.bound] : []), ...(opts.attached ?? [])])
    await getDb().insert(imageDataCenters).values({ imageId: id, dataCenterId: dc, attachedAt: at });
  ids.set(name, id);
  return id;
}

async function insertJobRow(kind: JobKind, status: JobStatus, fields: { dataCenterId?: string; imageId?: string }) {
  const id = crypto.randomUUID();
  const at = new Date();
  await getDb()
    .insert(jobs)
    .values({ id, kind, status, ...fields, createdAt: at, updatedAt: at });
  return id;
}

beforeAll(async () => {
  admin = await createSuperAdmin();
  dcA = await createDataCenterAs(admin, 'attachable-a');
  dcB = await createDataCenterAs(admin, 'attachable-b');
  imageAdminA = await createUserWithRole('ImageAdmin', dcA);
  dcAdminA = await createUserWithRole('DCAdmin', dcA);
  await insertImage('att-global-free');
  await insertImage('att-bsd-free');
  await insertImage('att-global-here', { attached: [dcA] });
  await insertImage('att-global-private', { access: 'private' });
  await insertImage('att-global-deleted', { access: 'deleted' });
  await insertImage('att-bound-a', { bound: dcA });
  await insertImage('att-bound-b', { bound: dcB });
});

const listed = async (user: UserContext, request: Parameters<typeof listImagesPage>[1] = {}) =>
  (await listImagesPage(user, { q: 'att-', pageSize: 100, ...request })).rows.map((r) =>
    r.attachableOnly ? `${r.name} (attachable)` : r.name,
  );

describe('an ImageAdmin’s Images page', () => {
  it('lists the public global images they may attach, flagged, beside their own', async () => {
    expect(await listed(imageAdminA, { includeAttachable: true })).toEqual([
      'att-bound-a',
      'att-bsd-free (attachable)',
      'att-global-free (attachable)',
      'att-global-here',
    ]);
    expect((await listImageFilterOptions(imageAdminA, { includeAttachable: true })).osTypes).toEqual(['linux', 'bsd']);
  });

  it('leaves them out unless asked (the JSON API), and never shows private, deleted or bound ones', async () => {
    expect(await listed(imageAdminA)).toEqual(['att-bound-a', 'att-global-here']);
    expect(await listed(imageAdminA, { includeAttachable: true, access: 'all' })).not.toContain('att-global-deleted');
    expect(await listed(imageAdminA, { includeAttachable: true, access: 'private' })).toEqual([]);
    // Filtered to their data center: only what is there, not what could be.
    expect(await listed(imageAdminA, { includeAttachable: true, dataCenterId: dcA })).toEqual([
      'att-bound-a',
      'att-global-here',
    ]);
  });

  it('shows a DCAdmin, who may attach nothing, only their data center’s images; a SuperAdmin flags nothing', async () => {
    expect(await listed(dcAdminA, { includeAttachable: true })).toEqual(['att-bound-a', 'att-global-here']);
    expect((await listed(admin, { includeAttachable: true })).every((name) => !name.endsWith('(attachable)'))).toBe(
      true,
    );
  });
});

describe('whether the Images page is still moving', () => {
  const page = async (user: UserContext) =>
    (await listImagesPage(user, { q: 'att-', pageSize: 100 })).rows.map((r) => r.id);

  it('is still while nothing runs, and moves while an upload into the store for one of them is live', async () => {
    expect(await imagesInMotion(admin, await page(admin))).toBe(false);
    const reservation = {
      id: crypto.randomUUID(),
      tempFile: uploadTempName(ids.get('att-bound-a')!),
      bytes: 1,
      owner: 'test',
      createdAt: new Date(),
    };
    await getDb()
      .insert(storeReservations)
      .values({ ...reservation, leaseUntil: new Date(Date.now() + 60_000) });
    expect(await imagesInMotion(admin, await page(admin))).toBe(true);
    expect(await imagesInMotion(imageAdminA, await page(imageAdminA))).toBe(true);
    // A lapsed lease is an upload whose process died: nothing moves any more.
    await getDb()
      .update(storeReservations)
      .set({ leaseUntil: new Date(Date.now() - 1000) });
    expect(await imagesInMotion(admin, await page(admin))).toBe(false);
  });

  it('moves while a job of an image on the page runs, or an import the user can see', async () => {
    const install = await insertJobRow('install', 'running', { dataCenterId: dcA, imageId: ids.get('att-bound-a') });
    expect(await imagesInMotion(imageAdminA, await page(imageAdminA))).toBe(true);
    expect(await imagesInMotion(imageAdminA, [])).toBe(false);
    await getDb().delete(jobs);
    await insertJobRow('import', 'queued', { dataCenterId: dcB });
    expect(await importsUnderWay(admin)).toBe(true);
    expect(await importsUnderWay(imageAdminA)).toBe(false); // not their data center
    await insertJobRow('import', 'succeeded', { dataCenterId: dcA });
    expect(await importsUnderWay(imageAdminA)).toBe(false);
    await insertJobRow('import', 'running', { dataCenterId: dcA });
    expect(await importsUnderWay(imageAdminA)).toBe(true);
    expect(install).toBeTypeOf('string');
  });
});

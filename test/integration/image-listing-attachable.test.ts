import crypto from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import type { UserContext } from '@/lib/auth/policy';
import { getDb } from '@/lib/db/client';
import type { AccessLevel, JobKind, JobStatus } from '@/lib/db/enums';
import { imageDataCenters, images, jobs, storeReservations } from '@/lib/db/tables';
import { imagesInMotion, importsUnderWay, listImageFilterOptions, listImagesPage } from '@/lib/images/listing';
import { uploadTempName } from '@/lib/store/image-store';
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

function insertImage(name: string, opts: { access?: AccessLevel; bound?: string; attached?: string[] } = {}) {
  const id = crypto.randomUUID();
  const at = new Date();
  getDb()
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
    })
    .run();
  for (const dc of [...(opts.bound ? [opts.bound] : []), ...(opts.attached ?? [])])
    getDb().insert(imageDataCenters).values({ imageId: id, dataCenterId: dc, attachedAt: at }).run();
  ids.set(name, id);
  return id;
}

function insertJobRow(kind: JobKind, status: JobStatus, fields: { dataCenterId?: string; imageId?: string }) {
  const id = crypto.randomUUID();
  const at = new Date();
  getDb()
    .insert(jobs)
    .values({ id, kind, status, ...fields, createdAt: at, updatedAt: at })
    .run();
  return id;
}

beforeAll(async () => {
  admin = await createSuperAdmin();
  dcA = await createDataCenterAs(admin, 'attachable-a');
  dcB = await createDataCenterAs(admin, 'attachable-b');
  imageAdminA = await createUserWithRole('ImageAdmin', dcA);
  dcAdminA = await createUserWithRole('DCAdmin', dcA);
  insertImage('att-global-free');
  insertImage('att-bsd-free');
  insertImage('att-global-here', { attached: [dcA] });
  insertImage('att-global-private', { access: 'private' });
  insertImage('att-global-deleted', { access: 'deleted' });
  insertImage('att-bound-a', { bound: dcA });
  insertImage('att-bound-b', { bound: dcB });
});

const listed = (user: UserContext, request: Parameters<typeof listImagesPage>[1] = {}) =>
  listImagesPage(user, { q: 'att-', pageSize: 100, ...request }).rows.map((r) =>
    r.attachableOnly ? `${r.name} (attachable)` : r.name,
  );

describe('an ImageAdmin’s Images page', () => {
  it('lists the public global images they may attach, flagged, beside their own', () => {
    expect(listed(imageAdminA, { includeAttachable: true })).toEqual([
      'att-bound-a',
      'att-bsd-free (attachable)',
      'att-global-free (attachable)',
      'att-global-here',
    ]);
    expect(listImageFilterOptions(imageAdminA, { includeAttachable: true }).osTypes).toEqual(['linux', 'bsd']);
  });

  it('leaves them out unless asked (the JSON API), and never shows private, deleted or bound ones', () => {
    expect(listed(imageAdminA)).toEqual(['att-bound-a', 'att-global-here']);
    expect(listed(imageAdminA, { includeAttachable: true, access: 'all' })).not.toContain('att-global-deleted');
    expect(listed(imageAdminA, { includeAttachable: true, access: 'private' })).toEqual([]);
    // Filtered to their data center: only what is there, not what could be.
    expect(listed(imageAdminA, { includeAttachable: true, dataCenterId: dcA })).toEqual([
      'att-bound-a',
      'att-global-here',
    ]);
  });

  it('shows a DCAdmin, who may attach nothing, only their data center’s images; a SuperAdmin flags nothing', () => {
    expect(listed(dcAdminA, { includeAttachable: true })).toEqual(['att-bound-a', 'att-global-here']);
    expect(listed(admin, { includeAttachable: true }).every((name) => !name.endsWith('(attachable)'))).toBe(true);
  });
});

describe('whether the Images page is still moving', () => {
  const page = (user: UserContext) => listImagesPage(user, { q: 'att-', pageSize: 100 }).rows.map((r) => r.id);

  it('is still while nothing runs, and moves while an upload into the store for one of them is live', () => {
    expect(imagesInMotion(admin, page(admin))).toBe(false);
    const reservation = {
      id: crypto.randomUUID(),
      tempFile: uploadTempName(ids.get('att-bound-a')!),
      bytes: 1,
      owner: 'test',
      createdAt: new Date(),
    };
    getDb()
      .insert(storeReservations)
      .values({ ...reservation, leaseUntil: new Date(Date.now() + 60_000) })
      .run();
    expect(imagesInMotion(admin, page(admin))).toBe(true);
    expect(imagesInMotion(imageAdminA, page(imageAdminA))).toBe(true);
    // A lapsed lease is an upload whose process died: nothing moves any more.
    getDb()
      .update(storeReservations)
      .set({ leaseUntil: new Date(Date.now() - 1000) })
      .run();
    expect(imagesInMotion(admin, page(admin))).toBe(false);
  });

  it('moves while a job of an image on the page runs, or an import the user can see', () => {
    const install = insertJobRow('install', 'running', { dataCenterId: dcA, imageId: ids.get('att-bound-a') });
    expect(imagesInMotion(imageAdminA, page(imageAdminA))).toBe(true);
    expect(imagesInMotion(imageAdminA, [])).toBe(false);
    getDb().delete(jobs).run();
    insertJobRow('import', 'queued', { dataCenterId: dcB });
    expect(importsUnderWay(admin)).toBe(true);
    expect(importsUnderWay(imageAdminA)).toBe(false); // not their data center
    insertJobRow('import', 'succeeded', { dataCenterId: dcA });
    expect(importsUnderWay(imageAdminA)).toBe(false);
    insertJobRow('import', 'running', { dataCenterId: dcA });
    expect(importsUnderWay(imageAdminA)).toBe(true);
    expect(install).toBeTypeOf('string');
  });
});

import { and, eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import type { UserContext } from '@/lib/auth/policy';
import { createUser, loadUserContext } from '@/lib/auth/users';
import { getDb } from '@/lib/db/client';
import { auditEvents, dataCenters, images, roleGrants } from '@/lib/db/schema';
import { createImage } from '@/lib/images/operations';
import { createDataCenter } from '@/lib/locations/operations';
import { now } from '@/lib/clock';
import { createDataCenterAs, createSuperAdmin, run } from '../support/portal';

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
    sha256: 'a'.repeat(64),
    dcBoundId,
  });
  const lastAudit = (action: string) =>
    getDb().select().from(auditEvents).where(eq(auditEvents.action, action)).all().at(-1);

  beforeAll(async () => {
    dataCenterId = await createDataCenterAs(await createSuperAdmin());
    const grant = async (username: string, role: 'DCAdmin' | 'ImageAdmin') => {
      const id = await createUser({ username, password: 'long enough password' });
      getDb().insert(roleGrants).values({ userId: id, dataCenterId, role, createdAt: now() }).run();
      return loadUserContext(id)!;
    };
    dcAdmin = await grant('dc-admin', 'DCAdmin');
    imageAdmin = await grant('image-admin', 'ImageAdmin');
  });

  it('refuses a DCAdmin creating a data center, changing nothing', async () => {
    const before = getDb().select().from(dataCenters).all().length;
    const result = await run(createDataCenter, { code: 'forged', name: 'Forged' }, dcAdmin);
    expect(result).toMatchObject({ ok: false, code: 'forbidden' });
    expect(!result.ok && result.error).toMatch(/You may not manage data centers/);
    expect(getDb().select().from(dataCenters).all().length).toBe(before);
    expect(lastAudit('datacenter.create')).toMatchObject({ userId: dcAdmin.id, outcome: 'denied' });
  });

  it('refuses anonymous callers', async () => {
    const result = await run(createDataCenter, { code: 'anon', name: 'Anon' }, null);
    expect(result).toMatchObject({ ok: false, code: 'unauthenticated' });
    expect(lastAudit('datacenter.create')).toMatchObject({ userId: null, outcome: 'denied' });
  });

  it('lets an ImageAdmin create images bound to their data center only', async () => {
    const own = await run(createImage, image('bound-here', dataCenterId), imageAdmin);
    expect(own.ok).toBe(true);
    expect(lastAudit('image.create')).toMatchObject({ outcome: 'ok', dataCenterId });

    const global = await run(createImage, image('global-by-image-admin'), imageAdmin);
    expect(global).toMatchObject({ ok: false, code: 'forbidden' });
    expect(getDb().select().from(images).where(eq(images.name, 'global-by-image-admin')).get()).toBeUndefined();
    expect(lastAudit('image.create')).toMatchObject({ userId: imageAdmin.id, outcome: 'denied' });
  });

  it('rejects bad input with field errors, audited as an error, changing nothing', async () => {
    const result = await run(createImage, { ...image('../bad'), sha256: '' }, imageAdmin);
    expect(result).toMatchObject({ ok: false, code: 'invalid' });
    expect(!result.ok && Object.keys(result.fieldErrors ?? {}).sort()).toEqual(['name', 'sha256']);
    expect(lastAudit('image.create')).toMatchObject({ outcome: 'error' });
    expect(getDb().select().from(images).where(and(eq(images.name, '../bad'))).get()).toBeUndefined();
  });

  it('reports a taken name as a conflict on the field', async () => {
    const result = await run(createImage, image('bound-here', dataCenterId), imageAdmin);
    expect(result).toMatchObject({ ok: false, code: 'conflict', fieldErrors: { name: ['An image named "bound-here" already exists.'] } });
  });
});

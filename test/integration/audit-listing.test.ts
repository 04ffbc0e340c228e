import { eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { auditHistoryOf, listAuditFilterOptions, listAuditPage } from '@/lib/audit/queries';
import { recordAudit } from '@/lib/audit/record';
import type { UserContext } from '@/lib/auth/policy';
import { setClockForTests } from '@/lib/clock';
import { getDb } from '@/lib/db/client';
import { auditEvents } from '@/lib/db/tables';
import { grantRole } from '@/lib/users/grants';
import { createDataCenterAs, createSuperAdmin, createUserWithRole, expectOk, run } from '../support/portal';

let admin: UserContext;
let dcAdminA: UserContext;
let imageAdminA: UserContext;
let dcA: string;
let dcB: string;
const T0 = Date.parse('2026-11-20T10:00:00Z');

/** An event at a known time, as an operation would record it. */
async function eventAt(at: number, entry: Parameters<typeof recordAudit>[0]) {
  const restore = setClockForTests({ now: () => new Date(at) });
  try {
    await recordAudit(entry);
  } finally {
    restore();
  }
}

beforeAll(async () => {
  admin = await createSuperAdmin();
  dcA = await createDataCenterAs(admin, 'audit-a');
  dcB = await createDataCenterAs(admin, 'audit-b');
  dcAdminA = await createUserWithRole('DCAdmin', dcA);
  imageAdminA = await createUserWithRole('ImageAdmin', dcA);
  await getDb().delete(auditEvents); // start from a known log
  // 30 image events in A, one a minute, and 5 in B; a sign-in that belongs to no data center.
  for (let i = 0; i < 30; i++) {
    await eventAt(T0 + i * 60_000, {
      userId: i % 2 ? admin.id : imageAdminA.id,
      action: i % 3 ? 'image.edit' : 'image.create',
      targetType: 'image',
      targetId: `image-a-${i % 5}`,
      dataCenterId: dcA,
      outcome: i % 10 === 9 ? 'denied' : 'ok',
      details: { name: `a-${i}` },
    });
  }
  for (let i = 0; i < 5; i++) {
    await eventAt(T0 + i * 60_000, {
      userId: admin.id,
      action: 'node.register',
      targetType: 'node',
      targetId: `node-b-${i}`,
      dataCenterId: dcB,
      outcome: 'ok',
    });
  }
  await eventAt(T0, {
    userId: null,
    action: 'auth.login',
    targetType: 'user',
    outcome: 'denied',
    details: { username: 'admin', reason: 'invalid credentials' },
  });
});

describe('who reads which audit events', () => {
  it('shows a SuperAdmin every event, newest first', async () => {
    const page = await listAuditPage(admin, { pageSize: 100 });
    expect(page.total).toBe(36);
    const times = page.rows.map((r) => r.at.getTime());
    expect(times).toEqual([...times].sort((a, b) => b - a));
    expect(page.rows[0]).toMatchObject({
      action: expect.stringMatching(/^image\./),
      dataCenter: { name: 'Data center audit-a' },
    });
  });

  it("shows a DCAdmin only their data centers' events", async () => {
    const page = await listAuditPage(dcAdminA, { pageSize: 100 });
    expect(page.total).toBe(30);
    expect(new Set(page.rows.map((r) => r.target.type))).toEqual(new Set(['image']));
    expect((await listAuditFilterOptions(dcAdminA)).actions).toEqual(['image.create', 'image.edit']);
    expect((await listAuditPage(dcAdminA, { action: 'node.register' })).total).toBe(0);
    expect((await listAuditPage(dcAdminA, { action: 'auth.login' })).total).toBe(0);
  });

  it('shows an ImageAdmin nothing, and the audit history of a target neither', async () => {
    expect(await listAuditPage(imageAdminA, {})).toMatchObject({ rows: [], total: 0 });
    expect(await listAuditFilterOptions(imageAdminA)).toEqual({ users: [], actions: [], targetTypes: [] });
    expect(await auditHistoryOf(imageAdminA, { targetType: 'image', targetId: 'image-a-0' })).toEqual([]);
    expect(await auditHistoryOf(dcAdminA, { targetType: 'image', targetId: 'image-a-0' })).toHaveLength(6);
  });

  it('lets a DCAdmin read the grants made on their data center, not on others', async () => {
    const grantee = await createUserWithRole('DCAdmin', dcB);
    expectOk(await run(grantRole, { userId: grantee.id, dataCenterId: dcA, role: 'ImageAdmin' }, admin));
    expectOk(await run(grantRole, { userId: grantee.id, dataCenterId: dcB, role: 'ImageAdmin' }, admin));
    const grants = await listAuditPage(dcAdminA, { action: 'user.grant-role' });
    expect(grants.rows).toEqual([
      expect.objectContaining({
        target: expect.objectContaining({ id: grantee.id }),
        dataCenter: expect.objectContaining({ name: 'Data center audit-a' }),
      }),
    ]);
    // Removed again, so the counts below stay exact.
    await getDb().delete(auditEvents).where(eq(auditEvents.action, 'user.grant-role'));
  });
});

describe('the filter options', () => {
  const usernames = (users: UserContext[]) => users.map((u) => u.username).sort();

  it('are the users, actions and target types of the events the user may read, each once, in order', async () => {
    expect(await listAuditFilterOptions(admin)).toEqual({
      users: usernames([admin, imageAdminA]).map((username) => ({ id: expect.any(String), username })),
      actions: ['auth.login', 'image.create', 'image.edit', 'node.register'],
      targetTypes: ['image', 'node', 'user'],
    });
    const ofA = await listAuditFilterOptions(dcAdminA);
    expect(ofA.users.map((u) => u.username)).toEqual(usernames([admin, imageAdminA]));
    expect(ofA).toMatchObject({ actions: ['image.create', 'image.edit'], targetTypes: ['image'] });
    // In B only the SuperAdmin did anything; a data center without events offers nothing at all.
    const ofB = await listAuditFilterOptions(await createUserWithRole('DCAdmin', dcB));
    expect(ofB).toEqual({
      users: [{ id: admin.id, username: admin.username }],
      actions: ['node.register'],
      targetTypes: ['node'],
    });
    const quiet = await createDataCenterAs(admin, 'audit-quiet');
    await getDb().delete(auditEvents).where(eq(auditEvents.action, 'datacenter.create'));
    expect(await listAuditFilterOptions(await createUserWithRole('DCAdmin', quiet))).toEqual({
      users: [],
      actions: [],
      targetTypes: [],
    });
  });
});

describe('filters and pages', () => {
  it('filters by user, action, target, outcome and time', async () => {
    expect(
      (await listAuditPage(admin, { userId: imageAdminA.id, pageSize: 100 })).rows.every(
        (r) => r.user?.name === imageAdminA.username,
      ),
    ).toBe(true);
    expect((await listAuditPage(admin, { userId: imageAdminA.id })).total).toBe(15);
    expect((await listAuditPage(admin, { action: 'image.create' })).total).toBe(10);
    expect((await listAuditPage(admin, { targetType: 'node' })).total).toBe(5);
    expect((await listAuditPage(admin, { targetType: 'image', targetId: 'image-a-3' })).total).toBe(6);
    expect((await listAuditPage(admin, { outcome: 'denied' })).total).toBe(4); // three in A, the sign-in
    // 10:05 up to the end of 10:09: five minutes of A (5 events) and none of B (10:00–10:04).
    const window = await listAuditPage(admin, { from: '2026-11-20T10:05', to: '2026-11-20T10:09', pageSize: 100 });
    expect(window.rows.map((r) => r.details.name)).toEqual(['a-9', 'a-8', 'a-7', 'a-6', 'a-5']);
    expect((await listAuditPage(admin, { from: '2026-11-21' })).total).toBe(0);
    expect((await listAuditPage(admin, { to: '2026-11-20' })).total).toBe(36);
    expect(
      (await listAuditPage(admin, { action: 'image.edit', outcome: 'denied', userId: admin.id })).rows.map(
        (r) => r.details.name,
      ),
    ).toEqual(['a-29', 'a-19']);
  });

  it('pages through the events without repeating or skipping one, and shows the last page for a page past the end', async () => {
    const pages = await Promise.all([1, 2, 3, 4].map((page) => listAuditPage(admin, { page, pageSize: 10 })));
    const seen = pages.flatMap((p) => p.rows.map((r) => r.id));
    expect(seen).toHaveLength(36);
    expect(new Set(seen).size).toBe(36);
    const past = await listAuditPage(admin, { page: 99, pageSize: 10 });
    expect(past).toMatchObject({ page: 4, pageCount: 4, total: 36 });
    expect(past.rows).toHaveLength(6);
  });
});

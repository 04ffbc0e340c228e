import { and, eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { can, type UserContext } from '@/lib/auth/policy';
import { getUserContext, verifyLogin } from '@/lib/auth/users';
import { getDb, firstRow } from '@/lib/db/client';
import { auditEvents, roleGrants, users } from '@/lib/db/tables';
import { grantRole, revokeRole } from '@/lib/users/grants';
import { createUser, disableUser, enableUser, resetUserPassword, setSuperAdmin } from '@/lib/users/operations';
import { getUserWithGrants, roleHoldersOf } from '@/lib/users/queries';
import { createDataCenterAs, createSuperAdmin, createUserWithRole, expectOk, run } from '../support/portal';
import { lastAudit } from '../support/audit';

// The session as Auth.js would decode it from the cookie: a user id, nothing else.
const session = vi.hoisted(() => ({ userId: null as string | null }));
vi.mock('@/lib/auth/auth', () => ({ auth: async () => (session.userId ? { user: { id: session.userId } } : null) }));
const { getCurrentUser } = await import('@/lib/auth/session');

const userRow = async (id: string) => (await firstRow(getDb().select().from(users).where(eq(users.id, id))))!;

describe('users', () => {
  let admin: UserContext;
  beforeAll(async () => {
    admin = await createSuperAdmin();
  });

  it('creates a user whose password works and never reaches the audit log', async () => {
    const { id } = expectOk(
      await run(
        createUser,
        { username: 'alice', name: 'Alice', password: 'a long passphrase', isSuperAdmin: 'on' },
        admin,
      ),
    );
    expect(await userRow(id)).toMatchObject({ username: 'alice', name: 'Alice', isSuperAdmin: true, disabled: false });
    expect(await verifyLogin('alice', 'a long passphrase')).toMatchObject({ id });
    const event = (await lastAudit('user.create'))!;
    expect(event).toMatchObject({ outcome: 'ok', targetId: id, userId: admin.id });
    expect(JSON.stringify(event.details)).not.toContain('a long passphrase');
  });

  it('refuses a short password and a taken username, creating nothing', async () => {
    const short = await run(createUser, { username: 'bob', password: 'short' }, admin);
    expect(short).toMatchObject({
      ok: false,
      code: 'invalid',
      fieldErrors: { password: ['Use at least 12 characters.'] },
    });
    const taken = await run(createUser, { username: 'alice', password: 'another long one' }, admin);
    expect(taken).toMatchObject({
      ok: false,
      code: 'conflict',
      fieldErrors: { username: ['A user named "alice" already exists.'] },
    });
    expect(await firstRow(getDb().select().from(users).where(eq(users.username, 'bob')))).toBeUndefined();
  });

  it('disables and enables a user: a disabled one cannot log in and their session ends on the next request', async () => {
    const { id } = expectOk(await run(createUser, { username: 'carol', password: 'carols passphrase' }, admin));
    session.userId = id;
    expect((await getCurrentUser())?.username).toBe('carol');

    expectOk(await run(disableUser, { userId: id }, admin));
    expect((await userRow(id)).disabled).toBe(true);
    expect(await verifyLogin('carol', 'carols passphrase')).toBeNull();
    // The same session cookie, the next request: treated as signed out.
    expect(await getCurrentUser()).toBeNull();
    expect(await lastAudit('user.disable')).toMatchObject({ outcome: 'ok', targetId: id });

    expectOk(await run(enableUser, { userId: id }, admin));
    expect(await getCurrentUser()).toMatchObject({ id });
    expect(await verifyLogin('carol', 'carols passphrase')).toMatchObject({ id });
    session.userId = null;
  });

  it('resets a password: the old one stops working, the new one works', async () => {
    const { id } = expectOk(await run(createUser, { username: 'dave', password: 'daves old password' }, admin));
    expectOk(await run(resetUserPassword, { userId: id, password: 'daves new password' }, admin));
    expect(await verifyLogin('dave', 'daves old password')).toBeNull();
    expect(await verifyLogin('dave', 'daves new password')).toMatchObject({ id });
    expect(JSON.stringify((await lastAudit('user.reset-password'))!.details)).not.toContain('daves new password');
  });

  it('refuses to let a SuperAdmin disable themselves', async () => {
    const result = await run(disableUser, { userId: admin.id }, admin);
    expect(result).toMatchObject({
      ok: false,
      code: 'conflict',
      error: 'You cannot disable your own account. Ask another SuperAdmin.',
    });
    expect((await userRow(admin.id)).disabled).toBe(false);
    expect(await lastAudit('user.disable')).toMatchObject({ outcome: 'error', targetId: admin.id });
  });

  it('refuses to disable or demote the last enabled SuperAdmin, even from a session loaded before it changed', async () => {
    const a = await createSuperAdmin();
    const b = await createSuperAdmin();
    const others = (await getDb().select().from(users).where(eq(users.isSuperAdmin, true))).filter(
      (u) => u.id !== a.id && u.id !== b.id,
    );
    for (const u of others) await getDb().update(users).set({ disabled: true }).where(eq(users.id, u.id));

    expect(await run(setSuperAdmin, { userId: a.id, isSuperAdmin: 'false' }, a)).toMatchObject({
      ok: false,
      code: 'conflict',
    });
    expectOk(await run(disableUser, { userId: b.id }, a));
    // b's request was already under way with its SuperAdmin context: a is now the last one.
    const disable = await run(disableUser, { userId: a.id }, b);
    expect(disable).toMatchObject({
      ok: false,
      code: 'conflict',
      error: `${a.username} is the last enabled SuperAdmin; make someone else SuperAdmin first.`,
    });
    const demote = await run(setSuperAdmin, { userId: a.id, isSuperAdmin: 'false' }, b);
    expect(demote).toMatchObject({ ok: false, code: 'conflict' });
    expect(await userRow(a.id)).toMatchObject({ disabled: false, isSuperAdmin: true });

    // With another SuperAdmin enabled again, demoting a is fine, and it applies on a's next request.
    expectOk(await run(enableUser, { userId: b.id }, a));
    expectOk(await run(setSuperAdmin, { userId: a.id, isSuperAdmin: 'false' }, (await getUserContext(b.id))!));
    expect((await getUserContext(a.id))!.isSuperAdmin).toBe(false);
    for (const u of others) await getDb().update(users).set({ disabled: false }).where(eq(users.id, u.id));
  });
});

describe('role grants', () => {
  let admin: UserContext;
  let dc: string;
  let otherDc: string;
  beforeAll(async () => {
    admin = await createSuperAdmin();
    dc = await createDataCenterAs(admin);
    otherDc = await createDataCenterAs(admin);
  });

  it('a grant takes effect on the next getUserContext, and a revoke too, without signing in again', async () => {
    const { id } = expectOk(await run(createUser, { username: 'erin', password: 'erins passphrase' }, admin));
    expect(can(await getUserContext(id), 'datacenter.view', { dataCenterId: dc })).toBe(false);

    expectOk(await run(grantRole, { userId: id, dataCenterId: dc, role: 'DCAdmin' }, admin));
    expect(await lastAudit('user.grant-role')).toMatchObject({
      outcome: 'ok',
      targetId: id,
      dataCenterId: dc,
      details: { role: 'DCAdmin' },
    });
    const granted = (await getUserContext(id))!;
    expect(can(granted, 'datacenter.view', { dataCenterId: dc })).toBe(true);
    expect(can(granted, 'audit.view', { dataCenterId: dc })).toBe(true);
    expect(can(granted, 'datacenter.view', { dataCenterId: otherDc })).toBe(false);

    const again = await run(grantRole, { userId: id, dataCenterId: dc, role: 'DCAdmin' }, admin);
    expect(again).toMatchObject({ ok: false, code: 'conflict' });

    expectOk(await run(revokeRole, { userId: id, dataCenterId: dc, role: 'DCAdmin' }, admin));
    expect(can(await getUserContext(id), 'datacenter.view', { dataCenterId: dc })).toBe(false);
    expect(await run(revokeRole, { userId: id, dataCenterId: dc, role: 'DCAdmin' }, admin)).toMatchObject({
      ok: false,
      code: 'not_found',
    });
  });

  it('ImageImportAdmin alone has no effect, and the grant says so; with ImageAdmin beside it, it counts', async () => {
    const { id } = expectOk(await run(createUser, { username: 'frank', password: 'franks passphrase' }, admin));
    expectOk(await run(grantRole, { userId: id, dataCenterId: dc, role: 'ImageImportAdmin' }, admin));
    const alone = (await getUserContext(id))!;
    expect(can(alone, 'image.import', { dataCenterId: dc })).toBe(false);
    expect(can(alone, 'datacenter.view', { dataCenterId: dc })).toBe(false);
    expect((await getUserWithGrants(admin, id))!.grants).toEqual([
      expect.objectContaining({ role: 'ImageImportAdmin', effective: false }),
    ]);

    expectOk(await run(grantRole, { userId: id, dataCenterId: dc, role: 'ImageAdmin' }, admin));
    expect(can(await getUserContext(id), 'image.import', { dataCenterId: dc })).toBe(true);
    expect((await getUserWithGrants(admin, id))!.grants.every((g) => g.effective)).toBe(true);
    // Holding ImageAdmin elsewhere does not help.
    expectOk(await run(grantRole, { userId: id, dataCenterId: otherDc, role: 'ImageImportAdmin' }, admin));
    expect(can(await getUserContext(id), 'image.import', { dataCenterId: otherDc })).toBe(false);
    expect(
      (await roleHoldersOf(admin, dc))
        .find((u) => u.id === id)!
        .grants.map((g) => g.role)
        .sort(),
    ).toEqual(['ImageAdmin', 'ImageImportAdmin']);
  });

  it('refuses a grant on a data center that does not exist', async () => {
    const { id } = expectOk(await run(createUser, { username: 'gina', password: 'ginas passphrase' }, admin));
    const result = await run(
      grantRole,
      { userId: id, dataCenterId: '00000000-0000-4000-8000-000000000000', role: 'DCAdmin' },
      admin,
    );
    expect(result).toMatchObject({ ok: false, code: 'not_found' });
    expect(await getDb().select().from(roleGrants).where(eq(roleGrants.userId, id))).toEqual([]);
  });
});

describe('only SuperAdmins manage users and grants', () => {
  it('refuses every user operation to others, changing nothing, audited as denied', async () => {
    const admin = await createSuperAdmin();
    const dc = await createDataCenterAs(admin);
    const dcAdmin = await createUserWithRole('DCAdmin', dc);
    const imageAdmin = await createUserWithRole('ImageAdmin', dc);
    const victim = expectOk(await run(createUser, { username: 'victim', password: 'victims passphrase' }, admin)).id;
    const before = JSON.stringify([await getDb().select().from(users), await getDb().select().from(roleGrants)]);

    const calls = [
      [createUser, { username: 'mallory', password: 'mallorys passphrase', isSuperAdmin: 'on' }],
      [disableUser, { userId: victim }],
      [enableUser, { userId: victim }],
      [resetUserPassword, { userId: victim, password: 'taken over now' }],
      [setSuperAdmin, { userId: dcAdmin.id, isSuperAdmin: 'true' }],
      [grantRole, { userId: dcAdmin.id, dataCenterId: dc, role: 'ImageAdmin' }],
      [revokeRole, { userId: imageAdmin.id, dataCenterId: dc, role: 'ImageAdmin' }],
    ] as const;
    for (const [op, input] of calls) {
      for (const caller of [dcAdmin, imageAdmin, null]) {
        const result = await run(op as never, input, caller);
        expect(result, `${op.name} by ${caller?.username ?? 'anonymous'}`).toMatchObject({
          ok: false,
          code: caller ? 'forbidden' : 'unauthenticated',
        });
        expect(await lastAudit(op.name)).toMatchObject({ outcome: 'denied', userId: caller?.id ?? null });
      }
    }
    expect(JSON.stringify([await getDb().select().from(users), await getDb().select().from(roleGrants)])).toBe(before);
    await expect(roleHoldersOf(dcAdmin, dc)).rejects.toThrow(/may not manage users/);
    expect(
      await getDb()
        .select()
        .from(auditEvents)
        .where(and(eq(auditEvents.action, 'user.reset-password'), eq(auditEvents.outcome, 'denied'))),
    ).toHaveLength(3);
  });
});

import { beforeAll, describe, expect, it } from 'vitest';
import { issueApiToken } from '@/lib/tokens/operations';
import { getUserForApiToken } from '@/lib/tokens/queries';
import type { UserContext } from '@/lib/auth/policy';
import { getUserContext } from '@/lib/auth/users';
import { resetUserPassword } from '@/lib/users/operations';
import { createSuperAdmin, createUserWithRole, createDataCenterAs, expectOk, run } from '../support/portal';

describe('a password reset ends the sessions signed in before it', () => {
  let admin: UserContext;
  let user: UserContext;

  beforeAll(async () => {
    admin = await createSuperAdmin();
    user = await createUserWithRole('DCAdmin', await createDataCenterAs(admin));
  });

  it('refuses a session from before the reset, accepts one from after; API tokens are not sessions', async () => {
    const signedInBefore = Date.now() - 1000;
    const token = (await issueApiToken(user.id, 'script')).token;
    expect((await getUserContext(user.id, { signedInAt: signedInBefore }))?.id).toBe(user.id);

    expectOk(await run(resetUserPassword, { userId: user.id, password: 'a brand new password' }, admin));
    expect(await getUserContext(user.id, { signedInAt: signedInBefore })).toBeNull();
    // A session that carries no sign-in time (issued before this rule) counts as old.
    expect(await getUserContext(user.id, { signedInAt: undefined })).toBeNull();
    expect((await getUserContext(user.id, { signedInAt: Date.now() + 1 }))?.id).toBe(user.id);
    expect((await getUserForApiToken(token))?.id).toBe(user.id);
  });
});

import 'server-only';
import { and, count, eq, inArray, ne } from 'drizzle-orm';
import { defineOperation } from '@/lib/actions/operation';
import { authorize } from '@/lib/auth/policy';
import { getDb, firstRow } from '@/lib/db/client';
import { cloudAccounts, publications } from '@/lib/db/tables';
import { ConflictError, InUseError } from '@/lib/errors';
import { insertCloudAccount, requireCloudAccount, updateCloudAccountRow } from './accounts';
import { requireDataCenter } from '@/lib/locations/queries';
import {
  cloudAccountIdSchema,
  createCloudAccountSchema,
  splitCloudAccountFields,
  updateCloudAccountSchema,
  type CloudAccountFields,
} from './schemas';
import { testCloudConnection } from './test-connection';

/** Cloud accounts: SuperAdmins add, change, test and remove them. Secrets never reach the audit log. */

async function checkedInput(fields: CloudAccountFields, accountId?: string) {
  const split = splitCloudAccountFields(fields);
  const taken = await firstRow(
    getDb()
      .select({ id: cloudAccounts.id })
      .from(cloudAccounts)
      .where(and(eq(cloudAccounts.name, split.name), accountId ? ne(cloudAccounts.id, accountId) : undefined)),
  );
  if (taken)
    throw new ConflictError('That name is taken.', { name: [`A cloud account named "${split.name}" already exists.`] });
  if (split.dataCenterId) await requireDataCenter(split.dataCenterId);
  return split;
}

const audited = (fields: CloudAccountFields) => ({
  name: fields.name,
  kind: fields.kind,
  dataCenterId: fields.dataCenterId ?? null,
});

export const createCloudAccount = defineOperation({
  name: 'cloud.create',
  targetType: 'cloud-account',
  input: createCloudAccountSchema,
  authorize: (input, user, note) => {
    note({ details: audited(input) });
    authorize(user, 'cloud.manage', {});
  },
  run: async (input, user) => insertCloudAccount(await checkedInput(input), user.id),
  audited: (result) => ({ targetId: result.id }),
});

/** Secrets left blank keep the stored ones; the last test's outcome is forgotten. */
export const updateCloudAccount = defineOperation({
  name: 'cloud.update',
  targetType: 'cloud-account',
  input: updateCloudAccountSchema,
  authorize: (input, user, note) => {
    note({ targetId: input.accountId, details: audited(input) });
    authorize(user, 'cloud.manage', {});
  },
  run: async (input) => {
    const account = await requireCloudAccount(input.accountId);
    const { accountId: _, ...fields } = input;
    await updateCloudAccountRow(account, await checkedInput(fields as CloudAccountFields, account.id));
    return { id: account.id };
  },
});

/** Refused while images are published through it: remove them from the cloud first. */
export const deleteCloudAccount = defineOperation({
  name: 'cloud.delete',
  targetType: 'cloud-account',
  input: cloudAccountIdSchema,
  authorize: (input, user, note) => {
    note({ targetId: input.accountId });
    authorize(user, 'cloud.manage', {});
  },
  run: async (input) =>
    await getDb().transaction(async (tx) => {
      const account = await requireCloudAccount(input.accountId);
      const live = (await firstRow(
        tx
          .select({ n: count() })
          .from(publications)
          .where(
            and(eq(publications.accountId, account.id), inArray(publications.status, ['published', 'publishing'])),
          ),
      ))!.n;
      if (live > 0)
        throw new InUseError(
          `${account.name} holds ${live} published image${live === 1 ? '' : 's'}; remove them from the cloud first.`,
        );
      await tx.delete(publications).where(eq(publications.accountId, account.id));
      await tx.delete(cloudAccounts).where(eq(cloudAccounts.id, account.id));
      return { id: account.id, name: account.name };
    }),
  audited: (result) => ({ details: { name: result.name } }),
});

export const testCloudAccount = defineOperation({
  name: 'cloud.test',
  targetType: 'cloud-account',
  input: cloudAccountIdSchema,
  authorize: (input, user, note) => {
    note({ targetId: input.accountId });
    authorize(user, 'cloud.manage', {});
  },
  run: async (input) => await testCloudConnection(await requireCloudAccount(input.accountId)),
  audited: (result) => ({ details: result.ok ? { connected: true } : { connected: false, reason: result.reason } }),
});

import 'server-only';
import { asc, count, eq, inArray, or, isNull, sql } from 'drizzle-orm';
import { authorize, can, type UserContext } from '@/lib/auth/policy';
import { firstRow, getDb } from '@/lib/db/client';
import { cloudAccounts, dataCenters, publications } from '@/lib/db/tables';
import type { ImageRow } from '@/lib/images/queries';
import { storedSecretNames, type CloudAccountRow } from './accounts';
import { asNumber } from '@/lib/db/dialect';

/** Reads of cloud accounts. None of them returns a secret: at most which secret fields are set. */

const summaryColumns = {
  id: cloudAccounts.id,
  name: cloudAccounts.name,
  kind: cloudAccounts.kind,
  dataCenterId: cloudAccounts.dataCenterId,
  dataCenterName: dataCenters.name,
  lastTestedAt: cloudAccounts.lastTestedAt,
  lastTestError: cloudAccounts.lastTestError,
  lastSuccessAt: cloudAccounts.lastSuccessAt,
};

export async function listCloudAccounts(user: UserContext) {
  authorize(user, 'cloud.manage', {});
  const published = getDb()
    .select({ accountId: publications.accountId, n: count().as('n') })
    .from(publications)
    .where(eq(publications.status, 'published'))
    .groupBy(publications.accountId)
    .as('published');
  return await getDb()
    .select({ ...summaryColumns, publishedCount: asNumber(sql`coalesce(${published.n}, 0)`) })
    .from(cloudAccounts)
    .leftJoin(dataCenters, eq(dataCenters.id, cloudAccounts.dataCenterId))
    .leftJoin(published, eq(published.accountId, cloudAccounts.id))
    .orderBy(asc(cloudAccounts.name));
}
export type CloudAccountSummary = Awaited<ReturnType<typeof listCloudAccounts>>[number];

/** One account for its page: settings in clear, and the names of the secrets it holds. */
export async function getCloudAccountView(user: UserContext, accountId: string) {
  if (!can(user, 'cloud.manage', {})) return null;
  const row = await firstRow(getDb().select().from(cloudAccounts).where(eq(cloudAccounts.id, accountId)));
  if (!row) return null;
  const dataCenterName = row.dataCenterId
    ? ((
        await firstRow(
          getDb().select({ name: dataCenters.name }).from(dataCenters).where(eq(dataCenters.id, row.dataCenterId)),
        )
      )?.name ?? null)
    : null;
  return { ...withoutSecrets(row), dataCenterName, storedSecrets: storedSecretNames(row) };
}
export type CloudAccountView = NonNullable<Awaited<ReturnType<typeof getCloudAccountView>>>;

function withoutSecrets(row: CloudAccountRow) {
  const { sealedSecrets: _, ...rest } = row;
  return rest;
}

const choiceColumns = {
  id: cloudAccounts.id,
  name: cloudAccounts.name,
  kind: cloudAccounts.kind,
  dataCenterId: cloudAccounts.dataCenterId,
};

/** The accounts this user may publish this image to: the account's binding fits, and the policy agrees. */
export async function listPublishTargets(user: UserContext, image: ImageRow) {
  const fitting = await getDb()
    .select(choiceColumns)
    .from(cloudAccounts)
    .where(
      image.dcBoundId
        ? or(isNull(cloudAccounts.dataCenterId), eq(cloudAccounts.dataCenterId, image.dcBoundId))
        : isNull(cloudAccounts.dataCenterId),
    )
    .orderBy(asc(cloudAccounts.name));
  return fitting.filter((a) => can(user, 'image.publish', { image, accountDataCenterId: a.dataCenterId }));
}

/** Accounts for the images list's bulk publish: every account this user could publish anything to. */
export async function listBulkPublishAccounts(user: UserContext) {
  const rows = await getDb()
    .select(choiceColumns)
    .from(cloudAccounts)
    .where(
      user.isSuperAdmin
        ? undefined
        : inArray(
            cloudAccounts.dataCenterId,
            user.grants.map((g) => g.dataCenterId),
          ),
    )
    .orderBy(asc(cloudAccounts.name));
  return rows.filter((a) =>
    can(user, 'image.publish', {
      image: { dcBoundId: a.dataCenterId, access: 'public' },
      accountDataCenterId: a.dataCenterId,
    }),
  );
}

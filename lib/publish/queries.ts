import 'server-only';
import { desc, eq } from 'drizzle-orm';
import { can, type UserContext } from '@/lib/auth/policy';
import { listPublishTargets } from '@/lib/clouds/queries';
import { getDb } from '@/lib/db/client';
import { cloudAccounts, publications, users } from '@/lib/db/tables';
import { getImage, type ImageRow } from '@/lib/images/queries';
import { unpublishableReason } from './prepare';

/** The "Published to" section of Image Details: every cloud copy of an image, whoever may view it. */
export async function listImagePublications(user: UserContext, imageId: string) {
  if (!(await getImage(user, imageId))) return [];
  return await getDb()
    .select({
      id: publications.id,
      accountId: publications.accountId,
      accountName: cloudAccounts.name,
      accountKind: cloudAccounts.kind,
      accountDataCenterId: cloudAccounts.dataCenterId,
      status: publications.status,
      remoteId: publications.remoteId,
      remoteUrl: publications.remoteUrl,
      formatSent: publications.formatSent,
      compared: publications.compared,
      error: publications.error,
      jobId: publications.jobId,
      publishedAt: publications.publishedAt,
      publishedBy: users.name,
      updatedAt: publications.updatedAt,
    })
    .from(publications)
    .innerJoin(cloudAccounts, eq(cloudAccounts.id, publications.accountId))
    .leftJoin(users, eq(users.id, publications.publishedBy))
    .where(eq(publications.imageId, imageId))
    .orderBy(desc(publications.updatedAt));
}
export type ImagePublication = Awaited<ReturnType<typeof listImagePublications>>[number];

/**
 * Everything Image Details shows about publishing: the copies (each with whether this user may
 * republish or remove it), the accounts this user may publish to, and why the image cannot go at
 * all, if so.
 */
export async function getPublishingView(user: UserContext, image: ImageRow) {
  const publishedCopies = (await listImagePublications(user, image.id)).map((p) => ({
    ...p,
    mayPublish: can(user, 'image.publish', { image, accountDataCenterId: p.accountDataCenterId }),
  }));
  return {
    publications: publishedCopies,
    targets: (await listPublishTargets(user, image)).map(({ id, name }) => ({ id, name })),
    unpublishable: unpublishableReason(image),
  };
}

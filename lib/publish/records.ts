import 'server-only';
import { and, eq } from 'drizzle-orm';
import { newId, now } from '@/lib/clock';
import { getDb, type Tx, firstRow } from '@/lib/db/client';
import type { DiskFormat, PublicationStatus } from '@/lib/db/enums';
import { publications } from '@/lib/db/tables';
import { NotFoundError } from '@/lib/errors';
import type { PublishedCopy, RemoteState } from './target';

/** Publication rows: one per image and cloud account, reused by every republish. */

export type PublicationRow = typeof publications.$inferSelect;

export async function requirePublication(
  publicationId: string,
  db: Pick<Tx, 'select'> = getDb(),
): Promise<PublicationRow> {
  const row = await firstRow(db.select().from(publications).where(eq(publications.id, publicationId)));
  if (!row) throw new NotFoundError('The publication');
  return row;
}

export async function getPublication(tx: Pick<Tx, 'select'>, imageId: string, accountId: string) {
  return await firstRow(
    tx
      .select()
      .from(publications)
      .where(and(eq(publications.imageId, imageId), eq(publications.accountId, accountId))),
  );
}

/** Marks the image's publication to the account as publishing by `jobId`, creating the row the first time. */
export async function startPublication(tx: Tx, imageId: string, accountId: string, jobId: string): Promise<string> {
  const at = now();
  const existing = await getPublication(tx, imageId, accountId);
  if (existing) {
    await tx
      .update(publications)
      // The state of a copy published before moves to the job's params; from here it is the upload's.
      .set({ status: 'publishing', jobId, error: null, remoteState: null, updatedAt: at })
      .where(eq(publications.id, existing.id));
    return existing.id;
  }
  const id = newId();
  await tx
    .insert(publications)
    .values({ id, imageId, accountId, status: 'publishing', jobId, createdAt: at, updatedAt: at });
  return id;
}

/** What an upload saved so far (null clears it): written before the cloud is asked for more. */
export async function saveRemoteState(publicationId: string, state: RemoteState | null): Promise<void> {
  await getDb()
    .update(publications)
    .set({ remoteState: state, updatedAt: now() })
    .where(eq(publications.id, publicationId));
}

export async function markPublished(
  publicationId: string,
  copy: PublishedCopy,
  facts: { formatSent: DiskFormat; compared: Record<string, string>; publishedBy: string | null },
): Promise<void> {
  const at = now();
  await getDb()
    .update(publications)
    .set({
      status: 'published',
      remoteId: copy.remoteId,
      remoteUrl: copy.remoteUrl,
      remoteState: copy.state,
      formatSent: facts.formatSent,
      compared: facts.compared,
      publishedBy: facts.publishedBy,
      publishedAt: at,
      error: null,
      updatedAt: at,
    })
    .where(eq(publications.id, publicationId));
}

/**
 * A publish that ended without a new copy. What it started remotely was discarded; a copy an earlier
 * publish left keeps its id and URL on the row, so an operator can still find it.
 */
export async function markPublishEnded(
  publicationId: string,
  status: Extract<PublicationStatus, 'failed' | 'cancelled'>,
  error: string | null,
  previousState: RemoteState | null,
  db: Pick<Tx, 'update'> = getDb(),
): Promise<void> {
  await db
    .update(publications)
    .set({ status, error, remoteState: previousState, updatedAt: now() })
    .where(eq(publications.id, publicationId));
}

export async function markRemoved(publicationId: string): Promise<void> {
  await getDb()
    .update(publications)
    .set({ status: 'removed', remoteState: null, error: null, updatedAt: now() })
    .where(eq(publications.id, publicationId));
}

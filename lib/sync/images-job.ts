import 'server-only';
import { and, asc, eq, inArray } from 'drizzle-orm';
import { now } from '@/lib/clock';
import { firstRow, getDb } from '@/lib/db/client';
import { images, nodeImages, nodes } from '@/lib/db/tables';
import { errorMessage, NotFoundError } from '@/lib/errors';
import { isImageUsableIn } from '@/lib/images/placement';
import { setNodeImageState } from '@/lib/install/node-images';
import { hashOnNode } from '@/lib/install/remote';
import type { JobContext } from '@/lib/jobs/context';
import { withNodeSession } from '@/lib/nodes/connection';
import type { SshSession } from '@/lib/ssh/session';
import type { FileStamp } from '@/lib/nodes/file-stamp';
import { readNodeListing, type NodeListing } from './node-listing';
import { planNodeSync, type KnownImage, type RowChange } from './reconcile';
import { emptyNodeReport, type NodeSyncReport, type SyncImagesResult } from './result';
import { parseSidecar } from '@/lib/install/sidecar';

type Node = typeof nodes.$inferSelect;

/**
 * Sync Available Images: for each enabled node of the data center, list the sidecars
 * and files over SSH, reconcile the node-image rows (./reconcile.ts), and with `verify` re-hash the
 * files found on the node. A node that cannot be read is reported in the result and the others are
 * still synced; nothing is changed for it, as its files cannot be seen.
 */
export async function runSyncImagesJob(ctx: JobContext, verify: boolean): Promise<SyncImagesResult> {
  const dataCenterId = ctx.job.dataCenterId;
  if (!dataCenterId) throw new NotFoundError('The data center');
  const enabled = await getDb()
    .select()
    .from(nodes)
    .where(and(eq(nodes.dataCenterId, dataCenterId), eq(nodes.status, 'enabled')))
    .orderBy(asc(nodes.name));
  ctx.log(
    'info',
    `${enabled.length} enabled node${enabled.length === 1 ? '' : 's'} to sync${verify ? ', re-hashing every file found' : ''}.`,
  );
  const reports: NodeSyncReport[] = [];
  for (const [i, node] of enabled.entries()) {
    ctx.throwIfStopped();
    ctx.phase(`node ${i + 1} of ${enabled.length}`, `${node.name} (${node.host}:${node.port}), ${node.imageDir}`);
    reports.push(await syncNode(ctx, node, verify));
  }
  return { kind: 'sync-images', verify, nodes: reports };
}

async function syncNode(ctx: JobContext, node: Node, verify: boolean): Promise<NodeSyncReport> {
  try {
    const report = await withNodeSession(node, async (session) => {
      const listedAt = now();
      const listing = await readNodeListing(session, node.imageDir, ctx.signal);
      const known = await imagesNamedIn(node.id, listing);
      const plan = planNodeSync({ node, listing, rows: await rowsOf(node.id), images: known, listedAt });
      const verified = await hashFound(session, ctx, plan, verify);
      await applyChanges(ctx, node, plan.changes, { verified, known, listedAt });
      return plan.report;
    });
    const { found, missing, failed, unknown, unreadable } = report;
    ctx.log(
      missing.length + failed.length + unknown.length + unreadable.length > 0 ? 'warn' : 'info',
      `${node.name}: ${found.length} found, ${missing.length} missing, ${failed.length} failed, ${unknown.length} unknown, ${unreadable.length} unreadable sidecar${unreadable.length === 1 ? '' : 's'}.`,
    );
    return report;
  } catch (err) {
    ctx.throwIfStopped();
    ctx.log('warn', `${node.name} could not be synced: ${errorMessage(err)} The other nodes are still synced.`);
    return { ...emptyNodeReport(node), error: errorMessage(err) };
  }
}

async function rowsOf(nodeId: string) {
  return await getDb()
    .select({
      imageId: nodeImages.imageId,
      state: nodeImages.state,
      available: nodeImages.available,
      path: nodeImages.path,
      updatedAt: nodeImages.updatedAt,
      verifiedSha256: nodeImages.verifiedSha256,
      verifiedSizeBytes: nodeImages.verifiedSizeBytes,
      verifiedMtime: nodeImages.verifiedMtime,
    })
    .from(nodeImages)
    .where(eq(nodeImages.nodeId, nodeId));
}

/** The portal's images that the node's rows or its sidecars name. */
async function imagesNamedIn(nodeId: string, listing: NodeListing): Promise<Map<string, KnownImage>> {
  const ids = new Set((await rowsOf(nodeId)).map((r) => r.imageId));
  for (const [name, body] of listing.sidecars) {
    const parsed = parseSidecar(name, body);
    if (parsed.ok) ids.add(parsed.sidecar.imageId);
  }
  if (ids.size === 0) return new Map();
  const rows = await getDb()
    .select({
      id: images.id,
      name: images.name,
      dcBoundId: images.dcBoundId,
      sizeBytes: images.sizeBytes,
      sha256: images.sha256,
      md5: images.md5,
    })
    .from(images)
    .where(inArray(images.id, [...ids]));
  return new Map(rows.map((r) => [r.id, r]));
}

/** A hash the node computed in this run, with the file it was computed of. */
type Hashed = { sha256: string; stamp?: FileStamp };

/**
 * The node hashes what the listing alone cannot vouch for: every file a row is about to call
 * `installed` for the first time (a sidecar is only a claim), and with "Verify checksums" every file
 * found. A file whose sha256 is not its image's becomes `failed`, with both values in the reason.
 */
async function hashFound(
  session: SshSession,
  ctx: JobContext,
  plan: ReturnType<typeof planNodeSync>,
  verifyAll: boolean,
) {
  const verified = new Map<string, Hashed>();
  for (const change of plan.changes) {
    if (change.state !== 'installed' || !change.expectedSha256 || !change.path || !(verifyAll || change.needsHash))
      continue;
    ctx.throwIfStopped();
    const found = plan.report.found.find((f) => f.imageId === change.imageId)!;
    const { sha256 } = await hashOnNode(session, change.path, false, ctx.signal);
    if (sha256 === change.expectedSha256) {
      verified.set(change.imageId, { sha256, stamp: change.stamp });
      found.verified = true;
      continue;
    }
    change.state = 'failed';
    change.available = false;
    plan.report.found.splice(plan.report.found.indexOf(found), 1);
    const reason = `checksum mismatch: the node computed sha256 ${sha256}, expected ${change.expectedSha256}`;
    plan.report.failed.push({ imageId: found.imageId, imageName: found.imageName, fileName: found.fileName, reason });
  }
  return verified;
}

/** What the sync learnt of the node: the hashes it computed, the images the listing named, when it listed. */
type SyncFacts = { verified: Map<string, Hashed>; known: Map<string, KnownImage>; listedAt: Date };

async function applyChanges(
  ctx: JobContext,
  node: Node,
  changes: RowChange[],
  { verified, known, listedAt }: SyncFacts,
) {
  const skipped: string[] = [];
  await getDb().transaction(async (tx) => {
    for (const change of changes) {
      const current = await firstRow(
        tx
          .select()
          .from(nodeImages)
          .where(and(eq(nodeImages.nodeId, node.id), eq(nodeImages.imageId, change.imageId))),
      );
      // A job started on this image meanwhile (or the row changed): its own record wins over a listing that predates it.
      const moved = change.created
        ? current !== undefined
        : !current || current.updatedAt > listedAt || ['installing', 'removing'].includes(current.state);
      if (moved) {
        skipped.push(change.imageId);
        continue;
      }
      const installed = change.state === 'installed';
      const hashed = verified.get(change.imageId);
      await setNodeImageState(
        node.id,
        change.imageId,
        {
          state: change.state,
          // Offered only where the image is usable: a copy found on a node of another data center is kept, not offered.
          available: change.available && (await isImageUsableIn(tx, known.get(change.imageId)!, node.dataCenterId)),
          path: change.path,
          lastJobId: ctx.job.id,
          installedAt: installed ? (current?.installedAt ?? now()) : current?.installedAt,
          ...(!installed
            ? { verifiedSha256: null, verifiedSizeBytes: null, verifiedMtime: null }
            : hashed
              ? {
                  verifiedSha256: hashed.sha256,
                  verifiedSizeBytes: hashed.stamp?.sizeBytes ?? null,
                  verifiedMtime: hashed.stamp?.mtime ?? null,
                }
              : {}),
        },
        tx,
      );
    }
  });
  if (skipped.length > 0)
    ctx.log(
      'info',
      `${node.name}: ${skipped.length} row(s) changed while syncing and were left as the newer change set them.`,
    );
}

import 'server-only';
import { eq } from 'drizzle-orm';
import { recordAudit } from '@/lib/audit/record';
import { now } from '@/lib/clock';
import { getConfig } from '@/lib/config';
import { getDb } from '@/lib/db/client';
import { images, nodes } from '@/lib/db/tables';
import { errorMessage, UnavailableError } from '@/lib/errors';
import { formatBytes, redactUrlCredentials } from '@/lib/format';
import type { FailureOutcome, JobContext } from '@/lib/jobs/context';
import { withNodeSession } from '@/lib/nodes/connection';
import { faultPoint } from '@/lib/faults';
import { isImageUsableIn } from '@/lib/images/placement';
import type { FileStamp } from '@/lib/nodes/file-stamp';
import { imageFilesAt, type ImageFiles } from '@/lib/nodes/paths';
import type { SshSession } from '@/lib/ssh/session';
import { requireInstallTargets, nodeImagePath, setNodeImageState, settleNodeImage } from './node-images';
import * as remote from './remote';
import { adoptCommittedFile, commitVerified, type Installed } from './commit';
import { installSourceOf, pullTransfer, pushTransfer, type InstallSource, type TransferInput } from './transfer';
import { relayTransfer } from './relay/transfer';
import { imageStore } from '@/lib/store/image-store';
import { forgetStoreFileHashed } from '@/lib/store/trusted-hashes';
import { verifyOnNode } from './verify';

type Image = typeof images.$inferSelect;
type Node = typeof nodes.$inferSelect;
/** What the install put on the node, and the node it was copied from (lib/install/relay/), if any. */
type Transferred = Installed & { copiedFromNodeId: string | null };
type Recorded = Transferred & { stamp: FileStamp };

/**
 * The install pipeline (docs/architecture.md, "The life of an install"): preflight, transfer (push
 * over SFTP, or the node downloads), verify (the node hashes, the format and safety are checked),
 * commit (atomic rename plus sidecar), record.
 * An attempt that stops keeps its `.part` when it will continue (retry, pause) and removes it
 * when it will not (cancel, failure), so the node and the database always agree.
 */
export async function runInstallJob(ctx: JobContext): Promise<Record<string, unknown>> {
  const { image, node } = await requireInstallTargets(ctx.job.imageId, ctx.job.nodeId);
  let tidied = false;
  try {
    // Inside the try: a path outside the image directory fails the job like any other refusal, recorded on the row.
    const files = imageFilesAt(node.imageDir, await nodeImagePath(getDb(), node, image));
    await setNodeImageState(node.id, image.id, {
      state: 'installing',
      available: false,
      lastJobId: ctx.job.id,
      path: files.file,
    });
    ctx.phase(
      'connect',
      `Connecting to ${node.name} (${node.host}:${node.port}) with pinned host key ${node.hostKeyFingerprint}.`,
    );
    const installed = await withNodeSession(node, async (session) => {
      try {
        const verified = await installOver(session, ctx, image, node, files);
        return { ...verified, stamp: await remote.fileStamp(session, files.file) };
      } catch (err) {
        await tidyAfter(session, ctx, files, ctx.outcomeOf(err));
        tidied = true;
        throw err;
      }
    });
    faultPoint('install:after-commit');
    await recordInstalled(ctx, image, node, files, installed);
    return {
      path: files.file,
      sha256: installed.hashes.sha256,
      sizeBytes: installed.hashes.sizeBytes,
      ...(installed.copiedFromNodeId ? { copiedFromNodeId: installed.copiedFromNodeId } : {}),
    };
  } catch (err) {
    const outcome = ctx.outcomeOf(err);
    if ((outcome === 'cancel' || outcome === 'fail') && !tidied) {
      ctx.log(
        'warn',
        'The node could not be tidied up, so a partial transfer may remain there; the next install of this image on it reuses or replaces it.',
      );
    }
    await settleNodeImage(ctx.job, outcome);
    if (outcome === 'fail') await auditInstall(ctx, image, node, 'error', { error: errorMessage(err) });
    throw err;
  }
}

async function installOver(
  session: SshSession,
  ctx: JobContext,
  image: Image,
  node: Node,
  files: ImageFiles,
): Promise<Transferred> {
  ctx.throwIfStopped();
  ctx.phase('preflight');
  const source = installSourceOf(image);
  if (!image.sha256 && !image.md5)
    throw new UnavailableError('This image has no checksum, so an install could not be verified.');
  const tools = await remote.probeTools(session);
  const downloader = remote.requireTools(tools, { md5: !image.sha256, download: source.mode === 'pull' });
  const adopted = await adoptCommittedFile(session, ctx, image, files, tools.has('qemu-img'));
  if (adopted) return { ...adopted, copiedFromNodeId: null };
  // A stored image's size is known; the store file itself is read only if the portal sends it.
  const expectedSize =
    source.mode === 'push'
      ? (image.sizeBytes ?? (await imageStore().stamp(source.storeFile))?.sizeBytes ?? null)
      : (image.sizeBytes ?? (downloader ? await remote.remoteContentLength(session, downloader, source.url) : null));
  const free = await remote.freeBytes(session, node.imageDir); // also creates the directory
  if (await remote.stopEarlierDownload(session, files))
    ctx.log('warn', 'Stopped a download an earlier attempt left running on the node.');
  let offset = await remote.resumableBytes(session, files, contentId(image));
  if (expectedSize !== null && offset > expectedSize) {
    ctx.log('warn', 'The partial file on the node is larger than the image; starting over.');
    await remote.truncatePart(session, files);
    offset = 0;
  }
  checkFreeSpace(ctx, node, free, expectedSize === null ? null : expectedSize - offset);
  if (offset > 0)
    ctx.log('info', `Resuming: ${formatBytes(offset)} of ${formatBytes(expectedSize)} are already on the node.`);

  ctx.throwIfStopped();
  ctx.progress(offset, expectedSize);
  const transfer = { session, ctx, files, imageDir: node.imageDir, offset, expectedSize };
  let copiedFrom: Node | null = null;
  if (offset > 0 && offset === expectedSize) {
    // The last attempt got every byte but was cut off before verify; a range request would be refused.
    ctx.log('info', 'The whole file is already on the node; going straight to verify.');
  } else {
    copiedFrom = await transferFrom(source, downloader, transfer, image, node);
  }

  ctx.throwIfStopped();
  const verified = await verifyOnNode(session, ctx, image, files.part, tools.has('qemu-img')).catch(
    async (err: unknown) => {
      // The push may have trusted the store file unhashed (lib/store/trusted-hashes.ts); the next one hashes it again.
      if (source.mode === 'push' && err instanceof UnavailableError) await forgetStoreFileHashed(image.id);
      throw err;
    },
  );
  ctx.progress(verified.hashes.sizeBytes, expectedSize ?? verified.hashes.sizeBytes);

  ctx.throwIfStopped();
  ctx.phase('commit', `Renaming into place: ${files.file}`);
  await commitVerified(session, ctx, image, files, verified.hashes);
  return { ...verified, copiedFromNodeId: copiedFrom?.id ?? null };
}

/**
 * Moves the bytes into the `.part`: copied from a seed of the data center when one has the image
 * (./relay/), otherwise pushed or pulled, from wherever a failed copy left off. Returns the seed.
 */
async function transferFrom(
  source: InstallSource,
  downloader: remote.Downloader | null,
  transfer: TransferInput,
  image: Image,
  node: Node,
): Promise<Node | null> {
  const { ctx, files } = transfer;
  const relayed = await relayTransfer({ ...transfer, image, node });
  if ('copiedFrom' in relayed) return relayed.copiedFrom;
  const direct = { ...transfer, offset: relayed.directFrom };
  if (source.mode === 'push') {
    ctx.phase('transfer', `Portal streams the image over SFTP to ${files.part}.`);
    await pushTransfer({ ...direct, storeFile: source.storeFile, image });
  } else {
    ctx.phase('transfer', `Node downloads ${redactUrlCredentials(source.url)} with ${downloader}.`);
    await pullTransfer({ ...direct, url: source.url, downloader: downloader! });
  }
  return null;
}

/** Names the content a `.part` holds; a resume only appends to bytes of the very same content. */
function contentId(image: Image): string {
  return `image=${image.id} sha256=${image.sha256 ?? ''} md5=${image.md5 ?? ''}`;
}

/** Refuses before any byte moves when the rest of the image cannot fit with the configured margin. */
function checkFreeSpace(ctx: JobContext, node: Node, free: number, bytesToCome: number | null) {
  const margin = getConfig().diskMarginBytes;
  if (bytesToCome === null) {
    ctx.log('warn', `The image size is unknown; ${formatBytes(free)} free in ${node.imageDir}.`);
    return;
  }
  if (free < bytesToCome + margin) {
    throw new UnavailableError(
      `Not enough disk space on ${node.name}: ${formatBytes(free)} free in ${node.imageDir}, ` +
        `the image needs ${formatBytes(bytesToCome)} more plus a ${formatBytes(margin)} margin.`,
    );
  }
  ctx.log('info', `${formatBytes(free)} free in ${node.imageDir}; the image needs ${formatBytes(bytesToCome)} more.`);
}

/**
 * Whatever ends the attempt, the downloader on the node is stopped. Its `.part` stays when the job
 * continues later (retry, pause) and goes when it does not (cancel, failure). Cleanup never hides
 * why the attempt ended: a dropped connection makes it fail too.
 */
async function tidyAfter(session: SshSession, ctx: JobContext, files: ImageFiles, outcome: FailureOutcome) {
  // The job's new owner is working on these very files now: leave them to it.
  if (outcome === 'abandon') return;
  try {
    await remote.stopEarlierDownload(session, files);
    if (outcome === 'retry' || outcome === 'pause') return;
    await remote.removePartials(session, files);
    ctx.log('info', 'Removed the partial transfer from the node.');
  } catch (err) {
    const kept = outcome === 'retry' || outcome === 'pause' ? 'kept' : `left at ${files.part}`;
    ctx.log('warn', `Could not tidy up on the node (${errorMessage(err)}); the partial transfer is ${kept}.`);
  }
}

async function recordInstalled(ctx: JobContext, image: Image, node: Node, files: ImageFiles, installed: Recorded) {
  const at = now();
  const { hashes, virtualSizeBytes, stamp, copiedFromNodeId } = installed;
  const offered = await getDb().transaction(async (tx) => {
    // Detached while it installed: the copy is kept, but the node does not offer it there.
    const available = await isImageUsableIn(tx, image, node.dataCenterId);
    await setNodeImageState(
      node.id,
      image.id,
      {
        state: 'installed',
        available,
        path: files.file,
        installedAt: at,
        verifiedSha256: hashes.sha256,
        verifiedSizeBytes: stamp.sizeBytes,
        verifiedMtime: stamp.mtime,
        copiedFromNodeId,
        lastJobId: ctx.job.id,
      },
      tx,
    );
    // A URL image whose size was not given learns it, and its virtual size, from the first verified install.
    const learned = {
      // The node hashed the file and it matched: the image's checksum is no longer only a claim.
      ...(image.status === 'unverified' ? { status: 'ok' as const } : {}),
      ...(image.sizeBytes === null ? { sizeBytes: hashes.sizeBytes } : {}),
      ...(image.virtualSizeBytes === null && virtualSizeBytes !== undefined ? { virtualSizeBytes } : {}),
    };
    if (Object.keys(learned).length > 0) await tx.update(images).set(learned).where(eq(images.id, image.id));
    return available;
  });
  ctx.phase(
    'record',
    offered
      ? `Installed on ${node.name}; the image is available there.`
      : `Installed on ${node.name}, but not offered there: the image is no longer attached to its data center.`,
  );
  await auditInstall(ctx, image, node, 'ok', { path: files.file, sha256: hashes.sha256 });
}

/** The install's own audit event, on behalf of whoever queued the job. */
async function auditInstall(
  ctx: JobContext,
  image: Image,
  node: Node,
  outcome: 'ok' | 'error',
  details: Record<string, unknown>,
) {
  await recordAudit({
    userId: ctx.job.createdBy,
    action: 'image.install',
    targetType: 'image',
    targetId: image.id,
    dataCenterId: node.dataCenterId,
    outcome,
    details: { nodeId: node.id, jobId: ctx.job.id, ...details },
  });
}

import 'server-only';
import { eq } from 'drizzle-orm';
import { recordAudit } from '@/lib/audit/record';
import { now } from '@/lib/clock';
import { getConfig } from '@/lib/config';
import { getDb } from '@/lib/db/client';
import { images, nodes } from '@/lib/db/schema';
import { errorMessage, UnavailableError } from '@/lib/errors';
import type { JobContext } from '@/lib/jobs/context';
import { withNodeSession } from '@/lib/nodes/connection';
import { imageFilesOnNode, type ImageFiles } from '@/lib/nodes/paths';
import type { SshSession } from '@/lib/ssh/session';
import { formatBytes, redactUrlCredentials } from '@/lib/format';
import { buildManifest, imageFileName } from './manifest';
import { loadInstallTargets, setNodeImageState } from './node-images';
import * as remote from './remote';

type Image = typeof images.$inferSelect;
type Node = typeof nodes.$inferSelect;

const PROGRESS_POLL_MS = 1000;

/**
 * The install pipeline of DESIGN §4, pull mode: preflight, transfer (the node downloads), verify (the
 * node hashes), commit (atomic rename plus sidecar), record. Any failure removes the `.part`, marks
 * the node image failed, and fails the job with the reason.
 */
export async function runInstallJob(ctx: JobContext): Promise<Record<string, unknown>> {
  const { image, node } = loadInstallTargets(ctx.job.imageId, ctx.job.nodeId);
  try {
    const files = imageFilesOnNode(node.imageDir, imageFileName(image));
    setNodeImageState(node.id, image.id, { state: 'installing', available: false, lastJobId: ctx.job.id, path: files.file });
    ctx.phase('connect', `Connecting to ${node.name} (${node.host}:${node.port}) with pinned host key ${node.hostKeyFingerprint}.`);
    const hashes = await withNodeSession(node, async (session) => {
      try {
        return await installOver(session, ctx, image, node, files);
      } catch (err) {
        await removePartialsAfterFailure(session, ctx, files);
        throw err;
      }
    });
    recordInstalled(ctx, image, node, files, hashes);
    return { path: files.file, sha256: hashes.sha256, sizeBytes: hashes.sizeBytes };
  } catch (err) {
    setNodeImageState(node.id, image.id, { state: 'failed', available: false, lastJobId: ctx.job.id });
    auditInstall(ctx, image, node, 'error', { error: errorMessage(err) });
    throw err;
  }
}

/** Cleanup must never hide why the install failed: a dropped connection makes it fail too. */
async function removePartialsAfterFailure(session: SshSession, ctx: JobContext, files: ImageFiles) {
  try {
    await remote.removePartials(session, files);
    ctx.log('info', 'Removed the partial download.');
  } catch (err) {
    ctx.log('warn', `Could not remove the partial download (${errorMessage(err)}); it stays at ${files.part}.`);
  }
}

async function installOver(session: SshSession, ctx: JobContext, image: Image, node: Node, files: ImageFiles) {
  ctx.phase('preflight');
  const sourceUrl = image.sourceUrl;
  if (!sourceUrl) throw new UnavailableError('This image has no source URL to download from.');
  if (!image.sha256 && !image.md5) throw new UnavailableError('This image has no checksum, so an install could not be verified.');
  const downloader = remote.requireTools(await remote.probeTools(session), Boolean(image.md5));
  const expectedSize = image.sizeBytes ?? (await remote.remoteContentLength(session, downloader, sourceUrl));
  await checkFreeSpace(session, ctx, node, expectedSize);
  await remote.removePartials(session, files); // a stale .part from an older attempt would be appended to

  ctx.phase('transfer', `Node downloads ${redactUrlCredentials(sourceUrl)} with ${downloader}.`);
  ctx.progress(0, expectedSize);
  try {
    await withProgressPolling(session, ctx, files.part, () =>
      remote.download(session, downloader, sourceUrl, files.part, { maxBytes: expectedSize, signal: ctx.signal }),
    );
  } catch (err) {
    throw await explainDownloadFailure(session, node, err);
  }

  ctx.phase('verify', 'Node hashes the downloaded file.');
  const hashes = await remote.hashOnNode(session, files.part, Boolean(image.md5));
  ctx.progress(hashes.sizeBytes, expectedSize ?? hashes.sizeBytes);
  verifyHashes(image, hashes);
  ctx.log('info', `Checksum verified: sha256 ${hashes.sha256}.`);

  ctx.phase('commit', `Renaming into place: ${files.file}`);
  await remote.commitFiles(session, files, buildManifest(image, hashes, ctx.job.id));
  return hashes;
}

/** Refuses before any byte moves when the image cannot fit with the configured margin. */
async function checkFreeSpace(session: SshSession, ctx: JobContext, node: Node, expectedSize: number | null) {
  const free = await remote.freeBytes(session, node.imageDir);
  const margin = getConfig().diskMarginBytes;
  if (expectedSize === null) {
    ctx.log('warn', `The image size is unknown; ${formatBytes(free)} free in ${node.imageDir}.`);
    return;
  }
  if (free < expectedSize + margin) {
    throw new UnavailableError(
      `Not enough disk space on ${node.name}: ${formatBytes(free)} free in ${node.imageDir}, ` +
        `the image needs ${formatBytes(expectedSize)} plus a ${formatBytes(margin)} margin.`,
    );
  }
  ctx.log('info', `${formatBytes(free)} free in ${node.imageDir}; the image needs ${formatBytes(expectedSize)}.`);
}

/**
 * When the size was unknown, a full disk shows up only as the downloader's write error (curl's
 * exit 23); say so plainly. Anything else keeps the downloader's own message.
 */
async function explainDownloadFailure(session: SshSession, node: Node, err: unknown): Promise<unknown> {
  if (!/\(23\)|No space left/i.test(errorMessage(err))) return err;
  const free = await remote.freeBytes(session, node.imageDir).catch(() => null);
  if (free !== null && free < getConfig().diskMarginBytes) {
    return new UnavailableError(`Not enough disk space on ${node.name}: ${node.imageDir} filled up during the download (${formatBytes(free)} left).`);
  }
  return err;
}

function verifyHashes(image: Image, actual: remote.NodeHashes): void {
  const problems: string[] = [];
  if (image.sha256 && image.sha256 !== actual.sha256) problems.push(`sha256 expected ${image.sha256}, node computed ${actual.sha256}`);
  if (image.md5 && image.md5 !== actual.md5) problems.push(`md5 expected ${image.md5}, node computed ${actual.md5}`);
  if (image.sizeBytes !== null && image.sizeBytes !== actual.sizeBytes) {
    problems.push(`size expected ${image.sizeBytes} bytes, got ${actual.sizeBytes}`);
  }
  if (problems.length > 0) {
    throw new UnavailableError(`Checksum mismatch: ${problems.join('; ')}. The downloaded file was deleted.`);
  }
}

/** Reports the growing `.part` as progress while `work` runs; no sample lands after it ends. */
async function withProgressPolling<T>(session: SshSession, ctx: JobContext, part: string, work: () => Promise<T>): Promise<T> {
  let inFlight: Promise<void> | undefined;
  const timer = setInterval(() => {
    inFlight ??= remote
      .fileSize(session, part)
      .then((size) => ctx.progress(size))
      .catch(() => undefined) // a missed sample is harmless; the next one catches up
      .finally(() => (inFlight = undefined));
  }, PROGRESS_POLL_MS);
  try {
    return await work();
  } finally {
    clearInterval(timer);
    await inFlight;
  }
}

function recordInstalled(ctx: JobContext, image: Image, node: Node, files: ImageFiles, hashes: remote.NodeHashes) {
  const at = now();
  getDb().transaction((tx) => {
    setNodeImageState(
      node.id,
      image.id,
      { state: 'installed', available: true, path: files.file, installedAt: at, verifiedSha256: hashes.sha256, lastJobId: ctx.job.id },
      tx,
    );
    // A URL image whose size was not given learns it from the first verified install.
    if (image.sizeBytes === null) tx.update(images).set({ sizeBytes: hashes.sizeBytes }).where(eq(images.id, image.id)).run();
  });
  ctx.phase('record', `Installed on ${node.name}; the image is available there.`);
  auditInstall(ctx, image, node, 'ok', { path: files.file, sha256: hashes.sha256 });
}

/** The install's own audit event, on behalf of whoever queued the job. */
function auditInstall(ctx: JobContext, image: Image, node: Node, outcome: 'ok' | 'error', details: Record<string, unknown>) {
  recordAudit({
    userId: ctx.job.createdBy,
    action: 'image.install',
    targetType: 'image',
    targetId: image.id,
    dataCenterId: node.dataCenterId,
    outcome,
    details: { nodeId: node.id, jobId: ctx.job.id, ...details },
  });
}

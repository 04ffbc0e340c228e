import 'server-only';
import path from 'node:path';
import { now } from '@/lib/clock';
import type { images } from '@/lib/db/tables';
import { errorMessage, isTransient } from '@/lib/errors';
import { formatBytes } from '@/lib/format';
import type { JobContext } from '@/lib/jobs/context';
import type { ImageFiles } from '@/lib/nodes/paths';
import type { SshSession } from '@/lib/ssh/session';
import * as remote from './remote';
import { buildSidecar, parseSidecar } from './sidecar';
import { verifyOnNode } from './verify';

type Image = typeof images.$inferSelect;
/** What a verified file on the node is: its hashes, and its virtual size where qemu-img read one. */
export type Installed = { hashes: remote.NodeHashes; virtualSizeBytes?: number };

/**
 * Commit: the verified `.part` and its sidecar are renamed into place (remote.commitFiles), unless
 * the final path holds another image's file.
 */
export async function commitVerified(
  session: SshSession,
  ctx: JobContext,
  image: Image,
  files: ImageFiles,
  hashes: remote.NodeHashes,
): Promise<void> {
  const fileName = path.posix.basename(files.file);
  const sidecar = buildSidecar(
    { ...image, imageId: image.id },
    { fileName, ...hashes },
    { jobId: ctx.job.id, installedAt: now() },
  );
  await remote.commitFiles(session, files, sidecar, image.id);
}

/**
 * An earlier attempt may have committed the file and then stopped before recording it (the portal
 * was killed in between). Its sidecar says so: same image, same size, same checksum. The node then
 * hashes that file instead of receiving the whole image again. A file that fails the check is
 * removed, and the install starts over.
 */
export async function adoptCommittedFile(
  session: SshSession,
  ctx: JobContext,
  image: Image,
  files: ImageFiles,
  withQemu: boolean,
): Promise<Installed | null> {
  const found = await remote.readCommitted(session, files);
  if (!found) return null;
  const parsed = parseSidecar(path.posix.basename(files.manifest), found.sidecar);
  const ours =
    parsed.ok &&
    parsed.sidecar.imageId === image.id &&
    parsed.sidecar.sizeBytes === found.sizeBytes &&
    (!image.sha256 || parsed.sidecar.sha256 === image.sha256);
  if (!ours) return null;
  ctx.log(
    'info',
    `${files.file} was committed by an earlier attempt (${formatBytes(found.sizeBytes)}); the node hashes it instead of receiving it again.`,
  );
  ctx.progress(found.sizeBytes, found.sizeBytes);
  try {
    return await verifyOnNode(session, ctx, image, files.file, withQemu);
  } catch (err) {
    if (ctx.signal.aborted || isTransient(err)) throw err;
    ctx.log('warn', `The committed file failed its check (${errorMessage(err)}); removing it and installing again.`);
    await remote.removeInstalled(session, files);
    return null;
  }
}

import 'server-only';
import { UnavailableError } from '@/lib/errors';
import type { images } from '@/lib/db/tables';
import { unsafeFileReason } from '@/lib/images/file-safety';
import type { JobContext } from '@/lib/jobs/context';
import type { SshSession } from '@/lib/ssh/session';
import { judgeFormat } from './format';
import * as remote from './remote';

type Image = typeof images.$inferSelect;

/**
 * Verify: the node hashes the file it holds and the result must match the image; then
 * the file must be self-contained and really in the image's disk format. Any of these failing
 * fails the job before commit.
 */
export async function verifyOnNode(
  session: SshSession,
  ctx: JobContext,
  image: Image,
  file: string,
  hasQemuImg: boolean,
) {
  ctx.phase('verify', 'Node hashes the file it received.');
  // sha256 alone decides when the image has one; md5 costs another full read and is weaker.
  const hashes = await remote.hashOnNode(session, file, !image.sha256, ctx.signal);
  checkHashes(image, hashes);
  ctx.log('info', `Checksum verified: ${image.sha256 ? `sha256 ${hashes.sha256}` : `md5 ${hashes.md5}`}.`);

  const evidence = await remote.readFormatEvidence(session, file, hashes.sizeBytes, hasQemuImg);
  // Before the format: a file that names a backing file or extents is refused whatever it claims to be.
  const unsafe = unsafeFileReason(evidence);
  if (unsafe) throw new UnavailableError(unsafe);
  const verdict = judgeFormat(image.diskFormat, evidence);
  if (!verdict.ok) throw new UnavailableError(verdict.message);
  ctx.log('info', `Format verified: ${verdict.detected} (${verdict.how}).`);
  return { hashes, virtualSizeBytes: verdict.virtualSizeBytes };
}

function checkHashes(image: Image, actual: remote.NodeHashes): void {
  const problems: string[] = [];
  if (image.sha256 && image.sha256 !== actual.sha256)
    problems.push(`sha256 expected ${image.sha256}, node computed ${actual.sha256}`);
  if (!image.sha256 && image.md5 && image.md5 !== actual.md5)
    problems.push(`md5 expected ${image.md5}, node computed ${actual.md5}`);
  if (image.sizeBytes !== null && image.sizeBytes !== actual.sizeBytes) {
    problems.push(`size expected ${image.sizeBytes} bytes, got ${actual.sizeBytes}`);
  }
  if (problems.length > 0) {
    throw new UnavailableError(`Checksum mismatch: ${problems.join('; ')}. The transferred file is deleted.`);
  }
}

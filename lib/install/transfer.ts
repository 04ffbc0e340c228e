import 'server-only';
import { getConfig } from '@/lib/config';
import { UnavailableError } from '@/lib/errors';
import { formatBytes } from '@/lib/format';
import type { JobContext } from '@/lib/jobs/context';
import type { ImageFiles } from '@/lib/nodes/paths';
import type { SshSession } from '@/lib/ssh/session';
import { imageStore } from '@/lib/store/image-store';
import { CannotResumeError, download } from './download';
import { pushFile } from './push';
import * as remote from './remote';
import { withSizePolling } from './size-polling';
import { isStoreFileTrusted, recordStoreFileHashed, sameStamp } from '@/lib/store/trusted-hashes';

/** Where an install's bytes come from. */
export type InstallSource = { mode: 'push'; storeFile: string } | { mode: 'pull'; url: string };

export function installSourceOf(image: { storeFile: string | null; sourceUrl: string | null }): InstallSource {
  if (image.storeFile) return { mode: 'push', storeFile: image.storeFile };
  if (image.sourceUrl) return { mode: 'pull', url: image.sourceUrl };
  throw new UnavailableError('This image has neither a file in the portal store nor a source URL.');
}

export type TransferInput = {
  session: SshSession;
  ctx: JobContext;
  files: ImageFiles;
  imageDir: string;
  offset: number;
  expectedSize: number | null;
};

type StoredImage = { id: string; storeFile: string | null; sha256: string | null };

/**
 * Streams the store file over SFTP. The portal hashes what it sends in the same pass unless the
 * file is unchanged since it last did (lib/store/trusted-hashes.ts), and refuses to go on with a store file
 * that is not what the image's sha256 says: the node would only find the same.
 */
export async function pushTransfer(input: TransferInput & { storeFile: string; image: StoredImage }): Promise<void> {
  const { session, ctx, files, offset, image } = input;
  const store = imageStore();
  // Stamped before the first byte is read: a file written to during the push no longer matches.
  const stamp = await store.stamp(input.storeFile);
  const file = stamp && (await store.open(input.storeFile));
  if (!stamp || !file)
    throw new UnavailableError(`The image file is missing from the portal's store (${store.where}).`);
  const hash = Boolean(image.sha256) && !(await isStoreFileTrusted(image, stamp));
  if (image.sha256 && !hash)
    ctx.log(
      'info',
      'The store file is unchanged since the portal last hashed it; it is sent without hashing it again.',
    );
  let sent = 0;
  let sha256: string | null;
  try {
    ({ sha256 } = await pushFile(session, file, files.part, {
      offset,
      signal: ctx.signal,
      onProgress: (onNode) => ctx.progress(onNode),
      onSent: (bytes) => (sent += bytes),
      hash,
    }));
  } finally {
    ctx.transferred(sent);
    await file.close();
  }
  if (!hash) return;
  if (sha256 !== image.sha256) {
    throw new UnavailableError(
      `The image file in the portal's store is damaged: its sha256 is ${sha256}, not ${image.sha256}.`,
    );
  }
  const after = await store.stamp(input.storeFile);
  if (after && sameStamp(after, stamp)) await recordStoreFileHashed(image, stamp);
}

/**
 * The node downloads with curl (progress from its meter) or wget (progress from the file's size).
 * A server that cannot serve ranges makes a resume start over from zero, once.
 */
export async function pullTransfer(
  input: TransferInput & { url: string; downloader: remote.Downloader },
): Promise<void> {
  const { session, ctx, files } = input;
  let offset = input.offset;
  let received = 0;
  const options = {
    maxBytes: input.expectedSize,
    signal: ctx.signal,
    onProgress: (bytes: number) => {
      received = bytes;
      ctx.progress(offset + bytes);
    },
  };
  const run = () =>
    input.downloader === 'curl'
      ? download(session, 'curl', input.url, files, options)
      : withSizePolling(
          session,
          files.part,
          (size) => options.onProgress(size - offset),
          () => download(session, 'wget', input.url, files, options),
        );
  try {
    await run();
  } catch (err) {
    if (!(err instanceof CannotResumeError) || offset === 0) throw await explainDownloadFailure(input, err);
    ctx.log('warn', `The server cannot resume a download, so it starts over (${formatBytes(offset)} fetched again).`);
    await remote.truncatePart(session, files);
    offset = 0;
    await run().catch(async (again) => {
      throw await explainDownloadFailure(input, again);
    });
  } finally {
    ctx.transferred(received);
  }
}

/**
 * When the size was unknown, a full disk shows up only as the downloader's write error (curl's
 * exit 23); say so plainly. Anything else keeps the downloader's own message.
 */
async function explainDownloadFailure({ session, imageDir }: TransferInput, err: unknown): Promise<unknown> {
  if (!/\(23\)|No space left/i.test(err instanceof Error ? err.message : '')) return err;
  const free = await remote.freeBytes(session, imageDir).catch(() => null);
  if (free !== null && free < getConfig().diskMarginBytes) {
    return new UnavailableError(
      `Not enough disk space on the node: the image directory filled up during the download (${formatBytes(free)} left).`,
    );
  }
  return err;
}

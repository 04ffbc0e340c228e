import 'server-only';
import { getConfig } from '@/lib/config';
import { UnavailableError } from '@/lib/errors';
import { formatBytes } from '@/lib/format';
import type { JobContext } from '@/lib/jobs/context';
import type { ImageFiles } from '@/lib/nodes/paths';
import type { SshSession } from '@/lib/ssh/session';
import { storedImagePath } from '@/lib/store/image-store';
import { CannotResumeError, download } from './download';
import { pushFile } from './push';
import * as remote from './remote';

/** Where an install's bytes come from. */
export type InstallSource = { mode: 'push'; storePath: string } | { mode: 'pull'; url: string };

export function installSourceOf(image: { storeFile: string | null; sourceUrl: string | null }): InstallSource {
  if (image.storeFile) return { mode: 'push', storePath: storedImagePath(image.storeFile) };
  if (image.sourceUrl) return { mode: 'pull', url: image.sourceUrl };
  throw new UnavailableError('This image has neither a file in the portal store nor a source URL.');
}

type TransferInput = {
  session: SshSession;
  ctx: JobContext;
  files: ImageFiles;
  imageDir: string;
  offset: number;
  expectedSize: number | null;
};

/** Streams the store file over SFTP; returns the sha256 the portal computed of every byte it read. */
export async function pushTransfer(input: TransferInput & { storePath: string }): Promise<string> {
  const { session, ctx, files, offset } = input;
  let sent = 0;
  try {
    const result = await pushFile(session, input.storePath, files.part, {
      offset,
      signal: ctx.signal,
      onProgress: (onNode) => ctx.progress(onNode),
      onSent: (bytes) => (sent += bytes),
    });
    return result.sha256;
  } finally {
    ctx.transferred(sent);
  }
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

const SIZE_POLL_MS = 1000;

/** wget prints no meter we read, so the growing `.part` is the progress; no sample lands after `work` ends. */
async function withSizePolling<T>(
  session: SshSession,
  part: string,
  onSize: (size: number) => void,
  work: () => Promise<T>,
): Promise<T> {
  let inFlight: Promise<void> | undefined;
  const timer = setInterval(() => {
    inFlight ??= remote
      .fileSize(session, part)
      .then(onSize)
      .catch(() => undefined) // a missed sample is harmless; the next one catches up
      .finally(() => (inFlight = undefined));
  }, SIZE_POLL_MS);
  try {
    return await work();
  } finally {
    clearInterval(timer);
    await inFlight;
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

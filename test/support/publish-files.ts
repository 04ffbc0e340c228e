// What the S3 and Azure publish tests share: disk files with real data and holes, the image
// attributes and file descriptions a target is given, and a recorder of what an upload saves.
import crypto from 'node:crypto';
import fs from 'node:fs';
import { expect } from 'vitest';
import type { DiskFormat } from '@/lib/db/enums';
import {
  CloudError,
  type CloudFailureReason,
  type PublishedImageAttributes,
  type PublishFile,
  type RemoteState,
  type UploadOptions,
} from '@/lib/publish/target';

export const MiB = 1024 * 1024;

/**
 * A raw disk of `layout.length` MiB (plus `tail` bytes of data): 'data' MiBs are random bytes,
 * 'zero' MiBs are holes. Random, so no two runs and no two parts look alike.
 */
export function writeDisk(file: string, layout: ('data' | 'zero')[], tail = 0): string {
  const fd = fs.openSync(file, 'w');
  try {
    layout.forEach((kind, i) => {
      if (kind === 'data') fs.writeSync(fd, crypto.randomBytes(MiB), 0, MiB, i * MiB);
    });
    if (tail > 0) fs.writeSync(fd, crypto.randomBytes(tail), 0, tail, layout.length * MiB);
    fs.ftruncateSync(fd, layout.length * MiB + tail);
  } finally {
    fs.closeSync(fd);
  }
  return file;
}

export function sha256Of(data: Buffer | string): string {
  return crypto
    .createHash('sha256')
    .update(typeof data === 'string' ? fs.readFileSync(data) : data)
    .digest('hex');
}

export function md5Of(data: Buffer | string): string {
  return crypto
    .createHash('md5')
    .update(typeof data === 'string' ? fs.readFileSync(data) : data)
    .digest('hex');
}

/** The file as the job hands it to a target, its checksums computed here. */
export function publishFile(path: string, diskFormat: DiskFormat): PublishFile {
  return { path, diskFormat, sizeBytes: fs.statSync(path).size, sha256: sha256Of(path), md5: md5Of(path) };
}

export function imageAttributes(overrides: Partial<PublishedImageAttributes> = {}): PublishedImageAttributes {
  return {
    id: crypto.randomUUID(),
    name: 'debian-12',
    version: '20240601',
    description: 'Debian 12 for the publish tests',
    osType: 'linux',
    diskFormat: 'raw',
    containerFormat: 'bare',
    minDiskGb: 2,
    minRamMb: 512,
    bootType: 'uefi',
    tags: ['test', 'publish'],
    ...overrides,
  };
}

/** Upload options that record every state saved and every progress report, as the job would persist them. */
export function recordingOptions(previous?: RemoteState, signal = new AbortController().signal) {
  const states: RemoteState[] = [];
  const progress: number[] = [];
  const options: UploadOptions = {
    signal,
    previous,
    // A copy, as the job's database row would be: later changes to the object do not reach it.
    saveState: async (state) => void states.push(structuredClone(state)),
    onProgress: (bytes) => progress.push(bytes),
  };
  return { options, states, progress, last: () => states.at(-1) };
}

/** Awaits a rejection that must be a CloudError for `reason`; returns it for more checks. */
export async function cloudError(promise: Promise<unknown>, reason: CloudFailureReason): Promise<CloudError> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(CloudError);
  expect((err as CloudError).reason, (err as Error).message).toBe(reason);
  return err as CloudError;
}

/**
 * What `read` returns once it stops changing. A server may still commit a request the client cut
 * off after its last byte was sent, so what it holds right after an abort can still grow.
 */
export async function settled<T>(read: () => Promise<T>, quietMs = 300): Promise<T> {
  let last = JSON.stringify(await read());
  for (let i = 0; i < 20; i++) {
    await new Promise((resolve) => setTimeout(resolve, quietMs));
    const now = await read();
    if (JSON.stringify(now) === last) return now;
    last = JSON.stringify(now);
  }
  throw new Error('What the server holds kept changing.');
}

/** Sets PORTAL_OUTBOUND_ALLOW for a test (the config re-reads a changed environment); returns the undo. */
export function allowOutbound(value: string): () => void {
  const before = process.env.PORTAL_OUTBOUND_ALLOW;
  process.env.PORTAL_OUTBOUND_ALLOW = value;
  return () => {
    if (before === undefined) delete process.env.PORTAL_OUTBOUND_ALLOW;
    else process.env.PORTAL_OUTBOUND_ALLOW = before;
  };
}

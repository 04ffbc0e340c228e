/** Helpers for the IMGAPI import tests: hashing, the store's files, and an import run to its end. */
import crypto from 'node:crypto';
import fs from 'node:fs';
import { eq } from 'drizzle-orm';
import type { UserContext } from '@/lib/auth/policy';
import { getDb, firstRow } from '@/lib/db/client';
import { jobs } from '@/lib/db/tables';
import { importImage } from '@/lib/repositories/import/operation';
import { getJobRunner } from '@/lib/jobs/runner';
import type { CraftedImage } from './crafted-imgapi';
import { expectOk, run } from './portal';
import { localStoreDir } from './store';

export const hash = (algorithm: string, data: Buffer) => crypto.createHash(algorithm).update(data).digest('hex');

export const storeFiles = () => (fs.existsSync(localStoreDir()) ? fs.readdirSync(localStoreDir()) : []);

/** Queues an import as `user` and waits for its job; the job row. */
export async function importAndWait(user: UserContext, input: Record<string, unknown>) {
  const { jobId } = expectOk(await run(importImage, input, user));
  await getJobRunner().waitFor(jobId);
  return (await firstRow(getDb().select().from(jobs).where(eq(jobs.id, jobId))))!;
}

/** A manifest for `file` as a well-behaved repository would list it, with `overrides` on top. */
export function craft(
  name: string,
  file: Buffer,
  overrides: Record<string, unknown> = {},
  send?: CraftedImage['send'],
): CraftedImage {
  const manifest = {
    v: 2,
    uuid: crypto.randomUUID(),
    name,
    version: '1.0',
    type: 'zvol',
    os: 'linux',
    state: 'active',
    public: true,
    files: [{ sha1: hash('sha1', file), size: file.length, compression: 'none' }],
    ...overrides,
  };
  return { manifest, file, send };
}

/** The listing shows a normal entry; the image's own manifest adds these fields. */
export function withOwnManifest(image: CraftedImage, extra: Record<string, unknown>): CraftedImage {
  return { ...image, ownManifest: { ...image.manifest, ...extra } };
}

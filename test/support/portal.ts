/** Helpers for integration tests that drive the portal's real domain operations. */
import crypto from 'node:crypto';
import fs from 'node:fs';
import { and, eq, inArray } from 'drizzle-orm';
import type { UserContext } from '@/lib/auth/policy';
import { getDb, firstRow } from '@/lib/db/client';
import { now } from '@/lib/clock';
import { credentials, dataCenters, images, jobEvents, jobs, nodeImages, nodes } from '@/lib/db/tables';
import { attachImage } from '@/lib/images/attachment';
import { createImage } from '@/lib/images/operations';
import { installImage } from '@/lib/install/operations';
import { getJobRunner } from '@/lib/jobs/runner';
import { createDataCenter } from '@/lib/locations/operations';
import { uploadImageFile } from '@/lib/store/upload';
import { registerSshNode as register, runOk } from '@/scripts/lib/portal-seed';
import type { SshNode } from '@/scripts/lib/sshd-node';

export { expectOk } from '@/scripts/lib/portal-seed';
export { createSuperAdmin, createUserWithRole } from './users';

/** Runs an operation as the UI and API do: parse, authorize, run, audit. */
export { runOperation as run } from '@/lib/actions/operation';

let counter = 0;

export async function createDataCenterAs(user: UserContext, code = `dc-${++counter}`) {
  return (await runOk(createDataCenter, { code, name: `Data center ${code}` }, user)).id;
}

export function registerSshNode(user: UserContext, dataCenterId: string, node: SshNode, name = `node-${++counter}`) {
  return register(user, dataCenterId, node, name);
}

/**
 * Where a test's image is usable. Installs follow the placement rule (a node offers an image only
 * where it is bound or attached), so a global image is attached, as an admin would, to every data
 * center there is when it is created; a test about placement itself passes `attachTo: []`.
 */
type Placement = { attachTo?: string[] };

async function attachEverywhere(imageId: string, only?: string[]) {
  const attachTo = only ?? (await getDb().select({ id: dataCenters.id }).from(dataCenters)).map((dc) => dc.id);
  const image = (await firstRow(getDb().select().from(images).where(eq(images.id, imageId))))!;
  if (image.dcBoundId) return;
  for (const dataCenterId of attachTo) await attachImage(getDb(), image, dataCenterId, image.ownerId);
}

/** Tests' images are public, so role rules about shared images apply; the private default has its own test. */
const SHARED_AS_AN_ADMIN_WOULD = { access: 'public' };

export async function createUrlImage(user: UserContext, fields: Record<string, unknown>, placement: Placement = {}) {
  const input = {
    version: '1',
    osType: 'linux',
    category: 'Linux',
    diskFormat: 'qcow2',
    containerFormat: 'bare',
    ...SHARED_AS_AN_ADMIN_WOULD,
    // Most tests' URLs answer nothing, on purpose; a reachable one is still checked (a 404 is refused).
    skipUrlCheck: true,
    ...fields,
  };
  const { id } = await runOk(createImage, input, user);
  await attachEverywhere(id, placement.attachTo);
  return id;
}

/** An image created with the upload source, pending until its file is uploaded; its id. */
export async function createUploadImage(user: UserContext, fields: Record<string, unknown>): Promise<string> {
  const input = {
    version: '1',
    osType: 'linux',
    category: 'Linux',
    diskFormat: 'raw',
    containerFormat: 'bare',
    source: 'upload',
    ...SHARED_AS_AN_ADMIN_WOULD,
    ...fields,
  };
  return (await runOk(createImage, input, user)).id;
}

/** An image in the portal's store (push mode): created with the upload source, then its file uploaded. */
export async function createStoreImage(
  user: UserContext,
  file: string,
  fields: Record<string, unknown>,
  placement: Placement = {},
) {
  const id = await createUploadImage(user, fields);
  const outcome = await uploadImageFile(user, id, {
    body: fs.createReadStream(file),
    contentLength: fs.statSync(file).size,
    contentType: 'application/octet-stream',
  });
  if (!outcome.ok) throw new Error(`Upload failed: ${outcome.error}`);
  await attachEverywhere(id, placement.attachTo);
  return id;
}

/** Queues an install and waits for the job to finish; returns the job row. */
export async function installAndWait(user: UserContext, imageId: string, nodeId: string) {
  const { jobId } = await runOk(installImage, { imageId, nodeId }, user);
  await getJobRunner().waitFor(jobId);
  return (await firstRow(getDb().select().from(jobs).where(eq(jobs.id, jobId))))!;
}

/** Waits for a condition that a background job makes true, failing after `timeoutMs`. */
export async function until(condition: () => boolean | Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('Timed out waiting for a condition');
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/**
 * A node row with nothing listening behind it, for rules decided before any connection; a job
 * that does try it fails as a node that is down would.
 */
export async function insertUnreachableNode(dataCenterId: string, name: string): Promise<string> {
  const id = crypto.randomUUID();
  const at = now();
  const credentialId = crypto.randomUUID();
  await getDb()
    .insert(credentials)
    .values({
      id: credentialId,
      name: `key-${name}`,
      publicKey: 'ssh-ed25519 AAAA',
      encryptedPrivateKey: 'v1.x.y.z',
      createdAt: at,
    });
  await getDb().insert(nodes).values({
    id,
    dataCenterId,
    name,
    host: '127.0.0.99',
    port: ++counter,
    sshUser: 'u',
    credentialId,
    hostKeyFingerprint: 'SHA256:x',
    imageDir: '/srv',
    createdAt: at,
    updatedAt: at,
  });
  return id;
}

/** A job's log, its messages in order: what the job page shows. */
export async function jobLog(jobId: string): Promise<string[]> {
  // In the order written: PostgreSQL, unlike SQLite, returns rows in no particular order unless asked.
  const events = await getDb().select().from(jobEvents).where(eq(jobEvents.jobId, jobId)).orderBy(jobEvents.id);
  return events.map((e) => e.message);
}

/** The log lines that start an attempt, one per attempt: "Started (attempt 1 of 3) in host:pid:…". */
export async function jobStarts(jobId: string): Promise<string[]> {
  return (await jobLog(jobId)).filter((message) => message.startsWith('Started ('));
}

/** The node-image row of an image on a node, if there is one. */
export async function nodeImageRow(nodeId: string, imageId: string) {
  return await firstRow(
    getDb()
      .select()
      .from(nodeImages)
      .where(and(eq(nodeImages.nodeId, nodeId), eq(nodeImages.imageId, imageId))),
  );
}

export async function jobRows(ids: string[]) {
  return await getDb().select().from(jobs).where(inArray(jobs.id, ids));
}

/** True once none of these jobs is queued or running. */
export async function jobsDone(ids: string[]): Promise<boolean> {
  return (await jobRows(ids)).every((job) => job.status !== 'queued' && job.status !== 'running');
}

export function sha256OfFile(file: string): string {
  return crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex');
}

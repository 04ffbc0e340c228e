import { spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { UserContext } from '@/lib/auth/policy';
import { getDb, firstRow } from '@/lib/db/client';
import { images, jobs } from '@/lib/db/tables';
import { installImage } from '@/lib/install/operations';
import { cancelJob } from '@/lib/jobs/operations';
import { getJobRunner } from '@/lib/jobs/runner';
import { setRelayInstalls } from '@/lib/locations/operations';
import { setNodeDcAddress } from '@/lib/nodes/operations';
import { localStorePath } from '../support/store';
import { startMirror } from '@/scripts/lib/mirror';
import { nodeUserHome, SshNode } from '@/scripts/lib/sshd-node';
import {
  createDataCenterAs,
  createStoreImage,
  createSuperAdmin,
  createUrlImage,
  expectOk,
  installAndWait,
  jobLog,
  registerSshNode,
  run,
  until,
  nodeImageRow,
} from '../support/portal';

const MiB = 1024 * 1024;
const sha256Of = (file: string) => crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex');
const authorizedKeys = () => path.join(nodeUserHome(), '.ssh', 'authorized_keys');
const relayKeysOf = (jobId: string) =>
  fs.existsSync(authorizedKeys())
    ? fs
        .readFileSync(authorizedKeys(), 'utf8')
        .split('\n')
        .filter((l) => l.endsWith(`cbp-relay-${jobId}`))
    : [];

/** Whether the receiver's ssh to the seed is still running (lib/install/relay/copy.ts). */
function copyRunning(receiver: SshNode, seed: SshNode): boolean {
  const found = spawnSync('pgrep', ['-f', '--', `-b ${receiver.host} .* -- ${seed.host} [0-9]`]);
  return found.status === 0;
}

/**
 * Relayed installs (lib/install/relay/): within a data center the portal sends an image once, and
 * the other nodes copy it from that seed with a one-time key, on real sshd nodes.
 */
describe('relayed installs: one copy from the portal per data center', async () => {
  let admin: UserContext;
  let scratch: string;
  let file: string;
  let dataCenterId: string;
  const nodes: SshNode[] = [];
  const ids: string[] = [];
  const names: string[] = [];

  beforeAll(async () => {
    scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'cbp-relay-'));
    file = path.join(scratch, 'random.raw');
    fs.writeFileSync(file, crypto.randomBytes(8 * MiB));
    admin = await createSuperAdmin();
    dataCenterId = await createDataCenterAs(admin);
    for (const [i, host] of ['127.0.0.205', '127.0.0.206', '127.0.0.207'].entries()) {
      // 2 MiB/s out of tail on the first node: a copy from it lasts seconds, long enough to cancel.
      const node = await SshNode.start({ host, ...(i === 0 ? { tailRate: 2 * MiB } : {}) });
      nodes.push(node);
      names.push(`relay-${i}`);
      ids.push((await registerSshNode(admin, dataCenterId, node, names[i])).nodeId);
    }
  });
  afterAll(async () => {
    await Promise.all(nodes.map((n) => n.stop()));
    fs.rmSync(scratch, { recursive: true, force: true });
  });

  const job = async (id: string) => (await firstRow(getDb().select().from(jobs).where(eq(jobs.id, id))))!;
  const onNode = (i: number, imageId: string, suffix = '') => path.join(nodes[i]!.imageDir, `${imageId}.raw${suffix}`);
  const startInstall = async (imageId: string, i: number) =>
    expectOk(await run(installImage, { imageId, nodeId: ids[i]! }, admin)).jobId;
  const pushed = async (jobId: string) =>
    (await jobLog(jobId)).some((m) => m.startsWith('Phase transfer: Portal streams'));

  it('pushes to one node and has the others copy from it; every copy is verified and the key is gone', async () => {
    const imageId = await createStoreImage(admin, file, { name: 'relayed' });
    const jobIds = [];
    for (const i of [0, 1, 2]) jobIds.push(await startInstall(imageId, i));
    for (const id of jobIds) await getJobRunner().waitFor(id);

    for (const [i, id] of jobIds.entries()) {
      expect(await job(id)).toMatchObject({ status: 'succeeded', error: null });
      expect(sha256Of(onNode(i, imageId))).toBe(sha256Of(file));
      expect(relayKeysOf(id)).toEqual([]);
    }
    // The others were queued behind it and waited while it ran, rather than pushing too.
    for (const id of jobIds.slice(1))
      expect(await jobLog(id)).toContain(
        `Phase wait: Waiting for ${names[0]} to receive the image first, to copy it from there.`,
      );
    // The first job found no seed and nothing earlier to wait for: the portal pushed to it.
    expect(await pushed(jobIds[0]!)).toBe(true);
    expect((await nodeImageRow(ids[0]!, imageId))!.copiedFromNodeId).toBeNull();
    for (const i of [1, 2]) {
      const id = jobIds[i]!;
      expect(await jobLog(id)).not.toContainEqual(expect.stringMatching(/Portal streams/));
      const from = (await nodeImageRow(ids[i]!, imageId))!.copiedFromNodeId;
      expect(from).not.toBeNull();
      expect(from).not.toBe(ids[i]);
      const seed = ids.indexOf(from!);
      expect(await jobLog(id)).toContain(`Copied from node ${names[seed]} (${nodes[seed]!.host}).`);
      expect((await job(id)).result).toMatchObject({ copiedFromNodeId: from });
      expect(await jobLog(id)).toEqual(expect.arrayContaining([`Checksum verified: sha256 ${sha256Of(file)}.`]));
    }
  });

  it('copies without the portal sending a byte: the store file can be gone', async () => {
    const imageId = await createStoreImage(admin, file, { name: 'relayed-without-store' });
    expect((await installAndWait(admin, imageId, ids[0]!)).status).toBe('succeeded');
    const stored = localStorePath(
      (await firstRow(getDb().select().from(images).where(eq(images.id, imageId))))!.storeFile!,
    );
    fs.renameSync(stored, `${stored}.away`);
    try {
      const jobIds = [await startInstall(imageId, 1), await startInstall(imageId, 2)];
      for (const id of jobIds) await getJobRunner().waitFor(id);
      for (const [k, id] of jobIds.entries()) {
        expect(await job(id)).toMatchObject({ status: 'succeeded', error: null });
        expect(await jobLog(id)).not.toContainEqual(expect.stringMatching(/Portal streams/));
        expect(sha256Of(onNode(k + 1, imageId))).toBe(sha256Of(file));
        expect((await nodeImageRow(ids[k + 1]!, imageId))!.copiedFromNodeId).not.toBeNull();
      }
    } finally {
      fs.renameSync(`${stored}.away`, stored);
    }
  });

  it('resumes a copy from the partial file: only the rest comes from the seed; stale keys are swept', async () => {
    const imageId = await createStoreImage(admin, file, { name: 'relayed-resume' });
    const seeded = await installAndWait(admin, imageId, ids[0]!);
    expect(seeded.status).toBe('succeeded');
    // A key a job that has ended left behind (its portal died mid-copy), and one of a job this portal
    // does not know (another portal's, perhaps): the first is swept, the second left alone.
    const foreign = crypto.randomUUID();
    const { uid, gid } = fs.statSync(nodes[0]!.imageDir); // the node user's
    if (!fs.existsSync(path.dirname(authorizedKeys()))) fs.mkdirSync(path.dirname(authorizedKeys()), { mode: 0o700 });
    fs.chownSync(path.dirname(authorizedKeys()), uid, gid);
    for (const id of [seeded.id, foreign])
      fs.appendFileSync(
        authorizedKeys(),
        `restrict,command="false" ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIA cbp-relay-${id}\n`,
      );
    const image = (await firstRow(getDb().select().from(images).where(eq(images.id, imageId))))!;
    const half = 4 * MiB;
    const part = onNode(1, imageId, '.part');
    fs.writeFileSync(part, fs.readFileSync(file).subarray(0, half));
    fs.writeFileSync(
      onNode(1, imageId, '.part.source'),
      `image=${image.id} sha256=${image.sha256 ?? ''} md5=${image.md5 ?? ''}`,
    );
    fs.chownSync(part, uid, gid);
    fs.chownSync(onNode(1, imageId, '.part.source'), uid, gid);

    const done = await installAndWait(admin, imageId, ids[1]!);
    expect(done).toMatchObject({ status: 'succeeded', bytesTransferred: 8 * MiB - half });
    expect(sha256Of(onNode(1, imageId))).toBe(sha256Of(file));
    expect(await jobLog(done.id)).toEqual(
      expect.arrayContaining([
        'Resuming: 4.00 MiB of 8.00 MiB are already on the node.',
        'Copied the remaining 4.00 MiB after the partial file.',
      ]),
    );
    expect((await nodeImageRow(ids[1]!, imageId))!.copiedFromNodeId).toBe(ids[0]);
    expect(await jobLog(done.id)).toContain('Removed 1 copy key(s) left on the seed by jobs that ended.');
    expect(relayKeysOf(seeded.id)).toEqual([]);
    expect(relayKeysOf(foreign)).toHaveLength(1);
    fs.writeFileSync(
      authorizedKeys(),
      fs.readFileSync(authorizedKeys(), 'utf8').replace(relayKeysOf(foreign)[0]! + '\n', ''),
    );
  });

  it('cancel stops the copy on the node and takes the key away', async () => {
    const imageId = await createStoreImage(admin, file, { name: 'relayed-cancel' });
    expect((await installAndWait(admin, imageId, ids[0]!)).status).toBe('succeeded');
    const id = await startInstall(imageId, 1);
    const part = onNode(1, imageId, '.part');
    await until(() => fs.existsSync(part) && fs.statSync(part).size > MiB && relayKeysOf(id).length === 1);
    expect(copyRunning(nodes[1]!, nodes[0]!)).toBe(true);
    expectOk(await run(cancelJob, { jobId: id }, admin));
    await getJobRunner().waitFor(id);

    expect((await job(id)).status).toBe('cancelled');
    expect(relayKeysOf(id)).toEqual([]);
    expect(fs.existsSync(part)).toBe(false);
    expect(fs.existsSync(onNode(1, imageId))).toBe(false);
    // The receiver's ssh was stopped, not left to finish: left alone it would run for seconds more.
    await until(() => !copyRunning(nodes[1]!, nodes[0]!), 2000);
    expect(await nodeImageRow(ids[1]!, imageId)).toBeUndefined();
  });

  it('relays a URL image too: the node that downloaded it is the seed, the next copies without downloading', async () => {
    const mirror = await startMirror(scratch, '127.0.0.1');
    try {
      const imageId = await createUrlImage(admin, {
        name: 'relayed-url',
        diskFormat: 'raw',
        sourceUrl: mirror.url('random.raw'),
        sha256: sha256Of(file),
      });
      expect((await installAndWait(admin, imageId, ids[2]!)).status).toBe('succeeded');
      const downloads = mirror.requests.filter((r) => r.startsWith('GET')).length;
      const done = await installAndWait(admin, imageId, ids[1]!);
      expect(done).toMatchObject({ status: 'succeeded', error: null });
      expect(mirror.requests.filter((r) => r.startsWith('GET'))).toHaveLength(downloads);
      expect(sha256Of(path.join(nodes[1]!.imageDir, `${imageId}.raw`))).toBe(sha256Of(file));
      expect((await nodeImageRow(ids[1]!, imageId))!.copiedFromNodeId).toBe(ids[2]);
      expect(await jobLog(done.id)).toContain(`Copied from node ${names[2]} (${nodes[2]!.host}).`);
    } finally {
      await mirror.close();
    }
  });

  it('falls back to a direct install when the node cannot reach the seed, and says so', async () => {
    const imageId = await createStoreImage(admin, file, { name: 'relayed-fallback' });
    expect((await installAndWait(admin, imageId, ids[0]!)).status).toBe('succeeded');
    // The seed's data-center address has nothing listening: the receiver's ssh cannot connect.
    expectOk(await run(setNodeDcAddress, { nodeId: ids[0]!, dcAddress: '127.0.0.214' }, admin));
    try {
      const done = await installAndWait(admin, imageId, ids[2]!);
      expect(done).toMatchObject({ status: 'succeeded', error: null });
      expect(sha256Of(onNode(2, imageId))).toBe(sha256Of(file));
      expect(await pushed(done.id)).toBe(true);
      // Tried twice, each time with a key of its own, before going direct.
      expect((await jobLog(done.id)).filter((m) => /failed \(.*\); trying once more\.$/.test(m))).toHaveLength(1);
      expect((await jobLog(done.id)).find((m) => m.startsWith('Could not copy the image from node'))).toMatch(
        new RegExp(
          `^Could not copy the image from node ${names[0]} \\(127\\.0\\.0\\.214\\): it could not connect to the seed.*Installing directly instead\\.$`,
        ),
      );
      expect((await nodeImageRow(ids[2]!, imageId))!.copiedFromNodeId).toBeNull();
      expect(relayKeysOf(done.id)).toEqual([]);
    } finally {
      expectOk(await run(setNodeDcAddress, { nodeId: ids[0]!, dcAddress: '' }, admin));
    }
  });

  it('installs every node directly when the data center turns relaying off', async () => {
    expectOk(await run(setRelayInstalls, { dataCenterId, relayInstalls: false }, admin));
    try {
      const imageId = await createStoreImage(admin, file, { name: 'relay-off' });
      expect((await installAndWait(admin, imageId, ids[0]!)).status).toBe('succeeded');
      const done = await installAndWait(admin, imageId, ids[1]!);
      expect(done.status).toBe('succeeded');
      expect(await pushed(done.id)).toBe(true);
      expect((await nodeImageRow(ids[1]!, imageId))!.copiedFromNodeId).toBeNull();
    } finally {
      expectOk(await run(setRelayInstalls, { dataCenterId, relayInstalls: true }, admin));
    }
  });
});

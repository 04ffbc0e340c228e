import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { UserContext } from '@/lib/auth/policy';
import { getDb, firstRow } from '@/lib/db/client';
import { auditEvents, images, jobEvents, jobs, nodes } from '@/lib/db/tables';
import { installImage } from '@/lib/install/operations';
import { getJobRunner } from '@/lib/jobs/runner';
import type { FixtureImage } from '@/scripts/lib/fixture-image';
import type { Mirror } from '@/scripts/lib/mirror';
import type { SshNode } from '@/scripts/lib/sshd-node';
import { createUrlImage, expectOk, installAndWait, run, until, nodeImageRow } from '../support/portal';
import { startMirroredNode, type MirroredNode } from '../support/mirrored-node';

const sha256Of = (file: string) => crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex');

describe('installing an image on a real sshd node (pull mode)', async () => {
  let node: SshNode;
  let mirror: Mirror;
  let qcow2: FixtureImage;
  let admin: UserContext;
  let nodeId: string;

  let world: MirroredNode;
  beforeAll(async () => {
    world = await startMirroredNode({ host: '127.0.0.21', imageName: 'tiny.qcow2' });
    ({ node, mirror, image: qcow2, admin, nodeId } = world);
  });
  afterAll(() => world.stop());

  const nodeImage = (imageId: string) => nodeImageRow(nodeId, imageId);
  const filesOnNode = () => fs.readdirSync(node.imageDir).sort();
  const nodeName = async () => (await firstRow(getDb().select().from(nodes).where(eq(nodes.id, nodeId))))!.name;

  it('downloads on the node, verifies, commits atomically with a sidecar, and records the result', async () => {
    const imageId = await createUrlImage(admin, {
      name: 'tiny',
      version: '1.0',
      sourceUrl: mirror.url('tiny.qcow2'),
      sha256: qcow2.sha256,
    });
    const job = await installAndWait(admin, imageId, nodeId);

    expect(job.error).toBeNull();
    expect(job.status).toBe('succeeded');
    const file = path.join(node.imageDir, `${imageId}.qcow2`);
    // The file on the node is the mirror's file, byte for byte, and nothing else is left over.
    expect(sha256Of(file)).toBe(qcow2.sha256);
    expect(fs.readFileSync(file).subarray(0, 4).toString('latin1')).toBe('QFI\xfb');
    // Named by the image's id, which never changes, never by its name.
    expect(filesOnNode()).toEqual([`${imageId}.qcow2`, `${imageId}.qcow2.manifest.json`]);

    const manifest = JSON.parse(fs.readFileSync(`${file}.manifest.json`, 'utf8'));
    expect(manifest).toMatchObject({
      imageId,
      name: 'tiny',
      version: '1.0',
      sha256: qcow2.sha256,
      sizeBytes: qcow2.sizeBytes,
      jobId: job.id,
    });

    expect(await nodeImage(imageId)).toMatchObject({
      state: 'installed',
      available: true,
      path: file,
      verifiedSha256: qcow2.sha256,
      lastJobId: job.id,
    });
    expect(job.bytesDone).toBe(qcow2.sizeBytes);
    // The size was not given; the first verified install taught it to the catalogue.
    expect((await firstRow(getDb().select().from(images).where(eq(images.id, imageId))))!.sizeBytes).toBe(
      qcow2.sizeBytes,
    );

    const log = (await getDb().select().from(jobEvents).where(eq(jobEvents.jobId, job.id))).map((e) => e.message);
    const phases = log.map((m) => /^Phase (\w+)/.exec(m)?.[1]).filter(Boolean);
    expect(phases).toEqual(['connect', 'preflight', 'transfer', 'verify', 'commit', 'record']);
    const audit = await getDb()
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.action, 'image.install'), eq(auditEvents.targetId, imageId)));
    expect(audit).toHaveLength(1);
    expect(audit[0]!.outcome).toBe('ok');
  });

  it('verifies an md5-only image too', async () => {
    const imageId = await createUrlImage(admin, {
      name: 'tiny-md5',
      sourceUrl: mirror.url('tiny.qcow2'),
      md5: qcow2.md5,
    });
    const job = await installAndWait(admin, imageId, nodeId);
    expect(job.status).toBe('succeeded');
    expect(sha256Of(path.join(node.imageDir, `${imageId}.qcow2`))).toBe(qcow2.sha256);
  });

  it('fails on a checksum mismatch and leaves nothing behind', async () => {
    const before = filesOnNode();
    const wrong = crypto.createHash('sha256').update('not the image').digest('hex');
    const imageId = await createUrlImage(admin, {
      name: 'tampered',
      sourceUrl: mirror.url('tiny.qcow2'),
      sha256: wrong,
    });
    const job = await installAndWait(admin, imageId, nodeId);

    expect(job.status).toBe('failed');
    expect(job.error).toMatch(`Checksum mismatch: sha256 expected ${wrong}, node computed ${qcow2.sha256}`);
    expect(filesOnNode()).toEqual(before);
    expect(await nodeImage(imageId)).toMatchObject({ state: 'failed', available: false });
  });

  it('fails clearly on an unreachable URL, leaving no .part', async () => {
    const before = filesOnNode();
    const imageId = await createUrlImage(admin, {
      name: 'unreachable',
      sourceUrl: 'http://127.0.0.1:9/nothing.qcow2',
      sha256: qcow2.sha256,
    });
    const job = await installAndWait(admin, imageId, nodeId);

    expect(job.status).toBe('failed');
    expect(job.error).toMatch(/The download failed on the node: curl: \(7\)/);
    expect(filesOnNode()).toEqual(before);
    expect((await nodeImage(imageId))!.state).toBe('failed');
  });

  it('fails clearly when the URL answers 404 after the image was created, never sizing it by the error page', async () => {
    // The URL answers when the image is created (the create check asks it), and 404s by the install,
    // with an error page that claims a petabyte: taken for the image's size, preflight would refuse
    // the install for want of disk space instead of saying what is wrong.
    let gone = false;
    const server = http.createServer((req, res) => {
      if (!gone) return void res.writeHead(200).end(); // no size: preflight asks the URL for it
      res.writeHead(404, { 'Content-Length': 2 ** 50 }).end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const imageId = await createUrlImage(admin, {
        name: 'gone',
        sourceUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}/gone.qcow2`,
        sha256: qcow2.sha256,
      });
      expect((await firstRow(getDb().select().from(images).where(eq(images.id, imageId))))!.sizeBytes).toBeNull();
      gone = true;
      const job = await installAndWait(admin, imageId, nodeId);
      expect(job.status).toBe('failed');
      expect(job.error).toMatch(/The download failed on the node: curl: \(22\) .*404/);
      expect(filesOnNode()).not.toContain(`${imageId}.qcow2.part`);
    } finally {
      server.closeAllConnections();
      server.close();
    }
  });

  it('retries a download cut off halfway, resuming each time, then fails and removes the partial file', async () => {
    const before = filesOnNode();
    const requestsBefore = mirror.requests.length;
    const imageId = await createUrlImage(admin, {
      name: 'truncated',
      sourceUrl: `${mirror.url('tiny.qcow2')}?truncate`,
      sha256: qcow2.sha256,
    });
    const job = await installAndWait(admin, imageId, nodeId);

    expect(job).toMatchObject({ status: 'failed', attempt: 3, maxAttempts: 3 });
    expect(job.error).toMatch(/The download failed on the node: curl: \(18\)/);
    expect(filesOnNode()).toEqual(before);
    // The mirror cuts every response in half: each retry asked only for what was still missing.
    const ranges = mirror.requests
      .slice(requestsBefore)
      .filter((r) => r.startsWith('GET'))
      .map((r) => Number(/range=bytes=(\d+)-/.exec(r)?.[1] ?? 0));
    expect(ranges).toHaveLength(3);
    expect(ranges[0]).toBe(0);
    expect(ranges[1]).toBeGreaterThan(0);
    expect(ranges[2]).toBeGreaterThan(ranges[1]!);
    const log = (await getDb().select().from(jobEvents).where(eq(jobEvents.jobId, job.id))).map((e) => e.message);
    expect(log.filter((m) => /Retrying in .* it resumes where it stopped/.test(m))).toHaveLength(2);
    expect(log).toContain('Removed the partial transfer from the node.');
  });

  it('refuses to install again over an installed image', async () => {
    const imageId = await createUrlImage(admin, {
      name: 'installed-once',
      sourceUrl: mirror.url('tiny.qcow2'),
      sha256: qcow2.sha256,
    });
    expect((await installAndWait(admin, imageId, nodeId)).status).toBe('succeeded');
    const again = await run(installImage, { imageId, nodeId }, admin);
    expect(again).toMatchObject({
      ok: false,
      code: 'conflict',
      error: `installed-once is already installed on ${await nodeName()}.`,
    });
    expect(await nodeImage(imageId)).toMatchObject({ state: 'installed', available: true });
  });

  it('refuses in preflight when the image does not fit on the node', async () => {
    const before = mirror.requests.length;
    const imageId = await createUrlImage(admin, {
      name: 'huge',
      sourceUrl: mirror.url('tiny.qcow2'),
      sha256: qcow2.sha256,
    });
    // The create check refuses a size the server contradicts, so the petabyte is set behind it.
    await getDb()
      .update(images)
      .set({ sizeBytes: 2 ** 50 })
      .where(eq(images.id, imageId));
    const job = await installAndWait(admin, imageId, nodeId);

    expect(job.status).toBe('failed');
    expect(job.error).toMatch(
      /Not enough disk space on node-\d+: .* free in .*, the image needs 1\.00 PiB more plus a/,
    );
    expect(mirror.requests.slice(before).filter((r) => r.startsWith('GET'))).toEqual([]); // nothing was downloaded
    expect((await nodeImage(imageId))!.state).toBe('failed');
  });

  it('refuses a second install of the same image on the same node while one is active', async () => {
    const imageId = await createUrlImage(admin, {
      name: 'twice',
      sourceUrl: mirror.url('tiny.qcow2'),
      sha256: qcow2.sha256,
    });
    const first = await run(installImage, { imageId, nodeId }, admin);
    const second = await run(installImage, { imageId, nodeId }, admin);
    expect(first).toMatchObject({ ok: true, data: { jobId: expect.any(String) } });
    const jobId = first.ok ? first.data.jobId : '';
    const nodeName = (await firstRow(getDb().select().from(nodes).where(eq(nodes.id, nodeId))))!.name;
    expect(second).toMatchObject({ ok: false, code: 'conflict' });
    // Queued or already started: the runner may have picked the first job up in between.
    expect(!second.ok && second.error).toMatch(
      new RegExp(`^An install of twice on ${nodeName} is already (queued|running) \\(job ${jobId}\\)\\.$`),
    );
    const active = await getDb().select().from(jobs).where(eq(jobs.imageId, imageId));
    expect(active.map((j) => ({ id: j.id, nodeId: j.nodeId, kind: j.kind }))).toEqual([
      { id: jobId, nodeId, kind: 'install' },
    ]);
    if (first.ok) await getJobRunner().waitFor(first.data.jobId);
  });

  it('resumes from the .part after sshd is killed mid-transfer, and the file on the node is right', async () => {
    const imageId = await createUrlImage(admin, {
      name: 'node-goes-down',
      sourceUrl: `${mirror.url('tiny.qcow2')}?rate=${2 * 1024 * 1024}`,
      sha256: qcow2.sha256,
    });
    const before = mirror.requests.length;
    const { jobId } = expectOk(await run(installImage, { imageId, nodeId }, admin));
    const part = path.join(node.imageDir, `${imageId}.qcow2.part`);
    await until(() => fs.existsSync(part) && fs.statSync(part).size > qcow2.sizeBytes / 4);
    await node.stop(); // kills sshd and every session it has, as a crash would
    const job = async () => (await firstRow(getDb().select().from(jobs).where(eq(jobs.id, jobId))))!;
    await until(async () => (await job()).status === 'queued' && (await job()).attempt === 1);
    const kept = fs.statSync(part).size;
    await node.restart();
    await getJobRunner().waitFor(jobId);

    expect(await job()).toMatchObject({ status: 'succeeded', error: null });
    expect(sha256Of(path.join(node.imageDir, `${imageId}.qcow2`))).toBe(qcow2.sha256);
    // The next attempt asked the mirror only for the bytes the .part lacked.
    const gets = mirror.requests.slice(before).filter((r) => r.startsWith('GET'));
    const resumedAt = Number(/range=bytes=(\d+)-$/.exec(gets.at(-1) ?? '')?.[1]);
    expect(resumedAt).toBeGreaterThanOrEqual(kept);
    expect((await job()).bytesTransferred).toBeLessThan(qcow2.sizeBytes * 1.05);
    expect(await nodeImage(imageId)).toMatchObject({ state: 'installed', available: true });
  });

  it('fails for good when the node stays down through every attempt, marking nothing installed', async () => {
    const imageId = await createUrlImage(admin, {
      name: 'node-stays-down',
      sourceUrl: `${mirror.url('tiny.qcow2')}?rate=${2 * 1024 * 1024}`,
      sha256: qcow2.sha256,
    });
    const { jobId } = expectOk(await run(installImage, { imageId, nodeId }, admin));
    const part = path.join(node.imageDir, `${imageId}.qcow2.part`);
    await until(() => fs.existsSync(part) && fs.statSync(part).size > 0);
    await node.stop();
    await getJobRunner().waitFor(jobId);
    await node.restart();

    const job = (await firstRow(getDb().select().from(jobs).where(eq(jobs.id, jobId))))!;
    expect(job).toMatchObject({ status: 'failed', attempt: job.maxAttempts });
    expect(job.error).toMatch(/Could not connect to .*refused/);
    expect(await nodeImage(imageId)).toMatchObject({ state: 'failed', available: false });
    expect(fs.existsSync(path.join(node.imageDir, `${imageId}.qcow2`))).toBe(false);
  });

  it('fails the job when the node presents a different host key, and marks nothing installed', async () => {
    const imageId = await createUrlImage(admin, {
      name: 'after-rekey',
      sourceUrl: mirror.url('tiny.qcow2'),
      sha256: qcow2.sha256,
    });
    node.regenerateHostKey();
    await node.restart();
    const job = await installAndWait(admin, imageId, nodeId);

    expect(job.status).toBe('failed');
    expect(job.error).toMatch(/Host key mismatch .* The connection was refused/);
    expect(fs.existsSync(path.join(node.imageDir, `${imageId}.qcow2`))).toBe(false);
    expect((await nodeImage(imageId))!.state).toBe('failed');
  });
});

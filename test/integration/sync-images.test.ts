import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { UserContext } from '@/lib/auth/policy';
import { getDb, firstRow } from '@/lib/db/client';
import { auditEvents, jobs, nodeImages } from '@/lib/db/tables';
import { getJobRunner } from '@/lib/jobs/runner';
import { startImageSync } from '@/lib/sync/operations';
import { registerImageHref, type SyncImagesResult } from '@/lib/sync/result';
import type { FixtureImage } from '@/scripts/lib/fixture-image';
import type { Mirror } from '@/scripts/lib/mirror';
import { SshNode } from '@/scripts/lib/sshd-node';
import { startSshWorld, type SshWorld } from '../support/ssh-world';
import { createUrlImage, createUserWithRole, expectOk, installAndWait, registerSshNode, run } from '../support/portal';

/**
 * Sync Available Images against real sshd nodes: the files on the nodes are changed by hand, as an
 * operator (or a failing disk) would, and the sync must bring the node-image rows back to the truth.
 */
describe('Sync Available Images on real sshd nodes', async () => {
  let world: SshWorld;
  let sshNodes: SshNode[];
  let nodeIds: string[];
  let mirror: Mirror;
  let qcow2: FixtureImage;
  let admin: UserContext;
  let dataCenterId: string;
  let imageId: string;

  beforeAll(async () => {
    world = await startSshWorld({ hosts: ['127.0.0.91', '127.0.0.92'], fixtureName: 'synced.qcow2' });
    ({ sshNodes, nodeIds, mirror, qcow2, admin, dataCenterId } = world);
    imageId = await createUrlImage(admin, {
      name: 'synced',
      sourceUrl: mirror.url('synced.qcow2'),
      sha256: qcow2.sha256,
    });
    const install = await installAndWait(admin, imageId, nodeIds[0]!);
    expect(install.status).toBe('succeeded');
  });
  afterAll(async () => {
    await world.stop();
  });

  const fileOn = (i: number, name: string) => path.join(sshNodes[i]!.imageDir, name);
  /** The installed image's file on node i: named by the image's id. */
  const imageFileOn = (i: number) => fileOn(i, `${imageId}.qcow2`);
  const rowOn = async (i: number) =>
    await firstRow(
      getDb()
        .select()
        .from(nodeImages)
        .where(and(eq(nodeImages.nodeId, nodeIds[i]!), eq(nodeImages.imageId, imageId))),
    );
  const reportOf = (result: SyncImagesResult, i: number) => result.nodes.find((n) => n.nodeId === nodeIds[i])!;
  const sync = async (verify = false, user = admin): Promise<SyncImagesResult> => {
    const { jobId } = expectOk(await run(startImageSync, { dataCenterId, verify }, user));
    await getJobRunner().waitFor(jobId);
    const job = (await firstRow(getDb().select().from(jobs).where(eq(jobs.id, jobId))))!;
    expect(job).toMatchObject({ status: 'succeeded', kind: 'sync-images', dataCenterId });
    return job.result as SyncImagesResult;
  };
  /** Puts a copy of node 0's installed file and its real sidecar on another node, by hand. */
  const copyInstalled = (from: number, to: number) => {
    for (const name of [`${imageId}.qcow2`, `${imageId}.qcow2.manifest.json`])
      fs.copyFileSync(fileOn(from, name), fileOn(to, name));
  };

  it('finds installed images: a row wrongly marked missing comes back, and a copy put on a node by hand is recorded, not offered', async () => {
    await getDb().update(nodeImages).set({ state: 'missing', available: false }).where(eq(nodeImages.imageId, imageId));
    copyInstalled(0, 1);

    const result = await sync();
    expect(reportOf(result, 0).error).toBeUndefined();
    // Node 0's file is the one the install hashed (same size and mtime): no need to hash it again.
    expect(reportOf(result, 0)).toMatchObject({
      found: [{ imageId, fileName: `${imageId}.qcow2`, added: false, sizeBytes: qcow2.sizeBytes, verified: false }],
      missing: [],
      unknown: [],
    });
    // The copy is only a sidecar's claim until the node has hashed it, which this sync did.
    expect(reportOf(result, 1).found).toMatchObject([{ imageId, added: true, verified: true }]);
    expect(await rowOn(0)).toMatchObject({ state: 'installed', available: false, path: imageFileOn(0) });
    // Finding a file is not an admin offering it: the new row is installed but not available.
    expect(await rowOn(1)).toMatchObject({
      state: 'installed',
      available: false,
      path: imageFileOn(1),
      verifiedSha256: qcow2.sha256,
      verifiedSizeBytes: qcow2.sizeBytes,
    });
  });

  it('believes files, not claims: a corrupted copy with a genuine sidecar is hashed and marked failed, never installed', async () => {
    const other = await createUrlImage(admin, {
      name: 'claimed',
      sourceUrl: mirror.url('synced.qcow2'),
      sha256: qcow2.sha256,
    });
    expect((await installAndWait(admin, other, nodeIds[0]!)).status).toBe('succeeded');
    const bytes = fs.readFileSync(fileOn(0, `${other}.qcow2`));
    bytes[bytes.length - 1] = bytes[bytes.length - 1]! ^ 0xff; // same size, so the sidecar's size still agrees
    fs.writeFileSync(fileOn(1, `${other}.qcow2`), bytes);
    fs.copyFileSync(fileOn(0, `${other}.qcow2.manifest.json`), fileOn(1, `${other}.qcow2.manifest.json`));

    const report = reportOf(await sync(), 1);
    const corrupted = crypto.createHash('sha256').update(bytes).digest('hex');
    expect(report.failed).toContainEqual({
      imageId: other,
      imageName: 'claimed',
      fileName: `${other}.qcow2`,
      reason: `checksum mismatch: the node computed sha256 ${corrupted}, expected ${qcow2.sha256}`,
    });
    const row = await firstRow(
      getDb()
        .select()
        .from(nodeImages)
        .where(and(eq(nodeImages.nodeId, nodeIds[1]!), eq(nodeImages.imageId, other))),
    );
    expect(row).toMatchObject({ state: 'failed', available: false, verifiedSha256: null });
    // Leave the nodes as the other tests expect them: only `synced` on them.
    for (const i of [0, 1])
      for (const suffix of ['', '.manifest.json']) fs.rmSync(fileOn(i, `${other}.qcow2${suffix}`));
    await getDb().delete(nodeImages).where(eq(nodeImages.imageId, other));
  });

  it('keeps an installed row available as it was, and marks a file deleted by hand missing', async () => {
    await getDb().update(nodeImages).set({ available: true }).where(eq(nodeImages.imageId, imageId));
    fs.rmSync(imageFileOn(1));

    const result = await sync();
    expect(await rowOn(0)).toMatchObject({ state: 'installed', available: true });
    expect(await rowOn(1)).toMatchObject({ state: 'missing', available: false });
    expect(reportOf(result, 1).missing).toEqual([{ imageId, imageName: 'synced', path: imageFileOn(1) }]);
    // The sidecar left behind without its file is reported too.
    expect(reportOf(result, 1).unreadable).toEqual([
      { fileName: `${imageId}.qcow2.manifest.json`, reason: 'the image file beside it is not there' },
    ]);
    expect(reportOf(result, 0).missing).toEqual([]);
  });

  it('reports a sidecar of an image the portal does not know, with a prefilled Register link, and adopts nothing', async () => {
    const hostile = "odd 'name' with; $(touch pwned) `id`.raw";
    const sidecar = {
      manifestVersion: 1,
      imageId: crypto.randomUUID(),
      name: 'foreign-os',
      alias: 'foreign',
      version: '7.1',
      diskFormat: 'raw',
      containerFormat: 'bare',
      sizeBytes: 3,
      sha256: 'a'.repeat(64),
      md5: null,
      fileName: hostile,
      installedAt: new Date().toISOString(),
      jobId: 'elsewhere',
    };
    fs.writeFileSync(fileOn(1, hostile), 'abc');
    fs.writeFileSync(fileOn(1, `${hostile}.manifest.json`), JSON.stringify(sidecar));
    fs.writeFileSync(fileOn(1, 'garbage.raw.manifest.json'), '{"manifestVersion": 1, "imageId": ');
    const rowsBefore = (await getDb().select().from(nodeImages)).length;

    const report = reportOf(await sync(), 1);
    expect(report.unknown).toEqual([
      {
        fileName: hostile,
        filePresent: true,
        imageId: sidecar.imageId,
        name: 'foreign-os',
        alias: 'foreign',
        version: '7.1',
        diskFormat: 'raw',
        containerFormat: 'bare',
        sizeBytes: 3,
        sha256: 'a'.repeat(64),
        md5: null,
      },
    ]);
    expect(report.unreadable).toContainEqual({ fileName: 'garbage.raw.manifest.json', reason: 'not valid JSON' });
    expect(await getDb().select().from(nodeImages)).toHaveLength(rowsBefore);
    expect(fs.existsSync(path.join(sshNodes[1]!.imageDir, 'pwned'))).toBe(false);
    const href = new URL(registerImageHref(report.unknown[0]!), 'http://portal');
    expect(href.pathname).toBe('/images/new');
    expect(Object.fromEntries(href.searchParams)).toEqual({
      name: 'foreign-os',
      alias: 'foreign',
      version: '7.1',
      diskFormat: 'raw',
      containerFormat: 'bare',
      sha256: 'a'.repeat(64),
      sizeBytes: '3',
    });
  });

  it('verify checksums: a file corrupted in place (same size) after it was found passes a plain sync and fails a verifying one', async () => {
    copyInstalled(0, 1);
    expect(reportOf(await sync(), 1).found).toMatchObject([{ imageId, verified: true }]);
    const bytes = fs.readFileSync(imageFileOn(1));
    bytes[bytes.length - 1] = bytes[bytes.length - 1]! ^ 0xff;
    fs.writeFileSync(imageFileOn(1), bytes);

    // An installed row stays so on a plain sync: only rows the sync makes installed need a fresh hash.
    expect(reportOf(await sync(), 1).found).toMatchObject([{ imageId, verified: false }]);
    expect(await rowOn(1)).toMatchObject({ state: 'installed' });

    const result = await sync(true);
    const corrupted = crypto.createHash('sha256').update(bytes).digest('hex');
    expect(reportOf(result, 1).failed).toEqual([
      {
        imageId,
        imageName: 'synced',
        fileName: `${imageId}.qcow2`,
        reason: `checksum mismatch: the node computed sha256 ${corrupted}, expected ${qcow2.sha256}`,
      },
    ]);
    expect(await rowOn(1)).toMatchObject({ state: 'failed', available: false });
    expect(reportOf(result, 0).found).toMatchObject([{ imageId, verified: true }]);
    expect(await rowOn(0)).toMatchObject({ state: 'installed', available: true, verifiedSha256: qcow2.sha256 });
  });

  it('reports a node whose sshd is down and still syncs the others', async () => {
    const down = await SshNode.start({ host: '127.0.0.93' });
    sshNodes.push(down);
    const downId = (await registerSshNode(admin, dataCenterId, down)).nodeId;
    nodeIds.push(downId);
    await down.stop();
    fs.rmSync(imageFileOn(0));

    const result = await sync();
    expect(reportOf(result, 2).error).toMatch(/ECONNREFUSED|refused|connect/i);
    expect(await rowOn(0)).toMatchObject({ state: 'missing', available: false });
    expect(reportOf(result, 0).missing).toMatchObject([{ imageId }]);
  });

  it('refuses a DCAdmin, and audits the refusal as denied', async () => {
    const dcAdmin = await createUserWithRole('DCAdmin', dataCenterId);
    const jobsBefore = (await getDb().select().from(jobs)).length;
    const refused = await run(startImageSync, { dataCenterId, verify: false }, dcAdmin);
    expect(refused).toMatchObject({ ok: false, code: 'forbidden' });
    expect(await getDb().select().from(jobs)).toHaveLength(jobsBefore);
    const audit = await getDb()
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.action, 'datacenter.sync-images'), eq(auditEvents.userId, dcAdmin.id)));
    expect(audit).toMatchObject([{ outcome: 'denied', targetId: dataCenterId, dataCenterId }]);
  });
});

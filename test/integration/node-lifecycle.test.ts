// Connection failures count against a node; two in a row put it in `error` here (the default is 3).
process.env.PORTAL_NODE_ERROR_AFTER_FAILURES = '2';

import { and, desc, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { UserContext } from '@/lib/auth/policy';
import { now } from '@/lib/clock';
import { getDb, firstRow } from '@/lib/db/client';
import { auditEvents, nodeImages, nodes } from '@/lib/db/tables';
import { installImage } from '@/lib/install/operations';
import { readNodeHostKey, repinNodeHostKey } from '@/lib/nodes/host-key';
import { testNodeConnection } from '@/lib/nodes/operations';
import { getNodeDetails } from '@/lib/nodes/queries';
import { decommissionNode, enableNode, putNodeInMaintenance } from '@/lib/nodes/status';
import { SshNode } from '@/scripts/lib/sshd-node';
import {
  createDataCenterAs,
  createSuperAdmin,
  createUrlImage,
  createUserWithRole,
  expectOk,
  registerSshNode,
  run,
} from '../support/portal';

const SHA256 = 'a'.repeat(64);

describe('node lifecycle on real sshd nodes', async () => {
  let admin: UserContext;
  let dataCenterId: string;
  const started: SshNode[] = [];
  /** Each test its own node, on this file's addresses 127.0.0.81–89. */
  const startNode = async () => {
    const node = await SshNode.start({ host: `127.0.0.${81 + started.length}` });
    started.push(node);
    return node;
  };
  const row = async (nodeId: string) => (await firstRow(getDb().select().from(nodes).where(eq(nodes.id, nodeId))))!;
  const lastAudit = async (action: string) =>
    await firstRow(
      getDb().select().from(auditEvents).where(eq(auditEvents.action, action)).orderBy(desc(auditEvents.id)),
    );
  const tryInstall = async (nodeId: string, name: string) =>
    run(
      installImage,
      {
        imageId: await createUrlImage(admin, { name, sourceUrl: `http://127.0.0.1:9/${name}.qcow2`, sha256: SHA256 }),
        nodeId,
      },
      admin,
    );

  beforeAll(async () => {
    admin = await createSuperAdmin();
    dataCenterId = await createDataCenterAs(admin);
  });
  afterAll(() => Promise.all(started.map((n) => n.stop())));

  it('puts a node whose sshd is down in error after N failed connections; only Enable brings it back', async () => {
    const node = await startNode();
    const { nodeId } = await registerSshNode(admin, dataCenterId, node, 'flaky');
    await node.stop();

    expect((await run(testNodeConnection, { nodeId }, admin)).ok).toBe(false);
    expect(await row(nodeId)).toMatchObject({ status: 'enabled', consecutiveFailures: 1 });
    expect((await run(testNodeConnection, { nodeId }, admin)).ok).toBe(false);
    const failed = await row(nodeId);
    expect(failed).toMatchObject({ status: 'error', consecutiveFailures: 2 });
    expect(failed.lastError).toMatch(/Could not connect to 127\.0\.0\.81:\d+: the connection was refused/);
    expect(failed.statusReason).toMatch(/2 connections in a row failed/);
    expect(await lastAudit('node.error')).toMatchObject({ targetId: nodeId, outcome: 'error', userId: null });
    expect(await tryInstall(nodeId, 'to-error-node')).toMatchObject({
      ok: false,
      error: expect.stringMatching(
        /is in error \(2 connections in a row failed; enable the node once it is fixed\); only enabled nodes/,
      ),
    });

    // The node answers again: seen, counter reset, but still in error with the error that put it there.
    await node.restart();
    const seenBefore = failed.lastSeenAt!.getTime();
    expectOk(await run(testNodeConnection, { nodeId }, admin));
    const recovered = await row(nodeId);
    expect(recovered).toMatchObject({ status: 'error', consecutiveFailures: 0, lastError: failed.lastError });
    expect(recovered.lastSeenAt!.getTime()).toBeGreaterThan(seenBefore);

    expect(expectOk(await run(enableNode, { nodeId }, admin))).toEqual({ previous: 'error' });
    expect(await row(nodeId)).toMatchObject({ status: 'enabled', statusReason: null, consecutiveFailures: 0 });
    expect(await lastAudit('node.enable')).toMatchObject({ targetId: nodeId, outcome: 'ok', dataCenterId });
    // Enable is only for nodes out of service.
    expect(await run(enableNode, { nodeId }, admin)).toMatchObject({
      ok: false,
      error: expect.stringMatching(/is enabled; only a node that is maintenance or error/),
    });
  });

  it('keeps a node in maintenance there however often it fails, and requires a reason to put it there', async () => {
    const node = await startNode();
    const { nodeId } = await registerSshNode(admin, dataCenterId, node, 'serviced');

    const blank = await run(putNodeInMaintenance, { nodeId, reason: '   ' }, admin);
    expect(blank).toMatchObject({
      ok: false,
      code: 'invalid',
      fieldErrors: { reason: ['Say why the node goes into maintenance.'] },
    });
    expect((await row(nodeId)).status).toBe('enabled');

    expectOk(await run(putNodeInMaintenance, { nodeId, reason: 'Replacing a disk (ticket 4711)' }, admin));
    expect((await getNodeDetails(admin, nodeId))!.node).toMatchObject({
      status: 'maintenance',
      statusReason: 'Replacing a disk (ticket 4711)',
    });
    expect((await lastAudit('node.maintenance'))!.details).toMatchObject({
      from: 'enabled',
      reason: 'Replacing a disk (ticket 4711)',
    });
    expect(await tryInstall(nodeId, 'to-maintenance-node')).toMatchObject({
      ok: false,
      error: expect.stringMatching(/is in maintenance \(Replacing a disk \(ticket 4711\)\); only enabled nodes/),
    });

    await node.stop();
    for (let i = 0; i < 3; i++) expect((await run(testNodeConnection, { nodeId }, admin)).ok).toBe(false);
    expect(await row(nodeId)).toMatchObject({ status: 'maintenance', consecutiveFailures: 3 });
    await node.restart();

    expectOk(await run(enableNode, { nodeId }, admin));
    expect(await row(nodeId)).toMatchObject({ status: 'enabled', statusReason: null, consecutiveFailures: 0 });
  });

  it('refuses a changed host key on every connection until re-pinned, and refuses a key that changed again', async () => {
    const node = await startNode();
    const { nodeId, fingerprint: original } = await registerSshNode(admin, dataCenterId, node, 'rekeyed');
    node.regenerateHostKey();
    await node.restart();
    const replaced = node.hostKeyFingerprint;
    expect(replaced).not.toBe(original);

    const refused = await run(testNodeConnection, { nodeId }, admin);
    expect(refused).toMatchObject({
      ok: false,
      error: expect.stringMatching(/Host key mismatch .* an admin must re-pin/),
    });
    expect((await row(nodeId)).lastError).toMatch(`the node presented ${replaced} but ${original} is pinned`);

    // Step one shows both; nothing changes yet.
    expect(expectOk(await run(readNodeHostKey, { nodeId }, admin))).toEqual({ pinned: original, presented: replaced });
    expect((await row(nodeId)).hostKeyFingerprint).toBe(original);

    // The key changes again before the admin confirms: the confirmed fingerprint is no longer what the node shows.
    node.regenerateHostKey();
    await node.restart();
    const again = node.hostKeyFingerprint;
    const stale = await run(repinNodeHostKey, { nodeId, fingerprint: replaced }, admin);
    expect(stale).toMatchObject({
      ok: false,
      error: expect.stringContaining(`now presents ${again}, not the ${replaced} you confirmed`),
    });
    expect((await row(nodeId)).hostKeyFingerprint).toBe(original);
    expect((await run(testNodeConnection, { nodeId }, admin)).ok).toBe(false);

    expectOk(await run(repinNodeHostKey, { nodeId, fingerprint: again }, admin));
    expect((await row(nodeId)).hostKeyFingerprint).toBe(again);
    expect(await lastAudit('node.host-key.repin')).toMatchObject({
      outcome: 'ok',
      targetId: nodeId,
      details: { oldFingerprint: original, newFingerprint: again },
    });
    expectOk(await run(testNodeConnection, { nodeId }, admin));
    expect(await run(repinNodeHostKey, { nodeId, fingerprint: again }, admin)).toMatchObject({
      ok: false,
      error: expect.stringMatching(/already the pinned host key/),
    });
  });

  it('decommissions after confirmation: its images become unavailable and it accepts no installs', async () => {
    const node = await startNode();
    const { nodeId } = await registerSshNode(admin, dataCenterId, node, 'retired');
    const imageId = await createUrlImage(admin, {
      name: 'on-retired',
      sourceUrl: 'http://127.0.0.1:9/on-retired.qcow2',
      sha256: SHA256,
    });
    await getDb()
      .insert(nodeImages)
      .values({
        nodeId,
        imageId,
        state: 'installed',
        available: true,
        path: `${node.imageDir}/on-retired.qcow2`,
        installedAt: now(),
        updatedAt: now(),
      });

    const unconfirmed = await run(decommissionNode, { nodeId }, admin);
    expect(unconfirmed).toMatchObject({
      ok: false,
      error: expect.stringMatching(/has 1 installed image\(s\); confirm/),
    });
    expect((await row(nodeId)).status).toBe('enabled');

    expect(expectOk(await run(decommissionNode, { nodeId, confirmed: 'on' }, admin))).toEqual({
      previous: 'enabled',
      installedImages: 1,
    });
    expect((await row(nodeId)).status).toBe('decommissioned');
    const ni = (await firstRow(
      getDb()
        .select()
        .from(nodeImages)
        .where(and(eq(nodeImages.nodeId, nodeId), eq(nodeImages.imageId, imageId))),
    ))!;
    expect(ni).toMatchObject({ state: 'installed', available: false });
    expect(await tryInstall(nodeId, 'to-retired-node')).toMatchObject({
      ok: false,
      error: expect.stringMatching(/is decommissioned; only enabled nodes/),
    });
    expect(await run(enableNode, { nodeId }, admin)).toMatchObject({
      ok: false,
      error: expect.stringMatching(/is decommissioned/),
    });
    expect(await run(putNodeInMaintenance, { nodeId, reason: 'x' }, admin)).toMatchObject({ ok: false });
  });

  it('refuses every status and host-key action to a DCAdmin of the node’s own data center, audited as denied', async () => {
    const node = await startNode();
    const { nodeId } = await registerSshNode(admin, dataCenterId, node, 'guarded');
    const dcAdmin = await createUserWithRole('DCAdmin', dataCenterId);
    const attempts = [
      [enableNode, { nodeId }],
      [putNodeInMaintenance, { nodeId, reason: 'mine now' }],
      [decommissionNode, { nodeId, confirmed: true }],
      [readNodeHostKey, { nodeId }],
      [repinNodeHostKey, { nodeId, fingerprint: node.hostKeyFingerprint }],
    ] as const;
    for (const [op, input] of attempts) {
      const result = await run(op as typeof enableNode, input, dcAdmin);
      expect(result).toMatchObject({
        ok: false,
        code: 'forbidden',
        error: expect.stringMatching(/You may not manage data centers, nodes, credentials/),
      });
      expect(await lastAudit(op.name)).toMatchObject({
        userId: dcAdmin.id,
        outcome: 'denied',
        targetId: nodeId,
        dataCenterId,
      });
    }
    expect(await row(nodeId)).toMatchObject({ status: 'enabled', statusReason: null });
  });
});

import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getDb, firstRow } from '@/lib/db/client';
import { images } from '@/lib/db/tables';
import { changeImageLifecycle, createImage, setImageAttachment } from '@/lib/images/operations';
import { startSshWorld, type SshWorld } from '../support/ssh-world';
import { expectOk, installAndWait, run } from '../support/portal';

/**
 * Safer defaults when an image is created from a URL: private unless said otherwise, the URL asked
 * for its status and size first (a 404 refused, an unreachable URL saved only when the user says
 * so), and `unverified` until a real node has hashed the file.
 */
describe('creating a URL image', async () => {
  let world: SshWorld;

  beforeAll(async () => {
    world = await startSshWorld({ hosts: ['127.0.0.182'], fixtureName: 'checked.qcow2', dataMb: 2 });
  });
  afterAll(() => world.stop());

  const fields = { version: '1', osType: 'linux', category: 'Linux', diskFormat: 'qcow2', containerFormat: 'bare' };
  const create = (name: string, extra: Record<string, unknown>) =>
    run(createImage, { ...fields, name, sha256: world.qcow2.sha256, ...extra }, world.admin);
  const row = async (id: string) => (await firstRow(getDb().select().from(images).where(eq(images.id, id))))!;
  const named = async (name: string) => await getDb().select().from(images).where(eq(images.name, name));

  it('is private and unverified, with the size the server gave, when the URL answers', async () => {
    const { id } = expectOk(await create('checked', { sourceUrl: world.mirror.url('checked.qcow2') }));
    expect(await row(id)).toMatchObject({
      access: 'private',
      status: 'unverified',
      sizeBytes: world.qcow2.sizeBytes,
    });
  });

  it('refuses a URL that answers 404, saving nothing', async () => {
    const result = await create('missing', { sourceUrl: world.mirror.url('no-such.qcow2') });
    expect(result).toMatchObject({ ok: false, code: 'invalid' });
    const message = !result.ok ? result.fieldErrors?.sourceUrl?.[0] : '';
    expect(message).toMatch(/answered 404 Not Found: there is no image file to download there\.$/);
    expect(await named('missing')).toEqual([]);
  });

  it('refuses a size the server contradicts', async () => {
    const result = await create('wrong-size', { sourceUrl: world.mirror.url('checked.qcow2'), sizeBytes: '12' });
    expect(!result.ok && result.fieldErrors?.sizeBytes?.[0]).toBe(
      `The server says the file is ${world.qcow2.sizeBytes} bytes, not 12. Correct the size or leave it empty.`,
    );
    expect(await named('wrong-size')).toEqual([]);
  });

  it('says when the portal cannot reach the URL, and saves only when told to save without checking', async () => {
    const sourceUrl = 'http://127.0.0.1:9/only-nodes-reach-this.qcow2';
    const refused = await create('nodes-only', { sourceUrl });
    const message = !refused.ok ? refused.fieldErrors?.skipUrlCheck?.[0] : '';
    expect(message).toMatch(/^The portal could not check http:\/\/127\.0\.0\.1:9\/only-nodes-reach-this\.qcow2: /);
    expect(message).toMatch(/If only the nodes can reach it, save without checking\.$/);
    expect(await named('nodes-only')).toEqual([]);

    const { id } = expectOk(await create('nodes-only', { sourceUrl, skipUrlCheck: 'on' }));
    expect(await row(id)).toMatchObject({ status: 'unverified', sizeBytes: null });
  });

  it('becomes ok once the first node has hashed the file, and enabling it again keeps that', async () => {
    const { id } = expectOk(
      await create('verified', { sourceUrl: world.mirror.url('checked.qcow2'), access: 'public' }),
    );
    expectOk(
      await run(setImageAttachment, { imageId: id, dataCenterId: world.dataCenterId, attached: true }, world.admin),
    );
    expect((await row(id)).status).toBe('unverified');
    const job = await installAndWait(world.admin, id, world.nodeIds[0]!);
    expect(job.status).toBe('succeeded');
    expect((await row(id)).status).toBe('ok');

    expectOk(await run(changeImageLifecycle, { imageId: id, change: 'status', status: 'disabled' }, world.admin));
    expectOk(await run(changeImageLifecycle, { imageId: id, change: 'status', status: 'ok' }, world.admin));
    expect((await row(id)).status).toBe('ok');
  });

  it('goes back to unverified, not ok, when a never-hashed image is enabled again', async () => {
    const { id } = expectOk(await create('never-hashed', { sourceUrl: world.mirror.url('checked.qcow2') }));
    expectOk(await run(changeImageLifecycle, { imageId: id, change: 'status', status: 'disabled' }, world.admin));
    expectOk(await run(changeImageLifecycle, { imageId: id, change: 'status', status: 'ok' }, world.admin));
    expect((await row(id)).status).toBe('unverified');
  });
});

import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { UserContext } from '@/lib/auth/policy';
import { now } from '@/lib/clock';
import { getDb, firstRow } from '@/lib/db/client';
import { auditEvents, images, imageTags, nodeImages } from '@/lib/db/tables';
import { fetchChecksum } from '@/lib/images/checksum-url';
import { updateImage } from '@/lib/images/edit';
import { listImageFilterOptions, listImagesPage } from '@/lib/images/listing';
import { createImage } from '@/lib/images/operations';
import {
  createDataCenterAs,
  createSuperAdmin,
  createUrlImage,
  createUserWithRole,
  expectOk,
  insertUnreachableNode,
  run,
} from '../support/portal';

const SHA = 'a'.repeat(64);
const OTHER_SHA = 'b'.repeat(64);
const MD5 = 'c'.repeat(32);
const base = {
  version: '1',
  osType: 'linux',
  category: 'Linux',
  diskFormat: 'qcow2',
  containerFormat: 'bare',
  // The source URLs answer nothing, on purpose: nothing downloads from them.
  skipUrlCheck: true,
};

/** A checksums server on loopback: named lists, one that is too big, and one that never answers. */
async function startChecksumServer() {
  const server = http.createServer((req, res) => {
    if (req.url === '/SHA256SUMS') return res.end(`${OTHER_SHA}  other.qcow2\n${SHA} *noble.qcow2\n`);
    if (req.url === '/MD5SUMS') return res.end(`${MD5}  noble.qcow2\n`);
    if (req.url === '/huge') return res.end('x'.repeat(2 * 1024 * 1024));
    if (req.url === '/silent') return; // never answers
    res.statusCode = 404;
    res.end('not found');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = (p: string) => `http://127.0.0.1:${(server.address() as AddressInfo).port}${p}`;
  const close = () => {
    server.closeAllConnections(); // the silent request would otherwise hold the server open
    return new Promise((resolve) => server.close(resolve));
  };
  return { url, close };
}

describe('image attributes: every field, versions, formats, kernels and ramdisks, checksums by URL, edits', async () => {
  let admin: UserContext;
  let dataCenterId: string;
  let sums: Awaited<ReturnType<typeof startChecksumServer>>;

  beforeAll(async () => {
    admin = await createSuperAdmin();
    dataCenterId = await createDataCenterAs(admin);
    sums = await startChecksumServer();
  });
  afterAll(() => sums.close());

  const row = async (id: string) => (await firstRow(getDb().select().from(images).where(eq(images.id, id))))!;
  const countNamed = async (name: string) => (await getDb().select().from(images).where(eq(images.name, name))).length;
  const create = (fields: Record<string, unknown>, user = admin) =>
    run(createImage, { ...base, sourceUrl: 'http://127.0.0.1:9/noble.qcow2', sha256: SHA, ...fields }, user);
  const edit = (imageId: string, fields: Record<string, unknown>, user = admin) =>
    run(updateImage, { ...base, imageId, ...fields }, user);

  it('stores every attribute given on create', async () => {
    const { id } = expectOk(
      await create({
        name: 'attr-full',
        alias: 'attr',
        version: '2',
        description: 'All of it',
        minDiskGb: '20',
        minRamMb: '2048',
        bootType: 'uefi',
        resizable: 'on',
        shutdownAfterDeploy: 'on',
        tags: 'lts cloud-init',
        protected: 'on',
      }),
    );
    expect(await row(id)).toMatchObject({
      alias: 'attr',
      version: '2',
      description: 'All of it',
      minDiskGb: 20,
      minRamMb: 2048,
      bootType: 'uefi',
      resizable: true,
      shutdownAfterDeploy: true,
      tags: ['lts', 'cloud-init'],
      protected: true,
      kernelImageId: null,
    });
  });

  it('keeps several versions of one alias, and refuses a repeated version or name', async () => {
    expectOk(await create({ name: 'ver-1', alias: 'ver', version: '1.0' }));
    expectOk(await create({ name: 'ver-2', alias: 'ver', version: '2.0' }));
    expect(await create({ name: 'ver-again', alias: 'ver', version: '2.0' })).toMatchObject({
      ok: false,
      code: 'conflict',
      fieldErrors: { version: ['Version 2.0 of alias "ver" already exists (image "ver-2").'] },
    });
    expect(await create({ name: 'ver-1', alias: 'other', version: '9' })).toMatchObject({
      ok: false,
      code: 'conflict',
      fieldErrors: { name: ['An image named "ver-1" already exists.'] },
    });
    expect(await countNamed('ver-again')).toBe(0);
  });

  describe('partition images, kernels and ramdisks', () => {
    let kernel: string;
    let ramdisk: string;
    beforeAll(async () => {
      kernel = await createUrlImage(admin, {
        name: 'vmlinuz-6',
        diskFormat: 'aki',
        containerFormat: 'aki',
        sourceUrl: 'http://127.0.0.1:9/vmlinuz',
        sha256: SHA,
      });
      ramdisk = await createUrlImage(admin, {
        name: 'initrd-6',
        diskFormat: 'ari',
        containerFormat: 'ari',
        sourceUrl: 'http://127.0.0.1:9/initrd',
        sha256: SHA,
      });
    });

    it('accepts a partition image that names one kernel and one ramdisk', async () => {
      const { id } = expectOk(
        await create({ name: 'part-ok', diskFormat: 'raw', kernelImageId: kernel, ramdiskImageId: ramdisk }),
      );
      expect(await row(id)).toMatchObject({ kernelImageId: kernel, ramdiskImageId: ramdisk });
    });

    it.each([
      ['only a kernel', { kernelImageId: 'K' }, 'ramdiskImageId', /needs both a kernel \(aki\) and a ramdisk \(ari\)/],
      [
        'a qcow2 image as kernel',
        { kernelImageId: 'Q', ramdiskImageId: 'R' },
        'kernelImageId',
        /is qcow2, not a kernel \(aki\) image/,
      ],
      ['the ramdisk as kernel', { kernelImageId: 'R', ramdiskImageId: 'R' }, 'kernelImageId', /is ari, not a kernel/],
      [
        'a kernel that does not exist',
        { kernelImageId: '00000000-0000-4000-8000-000000000000', ramdiskImageId: 'R' },
        'kernelImageId',
        /does not exist/,
      ],
      [
        'an ISO with a kernel',
        { diskFormat: 'iso', kernelImageId: 'K', ramdiskImageId: 'R' },
        'kernelImageId',
        /iso image cannot reference a kernel/,
      ],
      [
        'an aki disk in a bare container',
        { diskFormat: 'aki', containerFormat: 'bare' },
        'containerFormat',
        /same disk and container format/,
      ],
    ])('refuses %s, naming the field, and creates nothing', async (_what, fields, field, message) => {
      const qcow2 = await createUrlImage(admin, {
        name: `plain-${Math.random().toString(36).slice(2, 8)}`,
        sourceUrl: 'http://127.0.0.1:9/q',
        sha256: SHA,
      });
      const ids: Record<string, string> = { K: kernel, R: ramdisk, Q: qcow2 };
      const resolved = Object.fromEntries(Object.entries(fields).map(([k, v]) => [k, ids[v] ?? v]));
      const result = await create({ name: 'part-bad', diskFormat: 'raw', ...resolved });
      expect(result).toMatchObject({ ok: false, code: 'invalid' });
      expect(!result.ok && result.fieldErrors?.[field]?.join(' ')).toMatch(message);
      expect(await countNamed('part-bad')).toBe(0);
    });

    it('refuses a kernel bound to another data center for a global image', async () => {
      const boundKernel = await createUrlImage(admin, {
        name: 'vmlinuz-bound',
        diskFormat: 'aki',
        containerFormat: 'aki',
        dcBoundId: dataCenterId,
        sourceUrl: 'http://127.0.0.1:9/k',
        sha256: SHA,
      });
      const result = await create({
        name: 'part-global',
        diskFormat: 'raw',
        kernelImageId: boundKernel,
        ramdiskImageId: ramdisk,
      });
      expect(result).toMatchObject({
        ok: false,
        fieldErrors: { kernelImageId: [expect.stringMatching(/belongs to another data center/)] },
      });
    });

    it('keeps a referenced kernel: its format cannot change (and delete is refused, see image-purge)', async () => {
      expect(await edit(kernel, { name: 'vmlinuz-6', diskFormat: 'raw', containerFormat: 'bare' })).toMatchObject({
        ok: false,
        code: 'conflict',
        fieldErrors: { diskFormat: [expect.stringMatching(/Referenced by part-ok/)] },
      });
      expect((await row(kernel)).diskFormat).toBe('aki');
    });
  });

  describe('checksum given as the URL of a checksums file', () => {
    it('picks the line for the source URL’s file name from SHA256SUMS, and from MD5SUMS', async () => {
      const { id } = expectOk(await create({ name: 'sums-sha', sha256: '', checksumUrl: sums.url('/SHA256SUMS') }));
      expect(await row(id)).toMatchObject({ sha256: SHA, md5: null });
      const md5 = expectOk(await create({ name: 'sums-md5', sha256: '', checksumUrl: sums.url('/MD5SUMS') }));
      expect(await row(md5.id)).toMatchObject({ sha256: null, md5: MD5 });
    });

    it.each([
      ['a list without the file', '/SHA256SUMS', 'http://127.0.0.1:9/missing.qcow2', /no line for "missing.qcow2"/],
      ['a 404', '/nope', 'http://127.0.0.1:9/noble.qcow2', /server answered 404/],
      ['an oversized answer', '/huge', 'http://127.0.0.1:9/noble.qcow2', /larger than 1024 KiB/],
      ['nothing listening', 'http://127.0.0.1:9/SHA256SUMS', 'http://127.0.0.1:9/noble.qcow2', /could not be fetched/],
    ])('says why on %s, and creates nothing', async (_what, list, sourceUrl, message) => {
      const checksumUrl = list.startsWith('http') ? list : sums.url(list);
      const result = await create({ name: 'sums-bad', sha256: '', sourceUrl, checksumUrl });
      expect(!result.ok && result.fieldErrors?.checksumUrl?.join(' ')).toMatch(message);
      expect(await countNamed('sums-bad')).toBe(0);
    });

    it('gives up on a server that does not answer, after the timeout', async () => {
      await expect(fetchChecksum(sums.url('/silent'), 'noble.qcow2', { timeoutMs: 300 })).rejects.toThrow(
        'did not arrive within 0.3 s',
      );
    });
  });

  describe('edits', () => {
    it('changes the attributes, records which ones in the audit, and refuses a taken name', async () => {
      const imageId = await createUrlImage(admin, {
        name: 'edit-me',
        sourceUrl: 'http://127.0.0.1:9/e.qcow2',
        sha256: SHA,
      });
      expectOk(await edit(imageId, { name: 'edited', description: 'New words', tags: 'a b', minRamMb: '512' }));
      expect(await row(imageId)).toMatchObject({
        name: 'edited',
        description: 'New words',
        tags: ['a', 'b'],
        minRamMb: 512,
        sha256: SHA,
      });
      const audit = await firstRow(
        getDb()
          .select()
          .from(auditEvents)
          .where(and(eq(auditEvents.action, 'image.update'), eq(auditEvents.targetId, imageId))),
      );
      expect(audit).toMatchObject({
        outcome: 'ok',
        details: { name: 'edited', changed: expect.arrayContaining(['name', 'description', 'tags', 'minRamMb']) },
      });

      expect(await edit(imageId, { name: 'attr-full' })).toMatchObject({
        ok: false,
        fieldErrors: { name: ['An image named "attr-full" already exists.'] },
      });
      expect((await row(imageId)).name).toBe('edited');
    });

    it('keeps the tags the Images page filters by in step with the image: created, edited, deleted', async () => {
      const tagged = async (tag: string) =>
        (await listImagesPage(admin, { tag, access: 'all' })).rows.map((r) => r.name);
      const tagRows = async (imageId: string) =>
        (await getDb().select({ tag: imageTags.tag }).from(imageTags).where(eq(imageTags.imageId, imageId)))
          .map((r) => r.tag)
          .sort();
      const { id } = expectOk(await create({ name: 'tag-rows', tags: 'tagrow-old tagrow-kept' }));
      expect(await tagRows(id)).toEqual(['tagrow-kept', 'tagrow-old']);
      expect(await tagged('tagrow-old')).toEqual(['tag-rows']);

      expectOk(await edit(id, { name: 'tag-rows', tags: 'tagrow-kept tagrow-new' }));
      expect(await tagRows(id)).toEqual(['tagrow-kept', 'tagrow-new']);
      expect(await tagged('tagrow-old')).toEqual([]);
      expect(await tagged('tagrow-new')).toEqual(['tag-rows']);
      expect((await listImageFilterOptions(admin)).tags).toEqual(expect.arrayContaining(['tagrow-kept', 'tagrow-new']));
      expect((await listImageFilterOptions(admin)).tags).not.toContain('tagrow-old');

      // An edit that leaves the tags alone leaves their rows alone.
      expectOk(await edit(id, { name: 'tag-rows', tags: 'tagrow-kept tagrow-new', description: 'Other words' }));
      expect(await tagRows(id)).toEqual(['tagrow-kept', 'tagrow-new']);

      await getDb().delete(images).where(eq(images.id, id));
      expect(await tagRows(id)).toEqual([]);
      expect((await listImageFilterOptions(admin)).tags).not.toContain('tagrow-new');
    });

    it('lets the checksums be corrected while no file exists, and refuses it once one does', async () => {
      const imageId = await createUrlImage(admin, {
        name: 'edit-file',
        sourceUrl: 'http://127.0.0.1:9/f.qcow2',
        sha256: SHA,
      });
      expectOk(await edit(imageId, { name: 'edit-file', sha256: OTHER_SHA, sizeBytes: '1000' }));
      expect(await row(imageId)).toMatchObject({ sha256: OTHER_SHA, sizeBytes: 1000 });

      const nodeId = await insertUnreachableNode(dataCenterId, 'edit-node');
      await getDb()
        .insert(nodeImages)
        .values({ nodeId, imageId, state: 'installed', available: true, updatedAt: now() });
      for (const change of [
        { sha256: SHA },
        { md5: MD5 },
        { sizeBytes: '5' },
        { diskFormat: 'raw' },
        { sourceUrl: 'http://127.0.0.1:9/g.qcow2' },
      ]) {
        const result = await edit(imageId, { name: 'edit-file', ...change });
        expect(result).toMatchObject({
          ok: false,
          code: 'conflict',
          fieldErrors: {
            [Object.keys(change)[0]!]: ['Fixed once the image has a file: installs were verified against it.'],
          },
        });
      }
      const refused = await edit(imageId, { name: 'edit-file', checksumUrl: sums.url('/SHA256SUMS') });
      expect(refused).toMatchObject({ ok: false, fieldErrors: { checksumUrl: [expect.any(String)] } });
      expect(await row(imageId)).toMatchObject({ sha256: OTHER_SHA, md5: null, sizeBytes: 1000, diskFormat: 'qcow2' });
      // The same values, as the form sends them, and any other attribute, are fine.
      expectOk(await edit(imageId, { name: 'edit-file', sha256: OTHER_SHA, description: 'still editable' }));
      expect((await row(imageId)).description).toBe('still editable');
    });

    it('follows the role matrix: an ImageAdmin edits only images bound to their data center; a DCAdmin nothing', async () => {
      const imageAdmin = await createUserWithRole('ImageAdmin', dataCenterId);
      const dcAdmin = await createUserWithRole('DCAdmin', dataCenterId);
      const bound = await createUrlImage(admin, {
        name: 'edit-bound',
        dcBoundId: dataCenterId,
        sourceUrl: 'http://127.0.0.1:9/b.qcow2',
        sha256: SHA,
      });
      const global = await createUrlImage(admin, {
        name: 'edit-global',
        sourceUrl: 'http://127.0.0.1:9/g.qcow2',
        sha256: SHA,
      });
      expectOk(await edit(bound, { name: 'edit-bound', description: 'by the ImageAdmin' }, imageAdmin));
      expect(await edit(global, { name: 'edit-global', description: 'no' }, imageAdmin)).toMatchObject({
        ok: false,
        code: 'forbidden',
      });
      expect(await edit(bound, { name: 'edit-bound', description: 'no' }, dcAdmin)).toMatchObject({
        ok: false,
        code: 'forbidden',
      });
      expect((await row(bound)).description).toBe('by the ImageAdmin');
      const denied = await getDb()
        .select()
        .from(auditEvents)
        .where(and(eq(auditEvents.action, 'image.update'), eq(auditEvents.outcome, 'denied')));
      expect(denied.map((e) => e.targetId)).toEqual(expect.arrayContaining([global, bound]));
    });
  });
});

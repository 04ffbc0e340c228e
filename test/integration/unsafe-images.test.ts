import { execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { UserContext } from '@/lib/auth/policy';
import { getDb, firstRow } from '@/lib/db/client';
import { images, jobEvents } from '@/lib/db/tables';
import { createImage } from '@/lib/images/operations';
import { createRepository, refreshRepository } from '@/lib/repositories/operations';
import { uploadImageFile } from '@/lib/store/upload';
import { makeQcow2 } from '@/scripts/lib/fixture-image';
import { startMirror, type Mirror } from '@/scripts/lib/mirror';
import { SshNode } from '@/scripts/lib/sshd-node';
import { startCraftedImgapi, type CraftedImage } from '../support/crafted-imgapi';
import { craft, importAndWait, storeFiles } from '../support/imports';
import {
  createDataCenterAs,
  createSuperAdmin,
  createUrlImage,
  expectOk,
  installAndWait,
  registerSshNode,
  run,
  nodeImageRow,
} from '../support/portal';

/**
 * Images that point outside themselves (a backing file, an external data file, a VMDK descriptor
 * with its extents elsewhere) are refused everywhere they may arrive: on a node with qemu-img and
 * on one without, in the portal's store by upload, and by an IMGAPI import. Nothing stays behind.
 */
const refused = (what: string) => `${what}; an image must not point outside itself. It was refused.`;
const sha256Of = (file: string) => crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex');

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cbp-unsafe-'));
const dataFile = path.join(os.tmpdir(), `cbp-unsafe-data-${process.pid}.raw`);
const unsafe = [
  {
    kind: 'backing',
    file: 'backing.qcow2',
    diskFormat: 'qcow2',
    reason: refused('The image names a backing file (/etc/hostname)'),
  },
  {
    kind: 'data-file',
    file: 'data-file.qcow2',
    diskFormat: 'qcow2',
    reason: refused(`The image names an external data file (${dataFile})`),
  },
  {
    kind: 'descriptor',
    file: 'descriptor.vmdk',
    diskFormat: 'vmdk',
    reason: refused('The image is a VMDK descriptor, whose data lives in the files it names'),
  },
];
const at = (file: string) => path.join(dir, file);

describe('images that point outside themselves', async () => {
  let admin: UserContext;
  let mirror: Mirror;
  const nodes: { label: string; node: SshNode; nodeId: string }[] = [];

  beforeAll(async () => {
    const create = (...args: string[]) => execFileSync('qemu-img', ['create', '-q', ...args], { stdio: 'pipe' });
    create('-f', 'qcow2', '-b', '/etc/hostname', '-F', 'raw', at('backing.qcow2'));
    create('-f', 'qcow2', '-o', `data_file=${dataFile},data_file_raw=on`, at('data-file.qcow2'), '1M');
    // Writes the descriptor and, beside it, descriptor-flat.vmdk with the data.
    create('-f', 'vmdk', '-o', 'subformat=monolithicFlat', at('descriptor.vmdk'), '1M');
    makeQcow2(at('safe.qcow2'), 16, 2);
    mirror = await startMirror(dir);
    admin = await createSuperAdmin();
    const dataCenterId = await createDataCenterAs(admin);
    for (const [label, host, hideTools] of [
      ['with qemu-img', '127.0.0.146', []],
      ['without qemu-img', '127.0.0.147', ['qemu-img']],
    ] as const) {
      const node = await SshNode.start({ host, hideTools: [...hideTools] });
      nodes.push({ label, node, nodeId: (await registerSshNode(admin, dataCenterId, node)).nodeId });
    }
  });

  afterAll(async () => {
    await Promise.all(nodes.map(({ node }) => node.stop()));
    await mirror?.close();
    fs.rmSync(dir, { recursive: true, force: true });
    fs.rmSync(dataFile, { force: true });
  });

  describe.each(['with qemu-img', 'without qemu-img'])('installing on a node %s', (label) => {
    it.each(unsafe)(
      'refuses the $kind image before commit, leaving no .part and no file',
      async ({ kind, file, diskFormat, reason }) => {
        const { node, nodeId } = nodes.find((n) => n.label === label)!;
        const name = `unsafe-${kind}-${label.startsWith('with ') ? 'qemu' : 'bare'}`;
        const imageId = await createUrlImage(admin, {
          name,
          diskFormat,
          sourceUrl: mirror.url(file),
          sha256: sha256Of(at(file)),
        });
        const before = fs.readdirSync(node.imageDir);
        const job = await installAndWait(admin, imageId, nodeId);

        expect(job).toMatchObject({ status: 'failed', error: reason });
        expect(fs.readdirSync(node.imageDir)).toEqual(before);
        expect(
          fs
            .readdirSync(node.imageDir)
            .filter((f) => f.startsWith(name) || f.startsWith(imageId) || f.includes('.part')),
        ).toEqual([]);
        expect(await nodeImageRow(nodeId, imageId)).toMatchObject({ state: 'failed', available: false });
      },
    );
  });

  it('still installs a self-contained qcow2, checked by qemu-img on one node and by its signature on the other', async () => {
    const imageId = await createUrlImage(admin, {
      name: 'safe',
      sourceUrl: mirror.url('safe.qcow2'),
      sha256: sha256Of(at('safe.qcow2')),
    });
    const how: (string | undefined)[] = [];
    for (const { node, nodeId } of nodes) {
      const job = await installAndWait(admin, imageId, nodeId);
      expect(job).toMatchObject({ status: 'succeeded', error: null });
      expect(sha256Of((await nodeImageRow(nodeId, imageId))!.path!)).toBe(sha256Of(at('safe.qcow2')));
      expect(fs.readdirSync(node.imageDir).filter((f) => f.includes('.part'))).toEqual([]);
      how.push(
        (await getDb().select().from(jobEvents).where(eq(jobEvents.jobId, job.id))).find((e) =>
          e.message.startsWith('Format verified'),
        )?.message,
      );
    }
    expect(how).toEqual(['Format verified: qcow2 (qemu-img info).', 'Format verified: qcow2 (file signature).']);
  });

  it.each(unsafe)(
    'refuses an upload of the $kind image into the store with the reason, storing nothing',
    async ({ kind, file, diskFormat, reason }) => {
      const input = {
        name: `upload-${kind}`,
        version: '1',
        osType: 'linux',
        category: 'Linux',
        diskFormat,
        containerFormat: 'bare',
        source: 'upload',
      };
      const { id } = expectOk(await run(createImage, input, admin));
      const outcome = await uploadImageFile(admin, id, {
        body: fs.createReadStream(at(file)),
        contentLength: fs.statSync(at(file)).size,
        contentType: 'application/octet-stream',
      });

      expect(outcome).toEqual({ ok: false, status: 400, error: reason });
      expect(storeFiles().filter((f) => f.startsWith(id))).toEqual([]);
      expect(await firstRow(getDb().select().from(images).where(eq(images.id, id)))).toMatchObject({
        status: 'pending',
        storeFile: null,
      });
    },
  );

  describe('importing from an IMGAPI repository', () => {
    const crafted = new Map<string, CraftedImage>();
    let remote: Awaited<ReturnType<typeof startCraftedImgapi>>;
    let repositoryId: string;
    beforeAll(async () => {
      for (const { kind, file } of unsafe) crafted.set(kind, craft(`imported-${kind}`, fs.readFileSync(at(file))));
      remote = await startCraftedImgapi('127.0.0.148', [...crafted.values()]);
      ({ id: repositoryId } = expectOk(await run(createRepository, { name: 'unsafe images', url: remote.url }, admin)));
      expectOk(await run(refreshRepository, { repositoryId }, admin));
    });
    afterAll(() => remote?.close());

    it.each(unsafe)(
      'fails the import of the $kind image with the reason, storing nothing',
      async ({ kind, reason }) => {
        const image = crafted.get(kind)!;
        const before = storeFiles();
        const job = await importAndWait(admin, { repositoryId, uuid: image.manifest.uuid });

        expect(job).toMatchObject({ status: 'failed', error: reason });
        expect(await firstRow(getDb().select().from(images).where(eq(images.id, image.manifest.uuid)))).toBeUndefined();
        expect(storeFiles()).toEqual(before);
      },
    );
  });
});

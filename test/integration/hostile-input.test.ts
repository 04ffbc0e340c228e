import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { UserContext } from '@/lib/auth/policy';
import { getDb, firstRow } from '@/lib/db/client';
import { images, nodeImages, nodes } from '@/lib/db/tables';
import type { FixtureImage } from '@/scripts/lib/fixture-image';
import type { Mirror } from '@/scripts/lib/mirror';
import { nodeUserHome, type SshNode } from '@/scripts/lib/sshd-node';
import { createUrlImage, installAndWait } from '../support/portal';
import { startMirroredNode, type MirroredNode } from '../support/mirrored-node';

/**
 * Names, paths and URLs that would run commands if any remote command were built by concatenation.
 * Validation would reject most of them; here they are written straight into the database, so only
 * the quoting helper and path confinement stand between them and the node's shell. New files are
 * named by the image's id, but a path recorded on a node-image row (as older versions named files
 * after the image) is used as it is: those recorded paths carry the hostile names here.
 */
describe('hostile names and paths cannot execute anything on a real node', () => {
  let node: SshNode;
  let mirror: Mirror;
  let qcow2: FixtureImage;
  let admin: UserContext;
  let nodeId: string;
  let trap: string;
  const canaries = () =>
    [nodeUserHome(), trap, node.baseDir, node.imageDir]
      .flatMap((dir) => (fs.existsSync(dir) ? fs.readdirSync(dir).map((f) => path.join(dir, f)) : []))
      .filter((f) => path.basename(f).startsWith('canary'));

  let world: MirroredNode;
  beforeAll(async () => {
    trap = fs.mkdtempSync(path.join(os.tmpdir(), 'cbp-trap-'));
    fs.chmodSync(trap, 0o777); // so a command that did run as the node user could leave its canary
    world = await startMirroredNode({ host: '127.0.0.41', imageName: 'tiny.qcow2', virtualMb: 16, dataMb: 2 });
    ({ node, mirror, image: qcow2, admin, nodeId } = world);
  });
  afterAll(() => world.stop());

  /** Installs an image with this name whose node-image row already records the file `<name>.qcow2`. */
  const installWithName = async (name: string, sourceUrl = mirror.url('tiny.qcow2')) => {
    const imageId = await createUrlImage(admin, {
      name: `safe-${crypto.randomUUID().slice(0, 8)}`,
      sourceUrl: mirror.url('tiny.qcow2'),
      sha256: qcow2.sha256,
    });
    await getDb().update(images).set({ name, sourceUrl }).where(eq(images.id, imageId));
    const imageDir = (await firstRow(getDb().select().from(nodes).where(eq(nodes.id, nodeId))))!.imageDir;
    const recorded = `${imageDir}/${name}.qcow2`;
    await getDb()
      .insert(nodeImages)
      .values({ nodeId, imageId, state: 'failed', path: recorded, updatedAt: new Date() });
    return await installAndWait(admin, imageId, nodeId);
  };

  const HOSTILE_NAMES = [
    'a$(touch canary-subshell)b',
    '`touch canary-backtick`',
    'x;touch canary-semicolon;y',
    "q'; touch canary-quote; echo '",
    '"$(touch canary-dquote)"',
    'p|touch canary-pipe',
    'amp && touch canary-and',
    'spaces in name',
    '-rf --no-preserve-root',
    '$HOME${IFS}touch${IFS}canary-ifs',
    'glob*?[x]',
  ];

  it.each(HOSTILE_NAMES)(
    'installs an image named %j at a recorded file of exactly that name, running nothing',
    async (name) => {
      const job = await installWithName(name);
      expect(job.error).toBeNull();
      expect(job.status).toBe('succeeded');
      const file = path.join(node.imageDir, `${name}.qcow2`);
      expect(crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex')).toBe(qcow2.sha256);
      expect(fs.existsSync(`${file}.manifest.json`)).toBe(true);
      expect(canaries()).toEqual([]);
    },
  );

  it.each(['../escape', 'sub/dir', 'line\ntouch canary-newline'])(
    'refuses the recorded file name %j before touching the node',
    async (name) => {
      const job = await installWithName(name);
      expect(job.status).toBe('failed');
      expect(job.error).toMatch(/not a safe file name|is not in the node's image directory/);
      expect(
        await firstRow(getDb().select().from(nodeImages).where(eq(nodeImages.imageId, job.imageId!))),
      ).toMatchObject({
        state: 'failed',
      });
      expect(fs.existsSync(path.join(node.baseDir, 'escape.qcow2'))).toBe(false);
      expect(canaries()).toEqual([]);
    },
  );

  it('treats a hostile source URL as one argument', async () => {
    // No spaces, so curl accepts it as a URL; braces and brackets would be curl globs without --globoff.
    const url = `${mirror.url('tiny.qcow2')}?x=$(touch\${IFS}${trap}/canary-url)&y=\`touch\${IFS}${trap}/canary-url2\`;touch\${IFS}${trap}/canary-url3&z={a,b}[1-2]`;
    const job = await installWithName('url-test', url);
    expect(job.status).toBe('succeeded');
    expect(canaries()).toEqual([]);
  });

  it('keeps a hostile image directory literal', async () => {
    const dir = path.join(
      node.imageDir,
      `d $(touch ${trap}/canary-dir) \`touch ${trap}/canary-dir2\`;touch ${trap}/canary-dir3`,
    );
    await getDb().update(nodes).set({ imageDir: dir }).where(eq(nodes.id, nodeId));
    try {
      const job = await installWithName('in-hostile-dir');
      expect(job.error).toBeNull();
      expect(fs.existsSync(path.join(dir, 'in-hostile-dir.qcow2'))).toBe(true);
      expect(canaries()).toEqual([]);
    } finally {
      await getDb().update(nodes).set({ imageDir: node.imageDir }).where(eq(nodes.id, nodeId));
    }
  });
});

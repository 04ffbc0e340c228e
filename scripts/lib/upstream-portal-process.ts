/**
 * An upstream portal: another portal, with its own data directory (PORTAL_DATA_DIR), serving its
 * IMGAPI on loopback for a portal to import from (tests, e2e, bench and the demo). It uploads each
 * file named in UPSTREAM_SEED (JSON: [{ file, name, ...image fields }]) as a public image, unless
 * an image of that name exists already (a persistent data directory), then prints one line,
 * `UPSTREAM_READY <json>`, with its URL and the images' ids, and serves until killed.
 * Run with `tsx --conditions=react-server`.
 */
import fs from 'node:fs';
import { eq } from 'drizzle-orm';
import { ensureFirstAdmin, getUserContext } from '@/lib/auth/users';
import { getDb, firstRow } from '@/lib/db/client';
import { images, users } from '@/lib/db/tables';
import { createImage } from '@/lib/images/operations';
import { uploadImageFile } from '@/lib/store/upload';
import { startImgapiServer } from './imgapi-server';
import { runOk } from './portal-seed';

type Seed = { file: string; name: string } & Record<string, unknown>;
const ADMIN = 'upstream-admin';

async function main() {
  await ensureFirstAdmin({ adminUser: ADMIN, adminPassword: 'upstream portal password' });
  const admin = (await getUserContext(
    (await firstRow(getDb().select({ id: users.id }).from(users).where(eq(users.username, ADMIN))))!.id,
  ))!;
  const seeded = [];
  for (const seed of JSON.parse(process.env.UPSTREAM_SEED ?? '[]') as Seed[])
    seeded.push({ id: await ensureImage(admin, seed), name: seed.name });
  const port = process.env.UPSTREAM_PORT ? Number(process.env.UPSTREAM_PORT) : undefined;
  const server = await startImgapiServer({ host: process.env.UPSTREAM_HOST ?? '127.0.0.1', port });
  console.log(`UPSTREAM_READY ${JSON.stringify({ url: server.url, images: seeded })}`);
}

async function ensureImage(
  admin: NonNullable<Awaited<ReturnType<typeof getUserContext>>>,
  { file, ...fields }: Seed,
): Promise<string> {
  const existing = await firstRow(getDb().select({ id: images.id }).from(images).where(eq(images.name, fields.name)));
  if (existing) return existing.id;
  const input = {
    version: '1',
    osType: 'linux',
    category: 'Linux',
    diskFormat: 'raw',
    containerFormat: 'bare',
    ...fields,
    source: 'upload',
    // A repository serves its public images only.
    access: 'public',
  };
  const { id } = await runOk(createImage, input, admin);
  const uploaded = await uploadImageFile(admin, id, {
    body: fs.createReadStream(file),
    contentLength: fs.statSync(file).size,
    contentType: 'application/octet-stream',
  });
  if (!uploaded.ok) throw new Error(`The upstream portal could not store ${file}: ${uploaded.error}`);
  return id;
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
setInterval(() => undefined, 60_000);

/**
 * Another portal, with its own data directory (PORTAL_DATA_DIR), serving its IMGAPI on loopback:
 * "portal A" that the tests' portal B imports from. It uploads the files named in IMGAPI_SEED (JSON:
 * [{ file, name, ...image fields }]) as public images, then prints one line,
 * `IMGAPI_READY <json>`, with its URL and the images' ids, and serves until killed.
 * Run with `tsx --conditions=react-server`.
 */
import { createUser, loadUserContext } from '@/lib/auth/users';
import { startImgapiServer } from './imgapi-http';
import { createStoreImage } from './portal';

type Seed = { file: string; name: string } & Record<string, unknown>;

async function main() {
  const seeds = JSON.parse(process.env.IMGAPI_SEED ?? '[]') as Seed[];
  const admin = loadUserContext(await createUser({ username: 'portal-a-admin', password: 'portal a password', isSuperAdmin: true }))!;
  const images = [];
  for (const { file, ...fields } of seeds) images.push({ id: await createStoreImage(admin, file, fields), name: fields.name });
  const server = await startImgapiServer({ host: process.env.IMGAPI_HOST ?? '127.0.0.1' });
  console.log(`IMGAPI_READY ${JSON.stringify({ url: server.url, images })}`);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
setInterval(() => undefined, 60_000);

/**
 * The demo's image repository: an upstream portal on 127.0.0.1:8098 serving one image over IMGAPI,
 * configured (and refreshed) in the demo portal as "Demo upstream", so Repositories has something
 * to browse and import. Its data stays under the demo's directory, so its image keeps its uuid
 * across runs and an image imported in an earlier run still shows as imported.
 */
import { firstRow } from '@/lib/db/client';
import path from 'node:path';
import { eq } from 'drizzle-orm';
import type { UserContext } from '../../lib/auth/policy';
import { getDb } from '../../lib/db/client';
import { imageRepositories } from '../../lib/db/tables';
import { createRepository, refreshRepository } from '../../lib/repositories/operations';
import { makeQcow2 } from './fixture-image';
import { runOk } from './portal-seed';
import { startUpstreamPortal, type UpstreamPortal } from './upstream-portal';

const UPSTREAM = { host: '127.0.0.1', port: 8098 };
const REPOSITORY_NAME = 'Demo upstream';

export async function startDemoUpstream(admin: UserContext, demoDir: string): Promise<UpstreamPortal> {
  const seed = makeQcow2(path.join(demoDir, 'debian-upstream.qcow2'), 96, 24);
  const upstream = await startUpstreamPortal(
    UPSTREAM.host,
    [
      {
        file: seed.file,
        name: 'debian-upstream',
        version: '12.8',
        description: 'Served by the demo upstream portal: import it from Repositories.',
        diskFormat: 'qcow2',
        minRamMb: 512,
      },
    ],
    { dataDir: path.join(demoDir, 'upstream'), port: UPSTREAM.port },
  );
  const existing = await firstRow(
    getDb()
      .select({ id: imageRepositories.id })
      .from(imageRepositories)
      .where(eq(imageRepositories.name, REPOSITORY_NAME)),
  );
  const repositoryId =
    existing?.id ?? (await runOk(createRepository, { name: REPOSITORY_NAME, url: upstream.url }, admin)).id;
  await runOk(refreshRepository, { repositoryId }, admin);
  return upstream;
}

import crypto from 'node:crypto';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import type { UserContext } from '@/lib/auth/policy';
import { insertUser, getUserContext } from '@/lib/auth/users';
import { getDb } from '@/lib/db/client';
import { JOB_KINDS, type JobKind, type JobStatus } from '@/lib/db/enums';
import { credentials, jobEvents, jobs, nodes } from '@/lib/db/tables';
import { runOperation } from '@/lib/actions/operation';
import { createImage } from '@/lib/images/operations';
import {
  getJobFilterImage,
  getJobView,
  listJobFilterOptions,
  listJobs,
  listJobsPage,
  searchJobFilterImages,
} from '@/lib/jobs/queries';
import { createDataCenter } from '@/lib/locations/operations';
import { issueApiToken } from '@/lib/tokens/operations';
import { call } from '../support/api-client';
import { createUserWithRole } from '../support/users';

// The filter's image search route reads the session through Auth.js, whose own module does not load
// under Vitest: each test says who is signed in.
let signedIn: string | null = null;
vi.mock('@/lib/auth/auth', () => ({ auth: async () => (signedIn ? { user: { id: signedIn } } : null) }));

// Job rows are inserted directly: listing needs rows, not the runner or a node to run them on.
type Spec = { id: string; dc: string; nodeId: string; imageId: string; status: JobStatus; kind: JobKind; at: number };

const STATUSES: JobStatus[] = ['succeeded', 'failed', 'paused', 'cancelled', 'interrupted'];
const T0 = Date.UTC(2025, 0, 1);

let superAdmin: UserContext;
let dcAdminA: UserContext;
let outsider: UserContext;
let dcA: string, dcB: string;
let nodeA1: string, nodeA2: string, nodeB: string;
let imageX: string, imageY: string, imageZ: string;
/** An image without a job. */
let imageIdle: string;
const specs: Spec[] = [];

// Data centers and images go through the real operations; test/support/portal.ts is not used because
// it loads the install pipeline and the job runner, which listing does not need.
async function created<T>(result: Promise<{ ok: true; data: T } | { ok: false; error: string }>): Promise<T> {
  const r = await result;
  if (!r.ok) throw new Error(r.error);
  return r.data;
}

let nextPort = 2200;
async function insertNode(dataCenterId: string, name: string): Promise<string> {
  const at = new Date();
  const credentialId = crypto.randomUUID();
  const id = crypto.randomUUID();
  await getDb()
    .insert(credentials)
    .values({ id: credentialId, name, publicKey: 'ssh-ed25519 AAAA', encryptedPrivateKey: 'v1.x.y.z', createdAt: at });
  await getDb()
    .insert(nodes)
    .values({
      id,
      dataCenterId,
      name,
      host: '127.0.0.9',
      port: nextPort++,
      sshUser: 'u',
      credentialId,
      hostKeyFingerprint: `SHA256:${'A'.repeat(43)}`,
      imageDir: '/srv/images',
      createdAt: at,
      updatedAt: at,
    });
  return id;
}

async function insertJob(spec: Omit<Spec, 'id' | 'at'>): Promise<Spec> {
  const row = { ...spec, id: crypto.randomUUID(), at: T0 + specs.length * 1000 };
  await getDb()
    .insert(jobs)
    .values({
      id: row.id,
      kind: row.kind,
      status: row.status,
      nodeId: row.nodeId,
      imageId: row.imageId,
      dataCenterId: row.dc,
      createdAt: new Date(row.at),
      updatedAt: new Date(row.at),
    });
  specs.push(row);
  return row;
}

/** What the listing should return, worked out from the inserted rows rather than the database. */
function expected(where: (s: Spec) => boolean): string[] {
  return specs
    .filter(where)
    .sort((a, b) => b.at - a.at)
    .map((s) => s.id);
}

const ids = (page: { rows: { job: { id: string } }[] }) => page.rows.map((r) => r.job.id);

beforeAll(async () => {
  superAdmin = (await getUserContext(
    await insertUser({ username: 'listing-admin', password: 'long enough password', isSuperAdmin: true }),
  ))!;
  const dataCenter = async (code: string) =>
    (await created(runOperation(createDataCenter, { code, name: `Data center ${code}` }, superAdmin))).id;
  dcA = await dataCenter('listing-a');
  dcB = await dataCenter('listing-b');
  dcAdminA = await createUserWithRole('DCAdmin', dcA);
  outsider = (await getUserContext(
    await insertUser({ username: 'listing-nobody', password: 'long enough password' }),
  ))!;
  nodeA1 = await insertNode(dcA, 'a-one');
  nodeA2 = await insertNode(dcA, 'a-two');
  nodeB = await insertNode(dcB, 'b-one');
  const fields = { version: '1', osType: 'linux', category: 'Linux', diskFormat: 'qcow2', containerFormat: 'bare' };
  const image = async (name: string) =>
    (
      await created(
        runOperation(
          createImage,
          { ...fields, name, sourceUrl: 'http://127.0.0.1/x.qcow2', skipUrlCheck: true, sha256: 'a'.repeat(64) },
          superAdmin,
        ),
      )
    ).id;
  [imageX, imageY, imageZ] = [await image('listing-x'), await image('listing-y'), await image('listing-z')];
  imageIdle = await image('listing-idle');
  // 30 jobs in A over two nodes and two images; 7 in B, only on image Z.
  for (let i = 0; i < 30; i++) {
    await insertJob({
      dc: dcA,
      nodeId: i % 3 === 0 ? nodeA2 : nodeA1,
      imageId: i % 2 === 0 ? imageX : imageY,
      status: STATUSES[i % STATUSES.length]!,
      kind: i % 4 === 0 ? 'sync-images' : 'install',
    });
  }
  for (let i = 0; i < 7; i++)
    await insertJob({ dc: dcB, nodeId: nodeB, imageId: imageZ, status: 'failed', kind: 'install' });
});

describe('listJobsPage', () => {
  it('pages a SuperAdmin through every job, newest first, with the total', async () => {
    const all = expected(() => true);
    expect(all).toHaveLength(37);
    const first = await listJobsPage(superAdmin, {});
    expect(first).toMatchObject({ total: 37, page: 1, pageSize: 25, pageCount: 2 });
    expect(ids(first)).toEqual(all.slice(0, 25));
    const second = await listJobsPage(superAdmin, { page: 2 });
    expect(second).toMatchObject({ total: 37, page: 2, pageCount: 2 });
    expect(ids(second)).toEqual(all.slice(25));
  });

  it('honours the page size and shows the last page for a page past the end', async () => {
    const all = expected(() => true);
    expect(ids(await listJobsPage(superAdmin, { page: 3, pageSize: 10 }))).toEqual(all.slice(20, 30));
    const past = await listJobsPage(superAdmin, { page: 99, pageSize: 10 });
    expect(past).toMatchObject({ page: 4, pageCount: 4, total: 37 });
    expect(ids(past)).toEqual(all.slice(30));
  });

  it('filters by status, kind, node and image, alone and together', async () => {
    const paused = await listJobsPage(superAdmin, { status: 'paused' });
    expect(ids(paused)).toEqual(expected((s) => s.status === 'paused'));
    expect(paused.total).toBe(6);
    expect(ids(await listJobsPage(superAdmin, { kind: 'sync-images' }))).toEqual(
      expected((s) => s.kind === 'sync-images'),
    );
    expect(ids(await listJobsPage(superAdmin, { nodeId: nodeA2 }))).toEqual(expected((s) => s.nodeId === nodeA2));
    expect(ids(await listJobsPage(superAdmin, { imageId: imageY }))).toEqual(expected((s) => s.imageId === imageY));
    const combined = await listJobsPage(superAdmin, {
      status: 'failed',
      nodeId: nodeA1,
      imageId: imageY,
      kind: 'install',
    });
    const want = expected(
      (s) => s.status === 'failed' && s.nodeId === nodeA1 && s.imageId === imageY && s.kind === 'install',
    );
    expect(want.length).toBeGreaterThan(0);
    expect(ids(combined)).toEqual(want);
    expect(combined.total).toBe(want.length);
  });

  it('answers an empty page, not an error, when nothing matches', async () => {
    expect(await listJobsPage(superAdmin, { kind: 'uninstall', page: 5 })).toEqual({
      rows: [],
      total: 0,
      page: 1,
      pageSize: 25,
      pageCount: 1,
    });
  });

  it('shows a DCAdmin of A the jobs of A only, even when filtering for B', async () => {
    const mine = await listJobsPage(dcAdminA, { pageSize: 50 });
    expect(mine.total).toBe(30);
    expect(ids(mine)).toEqual(expected((s) => s.dc === dcA));
    expect(mine.rows.every((r) => r.job.dataCenterId === dcA)).toBe(true);
    expect(await listJobsPage(dcAdminA, { nodeId: nodeB })).toMatchObject({ rows: [], total: 0 });
    expect(await listJobsPage(dcAdminA, { imageId: imageZ })).toMatchObject({ rows: [], total: 0 });
    expect(await listJobsPage(outsider, {})).toMatchObject({ rows: [], total: 0 });
  });
});

describe('the Jobs filters', () => {
  it('offer only the nodes of jobs the user may see', async () => {
    const options = await listJobFilterOptions(dcAdminA);
    expect(options.nodes.map((n) => n.name)).toEqual(['a-one', 'a-two']);
    const all = await listJobFilterOptions(superAdmin);
    expect(all.nodes.map((n) => n.id)).toContain(nodeB);
    expect(await listJobFilterOptions(outsider)).toEqual({ nodes: [] });
  });

  it('look up the filtered image, only among images with a job the user may see', async () => {
    expect(await getJobFilterImage(dcAdminA, imageY)).toEqual({ id: imageY, name: 'listing-y', version: '1' });
    expect(await getJobFilterImage(superAdmin, imageZ)).toMatchObject({ name: 'listing-z' });
    // Z's jobs are all in B; an image without jobs, or none at all, is unknown to the filter alike.
    expect(await getJobFilterImage(dcAdminA, imageZ)).toBeNull();
    expect(await getJobFilterImage(superAdmin, imageIdle)).toBeNull();
    expect(await getJobFilterImage(superAdmin, crypto.randomUUID())).toBeNull();
    expect(await getJobFilterImage(outsider, imageX)).toBeNull();
  });

  it('search images with jobs by name or alias, within the policy, a page at a time', async () => {
    const names = (found: { images: { name: string }[] }) => found.images.map((i) => i.name);
    expect(await searchJobFilterImages(superAdmin, 'listing-')).toEqual({
      images: [
        { id: imageX, name: 'listing-x', version: '1' },
        { id: imageY, name: 'listing-y', version: '1' },
        { id: imageZ, name: 'listing-z', version: '1' },
      ],
      more: false,
    });
    expect(names(await searchJobFilterImages(dcAdminA, 'listing'))).toEqual(['listing-x', 'listing-y']);
    expect(names(await searchJobFilterImages(dcAdminA, 'LISTING-Z'))).toEqual([]);
    expect(await searchJobFilterImages(superAdmin, 'listing', 2)).toMatchObject({ more: true });
    expect(names(await searchJobFilterImages(superAdmin, 'idle'))).toEqual([]);
    expect(await searchJobFilterImages(outsider, '')).toEqual({ images: [], more: false });
  });

  it('serve that search to the signed-in only', async () => {
    const { GET } = await import('@/app/(portal)/jobs/filter-images/route');
    const ask = (as: UserContext | null, q: string) => {
      signedIn = as?.id ?? null;
      return GET(new Request(`http://portal/jobs/filter-images?q=${encodeURIComponent(q)}`));
    };
    const found = await ask(dcAdminA, 'listing-y');
    expect(found.status).toBe(200);
    expect(await found.json()).toEqual({ options: [{ value: imageY, label: 'listing-y (1)' }], more: false });
    await expect((await ask(dcAdminA, 'listing-z')).json()).resolves.toEqual({ options: [], more: false });
    await expect((await ask(outsider, '')).json()).resolves.toEqual({ options: [], more: false });
    const anonymous = await ask(null, 'listing');
    expect(anonymous.status).toBe(401);
    expect(await anonymous.json()).toEqual({ error: { code: 'unauthenticated', message: 'Sign in first.' } });
  });

  it('filter the JSON API listing by image id, refusing an image the caller has no job of', async () => {
    const list = (token: string, query: string) => call('GET', '/jobs', { token, query });
    const admin = (await issueApiToken(superAdmin.id, 'listing')).token;
    const dcAdmin = (await issueApiToken(dcAdminA.id, 'listing')).token;
    const ofY = await list(dcAdmin, `imageId=${imageY}&pageSize=100`);
    expect(ofY.status).toBe(200);
    expect(ofY.json.rows.map((r: { job: { id: string } }) => r.job.id)).toEqual(expected((s) => s.imageId === imageY));
    expect((await list(admin, `imageId=${imageZ}`)).json.total).toBe(7);
    for (const imageId of [imageZ, imageIdle, 'not-an-id']) {
      expect(await list(dcAdmin, `imageId=${imageId}`)).toMatchObject({
        status: 400,
        json: { error: { message: 'Unusable query parameters: image.' } },
      });
    }
  });
});

describe('existing callers', () => {
  it('keeps listJobs(user, { imageId, limit }) for an image’s recent jobs', async () => {
    const recent = await listJobs(dcAdminA, { imageId: imageX, limit: 4 });
    expect(recent.map((r) => r.job.id)).toEqual(expected((s) => s.imageId === imageX).slice(0, 4));
    expect(await listJobs(dcAdminA, { imageId: imageZ })).toEqual([]);
  });

  it('gives a job’s page its full log, oldest first, beyond the old 500-event cap', async () => {
    const job = specs.find((s) => s.dc === dcA)!;
    const at = new Date(T0);
    await getDb()
      .insert(jobEvents)
      .values(
        Array.from({ length: 620 }, (_, i) => ({ jobId: job.id, at, level: 'info' as const, message: `event ${i}` })),
      );
    const view = (await getJobView(dcAdminA, job.id))!;
    expect(view.events).toHaveLength(620);
    expect(view.events.map((e) => e.message)).toEqual(Array.from({ length: 620 }, (_, i) => `event ${i}`));
    expect(await getJobView(outsider, job.id)).toBeNull();
  });
});

it('covers every job kind the filter offers', async () => {
  // The form lists JOB_KINDS; each must be a value the query filters by, so each gets a job here.
  for (const kind of JOB_KINDS)
    if (!specs.some((s) => s.kind === kind))
      await insertJob({ dc: dcB, nodeId: nodeB, imageId: imageZ, status: 'succeeded', kind });
  for (const kind of JOB_KINDS) {
    const page = await listJobsPage(superAdmin, { kind, pageSize: 100 });
    expect(ids(page), kind).toEqual(expected((s) => s.kind === kind));
    expect(page.rows.map((r) => r.job.kind)).toEqual(page.rows.map(() => kind));
    expect(page.total, kind).toBeGreaterThan(0);
  }
});

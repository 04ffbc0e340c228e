import crypto from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import type { UserContext } from '@/lib/auth/policy';
import { getDb } from '@/lib/db/client';
import type { AccessLevel, DiskFormat, ImageStatus, OsType } from '@/lib/db/enums';
import { imageDataCenters, nodeImages } from '@/lib/db/tables';
import { insertImage as insertImageRow } from '@/lib/images/insert';
import { listImageFilterOptions, listImagesPage } from '@/lib/images/listing';
import { createDataCenterAs, createSuperAdmin, createUserWithRole, insertUnreachableNode } from '../support/portal';

// Image rows are inserted as rows: the listing needs rows with chosen tags, dates and access, not
// the create operation (whose input has none of those).
type Spec = {
  name: string;
  alias?: string;
  version?: string;
  osType?: OsType;
  diskFormat?: DiskFormat;
  status?: ImageStatus;
  access?: AccessLevel;
  sizeBytes?: number | null;
  tags?: string[];
  bound?: string;
  attached?: string[];
};

const T0 = Date.UTC(2025, 0, 1);
const GB = 1024 ** 3;
const ids = new Map<string, string>();
let created = 0;

async function insertImage(spec: Spec): Promise<string> {
  const id = crypto.randomUUID();
  const at = new Date(T0 + ++created * 60_000);
  const osType = spec.osType ?? 'linux';
  // Through the portal's own insert, which keeps the tags' rows (image_tags) and attaches a
  // DC-bound image to its own data center.
  await getDb().transaction(async (tx) => {
    await insertImageRow(tx, {
      id,
      name: spec.name,
      alias: spec.alias ?? null,
      version: spec.version ?? '1',
      osType,
      category: osType === 'windows' ? 'Windows' : 'Linux',
      diskFormat: spec.diskFormat ?? 'qcow2',
      status: spec.status ?? 'ok',
      access: spec.access ?? 'public',
      sizeBytes: spec.sizeBytes === undefined ? GB : spec.sizeBytes,
      tags: spec.tags ?? [],
      dcBoundId: spec.bound ?? null,
      sourceUrl: 'http://127.0.0.1:9/x.qcow2',
      createdAt: at,
      updatedAt: at,
    });
  });
  for (const dc of spec.attached ?? []) {
    await getDb().insert(imageDataCenters).values({ imageId: id, dataCenterId: dc, attachedAt: at });
  }
  ids.set(spec.name, id);
  return id;
}

let admin: UserContext;
let imageAdminA: UserContext;
let outsider: UserContext;
let dcA: string, dcB: string, dcEmpty: string;

const names = async (user: UserContext, request: Parameters<typeof listImagesPage>[1] = {}) =>
  (await listImagesPage(user, { pageSize: 100, ...request })).rows.map((r) => r.name);

beforeAll(async () => {
  admin = await createSuperAdmin();
  dcA = await createDataCenterAs(admin, 'list-a');
  dcB = await createDataCenterAs(admin, 'list-b');
  dcEmpty = await createDataCenterAs(admin, 'list-empty');
  imageAdminA = await createUserWithRole('ImageAdmin', dcA);
  outsider = await createUserWithRole('ImageImportAdmin', dcA); // without ImageAdmin beside it: no role at all

  await insertImage({
    name: 'ubuntu-22.04',
    alias: 'ubuntu',
    version: '22.04',
    sizeBytes: 2 * GB,
    tags: ['lts', 'cloud'],
    attached: [dcA],
  });
  await insertImage({
    name: 'ubuntu-24.04',
    alias: 'ubuntu',
    version: '24.04',
    sizeBytes: 3 * GB,
    tags: ['lts'],
    attached: [dcA, dcB],
  });
  await insertImage({ name: 'ubuntu-24.10', alias: 'ubuntu', version: '24.10', diskFormat: 'raw', access: 'private' });
  await insertImage({
    name: 'Windows-2022',
    alias: 'winsrv',
    version: '2022',
    osType: 'windows',
    diskFormat: 'vhdx',
    status: 'disabled',
    sizeBytes: 10 * GB,
    tags: ['gpu'],
    bound: dcA,
  });
  await insertImage({
    name: 'freebsd-14',
    osType: 'bsd',
    diskFormat: 'raw',
    sizeBytes: null,
    tags: ['ports'],
    bound: dcB,
  });
  await insertImage({
    name: 'old-debian',
    alias: 'debian',
    version: '9',
    access: 'deleted',
    tags: ['lts'],
    bound: dcA,
  });
  // For LIKE escaping: `_` must match an underscore only, not any character.
  await insertImage({ name: 'a_b', sizeBytes: 5 });
  await insertImage({ name: 'axb', sizeBytes: 6 });

  // Installed on a node of each data center; installing does not count.
  const nodeA = await insertUnreachableNode(dcA, 'list-node-a');
  const nodeB = await insertUnreachableNode(dcB, 'list-node-b');
  const at = new Date(T0);
  await getDb()
    .insert(nodeImages)
    .values([
      { nodeId: nodeA, imageId: ids.get('ubuntu-22.04')!, state: 'installed', updatedAt: at },
      { nodeId: nodeB, imageId: ids.get('ubuntu-22.04')!, state: 'installed', updatedAt: at },
      { nodeId: nodeA, imageId: ids.get('ubuntu-24.04')!, state: 'installing', updatedAt: at },
    ]);
});

describe('listImagesPage: filters', () => {
  it('hides deleted images by default; access=all shows them, access=deleted only them', async () => {
    expect(await names(admin)).not.toContain('old-debian');
    expect(await names(admin, { access: 'all' })).toContain('old-debian');
    expect(await names(admin, { access: 'deleted' })).toEqual(['old-debian']);
    expect(await names(admin, { access: 'private' })).toEqual(['ubuntu-24.10']);
  });

  it('searches name or alias, any case', async () => {
    expect(await names(admin, { q: 'UBUNTU-24' })).toEqual(['ubuntu-24.04', 'ubuntu-24.10']);
    expect(await names(admin, { q: 'winsrv' })).toEqual(['Windows-2022']);
    expect(await names(admin, { q: 'zzz' })).toEqual([]);
  });

  it('escapes LIKE wildcards in the search', async () => {
    expect(await names(admin, { q: 'a_b' })).toEqual(['a_b']);
    expect(await names(admin, { q: '%' })).toEqual([]);
    expect(await names(admin, { q: '\\' })).toEqual([]);
  });

  it('filters by OS type, status, format and tag', async () => {
    expect(await names(admin, { osType: 'windows' })).toEqual(['Windows-2022']);
    expect(await names(admin, { osType: 'sunos' })).toEqual([]);
    expect(await names(admin, { status: 'disabled' })).toEqual(['Windows-2022']);
    expect(await names(admin, { status: 'failed' })).toEqual([]);
    expect(await names(admin, { diskFormat: 'raw' })).toEqual(['freebsd-14', 'ubuntu-24.10']);
    expect(await names(admin, { diskFormat: 'iso' })).toEqual([]);
    expect(await names(admin, { tag: 'lts' })).toEqual(['ubuntu-22.04', 'ubuntu-24.04']);
    expect(await names(admin, { tag: 'lts', access: 'all' })).toEqual(['old-debian', 'ubuntu-22.04', 'ubuntu-24.04']);
    // A tag is matched whole, not as a substring of the JSON text.
    expect(await names(admin, { tag: 'lt' })).toEqual([]);
    expect(await names(admin, { tag: '"lts"' })).toEqual([]);
  });

  it('filters by data center: bound to it or attached to it', async () => {
    expect(await names(admin, { dataCenterId: dcB })).toEqual(['freebsd-14', 'ubuntu-24.04']);
    expect(await names(admin, { dataCenterId: dcA })).toEqual(['ubuntu-22.04', 'ubuntu-24.04', 'Windows-2022']);
    expect(await names(admin, { dataCenterId: dcEmpty })).toEqual([]);
  });

  it('combines filters', async () => {
    expect(await names(admin, { q: 'ubuntu', tag: 'lts', dataCenterId: dcB })).toEqual(['ubuntu-24.04']);
  });
});

describe('listImagesPage: scoping', () => {
  it('shows an ImageAdmin only images bound or attached to their data centers', async () => {
    expect(await names(imageAdminA)).toEqual(['ubuntu-22.04', 'ubuntu-24.04', 'Windows-2022']);
    expect(await names(imageAdminA, { access: 'all' })).toEqual([
      'old-debian',
      'ubuntu-22.04',
      'ubuntu-24.04',
      'Windows-2022',
    ]);
  });

  it('never shows another data center’s bound image, even when filtering by that data center', async () => {
    expect(await names(imageAdminA, { dataCenterId: dcB })).toEqual(['ubuntu-24.04']);
    expect(await names(imageAdminA, { q: 'freebsd', access: 'all' })).toEqual([]);
  });

  it('shows nothing to a user without an effective role', async () => {
    expect(await listImagesPage(outsider)).toMatchObject({ rows: [], total: 0, page: 1, pageCount: 1 });
    expect(await listImageFilterOptions(outsider)).toEqual({ osTypes: [], tags: [] });
  });

  it('counts installed nodes in the data centers the user sees only', async () => {
    const installed = async (user: UserContext) =>
      (await listImagesPage(user, { q: 'ubuntu-2' })).rows.map((r) => [r.name, r.installedNodes]);
    expect(await installed(admin)).toEqual([
      ['ubuntu-22.04', 2],
      ['ubuntu-24.04', 0],
      ['ubuntu-24.10', 0],
    ]);
    expect(await installed(imageAdminA)).toEqual([
      ['ubuntu-22.04', 1],
      ['ubuntu-24.04', 0],
    ]);
  });

  it('offers the OS types and tags of the images the user sees, and no others', async () => {
    expect(await listImageFilterOptions(admin)).toEqual({
      osTypes: ['linux', 'windows', 'bsd'],
      tags: ['cloud', 'gpu', 'lts', 'ports'],
    });
    // "ports" tags only an image of data center B.
    expect(await listImageFilterOptions(imageAdminA)).toEqual({
      osTypes: ['linux', 'windows'],
      tags: ['cloud', 'gpu', 'lts'],
    });
  });
});

describe('listImagesPage: order and pages', () => {
  it('sorts by name ignoring case by default, and reverses', async () => {
    const all = ['a_b', 'axb', 'freebsd-14', 'ubuntu-22.04', 'ubuntu-24.04', 'ubuntu-24.10', 'Windows-2022'];
    expect(await names(admin)).toEqual(all);
    expect(await names(admin, { sort: 'name', dir: 'desc' })).toEqual([...all].reverse());
  });

  it('sorts by size (unknown sizes last when largest first), creation and version', async () => {
    expect(await names(admin, { sort: 'size', dir: 'desc' })).toEqual([
      'Windows-2022',
      'ubuntu-24.04',
      'ubuntu-22.04',
      'ubuntu-24.10',
      'axb',
      'a_b',
      'freebsd-14',
    ]);
    expect(await names(admin, { sort: 'created', dir: 'desc' })).toEqual([
      'axb',
      'a_b',
      'freebsd-14',
      'Windows-2022',
      'ubuntu-24.10',
      'ubuntu-24.04',
      'ubuntu-22.04',
    ]);
    expect(await names(admin, { sort: 'version', dir: 'asc', q: 'ubuntu' })).toEqual([
      'ubuntu-22.04',
      'ubuntu-24.04',
      'ubuntu-24.10',
    ]);
  });

  it('pages with totals; a page past the end shows the last one', async () => {
    const first = await listImagesPage(admin, { pageSize: 3 });
    expect(first).toMatchObject({ total: 7, page: 1, pageSize: 3, pageCount: 3 });
    expect(first.rows.map((r) => r.name)).toEqual(['a_b', 'axb', 'freebsd-14']);
    expect((await listImagesPage(admin, { pageSize: 3, page: 2 })).rows.map((r) => r.name)).toEqual([
      'ubuntu-22.04',
      'ubuntu-24.04',
      'ubuntu-24.10',
    ]);
    const past = await listImagesPage(admin, { pageSize: 3, page: 99 });
    expect(past).toMatchObject({ total: 7, page: 3 });
    expect(past.rows.map((r) => r.name)).toEqual(['Windows-2022']);
    expect(await listImagesPage(admin, { tag: 'gpu', pageSize: 3 })).toMatchObject({ total: 1, pageCount: 1 });
  });

  it('caps the page size at 100', async () => {
    expect((await listImagesPage(admin, { pageSize: 10_000 })).pageSize).toBe(100);
  });

  it('groups versions of one alias together, with how many match, images without an alias last', async () => {
    const grouped = await listImagesPage(admin, { group: 'alias', sort: 'version', dir: 'desc', pageSize: 100 });
    expect(grouped.rows.map((r) => r.name)).toEqual([
      'ubuntu-24.10',
      'ubuntu-24.04',
      'ubuntu-22.04',
      'Windows-2022',
      'freebsd-14',
      'axb',
      'a_b',
    ]);
    expect(grouped.aliasCounts).toEqual({ ubuntu: 3, winsrv: 1 });
    // Counts cover every matching version, also those on other pages.
    expect(
      (await listImagesPage(admin, { group: 'alias', pageSize: 10, q: 'ubuntu', tag: 'lts' })).aliasCounts,
    ).toEqual({
      ubuntu: 2,
    });
    expect((await listImagesPage(admin, { group: 'alias', pageSize: 1 })).aliasCounts).toEqual({ ubuntu: 3 });
  });
});

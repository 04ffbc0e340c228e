import crypto from 'node:crypto';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { auditCsvStream, csvField } from '@/lib/audit/csv';
import { listAuditPage } from '@/lib/audit/queries';
import { recordAudit } from '@/lib/audit/record';
import type { UserContext } from '@/lib/auth/policy';
import { getDb } from '@/lib/db/client';
import { auditEvents } from '@/lib/db/tables';
import { issueApiToken } from '@/lib/tokens/operations';
import { grantRole } from '@/lib/users/grants';
import { call } from '../support/api-client';
import {
  createDataCenterAs,
  createSuperAdmin,
  createUrlImage,
  createUserWithRole,
  expectOk,
  insertUnreachableNode,
  run,
} from '../support/portal';

// The CSV route reads the session as a page does; here the session is whoever the test says.
let signedIn: string | null = null;
vi.mock('@/lib/auth/auth', () => ({ auth: async () => (signedIn ? { user: { id: signedIn } } : null) }));

let admin: UserContext;
let dcAdminA: UserContext;
let dcA: string;
let dcB: string;
let imageId: string;
let nodeId: string;
let grantee: UserContext;
const goneImageId = crypto.randomUUID();
const namelessId = crypto.randomUUID();

beforeAll(async () => {
  admin = await createSuperAdmin();
  dcA = await createDataCenterAs(admin, 'names-a');
  dcB = await createDataCenterAs(admin, 'names-b');
  dcAdminA = await createUserWithRole('DCAdmin', dcA);
  grantee = await createUserWithRole('ImageAdmin', dcB);
  await getDb().delete(auditEvents); // start from a known log
  // Real operations, as the UI runs them: an image bound to A, a grant on A.
  imageId = await createUrlImage(admin, {
    name: 'names-ubuntu',
    dcBoundId: dcA,
    sourceUrl: 'http://127.0.0.1:9/u.qcow2',
    sha256: 'a'.repeat(64),
  });
  expectOk(await run(grantRole, { userId: grantee.id, dataCenterId: dcA, role: 'DCAdmin' }, admin));
  nodeId = await insertUnreachableNode(dcA, 'names-node-1');
  const event = async (entry: Omit<Parameters<typeof recordAudit>[0], 'outcome'> & { outcome?: 'ok' | 'denied' }) =>
    await recordAudit({ outcome: 'ok', ...entry });
  await event({ userId: admin.id, action: 'node.test', targetType: 'node', targetId: nodeId, dataCenterId: dcA });
  // Gone since: one recorded its name, one did not.
  await event({
    userId: admin.id,
    action: 'image.purge',
    targetType: 'image',
    targetId: goneImageId,
    dataCenterId: dcA,
    details: { name: '=1+2', reason: 'he said "no", then\nleft', nodeId },
  });
  await event({ userId: admin.id, action: 'node.test', targetType: 'node', targetId: namelessId, dataCenterId: dcA });
  // Elsewhere: another data center, and none at all.
  await event({
    userId: admin.id,
    action: 'datacenter.rename',
    targetType: 'datacenter',
    targetId: dcB,
    dataCenterId: dcB,
  });
  await event({
    userId: null,
    action: 'auth.login',
    targetType: 'user',
    outcome: 'denied',
    details: { username: '@admin' },
  });
});

const byAction = <T extends { action: string }>(rows: T[], action: string) => rows.filter((r) => r.action === action);

describe('audit events carry names, linked where they still exist', () => {
  it('names the user, the target and the data center, with links a SuperAdmin may follow', async () => {
    const { rows } = await listAuditPage(admin, { pageSize: 100 });
    const [created] = byAction(rows, 'image.create');
    expect(created).toMatchObject({
      user: { name: admin.username, href: `/access/users/${admin.id}`, exists: true },
      target: { type: 'image', id: imageId, name: 'names-ubuntu', href: `/images/${imageId}`, exists: true },
      dataCenter: { name: 'Data center names-a', href: `/locations/${dcA}` },
    });
    const [grant] = byAction(rows, 'user.grant-role');
    expect(grant!.target).toMatchObject({ name: grantee.username, href: `/access/users/${grantee.id}` });
    const [tested] = byAction(rows, 'node.test').filter((r) => r.target.id === nodeId);
    expect(tested!.target).toMatchObject({ name: 'names-node-1', href: `/nodes/${nodeId}` });
    const [renamed] = byAction(rows, 'datacenter.rename');
    expect(renamed!.target).toMatchObject({ name: 'Data center names-b', href: `/locations/${dcB}` });
  });

  it('keeps the recorded name of a target that is gone, else its id, unlinked; ids in the details get names', async () => {
    const { rows } = await listAuditPage(admin, { pageSize: 100 });
    const [purged] = byAction(rows, 'image.purge');
    expect(purged!.target).toEqual({ type: 'image', id: goneImageId, name: '=1+2', href: null, exists: false });
    expect(purged!.detailRefs.nodeId).toMatchObject({ name: 'names-node-1', href: `/nodes/${nodeId}` });
    const [nameless] = byAction(rows, 'node.test').filter((r) => r.target.id === namelessId);
    expect(nameless!.target).toEqual({ type: 'node', id: namelessId, name: namelessId, href: null, exists: false });
    const [login] = byAction(rows, 'auth.login');
    expect(login).toMatchObject({ user: null, target: { name: '@admin', href: null } });
  });

  it('links for a DCAdmin only what they may open: their data center’s things, not user pages', async () => {
    const { rows } = await listAuditPage(dcAdminA, { pageSize: 100 });
    expect(rows.every((r) => r.dataCenter?.name === 'Data center names-a')).toBe(true);
    const [created] = byAction(rows, 'image.create');
    expect(created).toMatchObject({
      user: { name: admin.username, href: null },
      target: { name: 'names-ubuntu', href: `/images/${imageId}` },
    });
    expect(byAction(rows, 'user.grant-role')[0]!.target).toMatchObject({ name: grantee.username, href: null });
  });
});

/** RFC 4180, enough to read back what the export wrote: quoted fields, doubled quotes, CRLF lines. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  const field = /("(?:[^"]|"")*"|[^,\r\n]*)(,|\r\n)/gy;
  let row: string[] = [];
  let read = 0;
  for (let m = field.exec(text); m && read < text.length; m = field.exec(text)) {
    read = field.lastIndex;
    row.push(m[1]!.startsWith('"') ? m[1]!.slice(1, -1).replace(/""/g, '"') : m[1]!);
    if (m[2] === '\r\n') {
      rows.push(row);
      row = [];
    }
  }
  expect(read, 'the whole text parses as CSV').toBe(text.length);
  return rows;
}

const readCsv = async (user: UserContext, filters = {}) =>
  parseCsv(await new Response(auditCsvStream(user, filters)).text());

describe('the CSV export', () => {
  it('quotes fields with commas, quotes and line breaks, and guards cells a spreadsheet would run', () => {
    expect(csvField('plain')).toBe('plain');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('two\r\nlines')).toBe('"two\r\nlines"');
    for (const formula of ['=1+2', '+1', '-1', '@SUM(A1)', '\tx'])
      expect(csvField(formula), formula).toBe(`'${formula}`);
    expect(csvField('=HYPERLINK("x","y")')).toBe(`"'=HYPERLINK(""x"",""y"")"`);
    expect(csvField('a=b')).toBe('a=b');
  });

  it('has a header line, then every event a SuperAdmin may read, newest first, names for ids', async () => {
    const [header, ...rows] = await readCsv(admin);
    expect(header).toEqual([
      'Time (UTC)',
      'User',
      'Action',
      'Target type',
      'Target',
      'Target id',
      'Data center',
      'Outcome',
      'Details',
    ]);
    expect(rows).toHaveLength((await listAuditPage(admin, {})).total);
    const purge = rows.find((r) => r[2] === 'image.purge')!;
    expect(purge.slice(1, 8)).toEqual([
      admin.username,
      'image.purge',
      'image',
      "'=1+2",
      goneImageId,
      'Data center names-a',
      'ok',
    ]);
    expect(JSON.parse(purge[8]!)).toMatchObject({ reason: 'he said "no", then\nleft' });
    expect(rows.find((r) => r[2] === 'auth.login')!.slice(1, 5)).toEqual([
      'anonymous or system',
      'auth.login',
      'user',
      "'@admin",
    ]);
    const times = rows.map((r) => r[0]!);
    expect(times).toEqual([...times].sort().reverse());
  });

  it('gives a DCAdmin only their data centers’ events, and applies the filters', async () => {
    const [, ...rows] = await readCsv(dcAdminA);
    expect(rows.length).toBe((await listAuditPage(dcAdminA, {})).total);
    expect(new Set(rows.map((r) => r[6]))).toEqual(new Set(['Data center names-a']));
    expect(rows.map((r) => r[2])).not.toContain('datacenter.rename');
    expect(rows.map((r) => r[2])).not.toContain('auth.login');
    const [, ...tests] = await readCsv(dcAdminA, { action: 'node.test' });
    expect(tests.map((r) => r[4]).sort()).toEqual(['names-node-1', namelessId].sort());
  });

  it('streams past one batch without repeating or skipping an event', async () => {
    const many = Array.from({ length: 1203 }, (_, i) => ({
      at: new Date(Date.UTC(2020, 0, 1, 0, 0, Math.floor(i / 3))), // three events to a second: ties
      userId: admin.id,
      action: 'bulk.test',
      targetType: 'node',
      targetId: `bulk-${i}`,
      dataCenterId: dcB,
      outcome: 'ok' as const,
      details: {},
    }));
    await getDb().insert(auditEvents).values(many);
    const [, ...rows] = await readCsv(admin, { action: 'bulk.test' });
    expect(rows).toHaveLength(1203);
    expect(new Set(rows.map((r) => r[5])).size).toBe(1203);
  });

  it('answers the download route with the same policy: CSV for a DCAdmin, 404 for others, 401 anonymous', async () => {
    const { GET } = await import('@/app/(portal)/audit/export/route');
    const get = (query = '') => GET(new Request(`http://portal.test/audit/export${query}`));
    signedIn = dcAdminA.id;
    const answer = await get('?action=node.test&outcome=ok');
    expect(answer.status).toBe(200);
    expect(answer.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(answer.headers.get('content-disposition')).toMatch(/^attachment; filename="audit-.*\.csv"$/);
    const [, ...rows] = parseCsv(await answer.text());
    expect(rows.map((r) => r[2])).toEqual(['node.test', 'node.test']);
    signedIn = grantee.id; // DCAdmin on A now, by the grant above
    expect((await get()).status).toBe(200);
    signedIn = (await createUserWithRole('ImageAdmin', dcA)).id;
    expect((await get()).status).toBe(404);
    signedIn = null;
    expect((await get()).status).toBe(401);
  });
});

describe('GET /api/v1/audit', () => {
  it('takes the page’s filters and paging, and names ids as the page does', async () => {
    const token = (await issueApiToken(admin.id, 'audit-api')).token;
    const answer = await call('GET', '/audit', { token, query: `action=image.create&pageSize=10` });
    expect(answer.status).toBe(200);
    expect(answer.json).toMatchObject({ total: 1, page: 1, pageSize: 10, pageCount: 1 });
    expect(answer.json.rows[0]).toMatchObject({
      action: 'image.create',
      user: { id: admin.id, name: admin.username },
      target: { type: 'image', id: imageId, name: 'names-ubuntu', exists: true },
      dataCenter: { id: dcA, name: 'Data center names-a', exists: true },
      details: { name: 'names-ubuntu' },
    });
    expect(answer.json.rows[0].at).toMatch(/^\d{4}-\d\d-\d\dT/);
    const paged = await call('GET', '/audit', { token, query: 'action=bulk.test&pageSize=10&page=3' });
    expect(paged.json).toMatchObject({ total: 1203, page: 3, pageCount: 121 });
    expect(paged.json.rows).toHaveLength(10);
    const bad = await call('GET', '/audit', { token, query: 'outcome=maybe&pageSize=7' });
    expect(bad).toMatchObject({ status: 400, json: { error: { code: 'invalid' } } });
    expect(bad.json.error.message).toMatch(/outcome.*page size/);
  });

  it('gives a DCAdmin their data centers’ events only, and anyone else 404', async () => {
    const token = (await issueApiToken(dcAdminA.id, 'audit-api-dc')).token;
    const answer = await call('GET', '/audit', { token, query: 'pageSize=100' });
    expect(answer.status).toBe(200);
    expect(answer.json.total).toBe((await listAuditPage(dcAdminA, {})).total);
    expect(answer.json.rows.every((r: { dataCenter: { id: string } }) => r.dataCenter.id === dcA)).toBe(true);
    // A filter value that occurs only in events they may not read is refused, not answered empty.
    expect((await call('GET', '/audit', { token, query: 'action=datacenter.rename' })).status).toBe(400);
    const imageAdmin = await createUserWithRole('ImageAdmin', dcA);
    const other = (await issueApiToken(imageAdmin.id, 'audit-api-none')).token;
    expect((await call('GET', '/audit', { token: other })).status).toBe(404);
  });
});

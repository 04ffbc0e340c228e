import 'server-only';
import { eq, inArray } from 'drizzle-orm';
import { can, repositoryBrowseSubject, type UserContext } from '@/lib/auth/policy';
import { getDb } from '@/lib/db/client';
import { jobImageName } from '@/lib/jobs/queries';
import {
  apiTokens,
  cloudAccounts,
  credentials,
  dataCenters,
  imageDataCenters,
  imageRepositories,
  images,
  jobs,
  machines,
  nodes,
  sizes,
  users,
} from '@/lib/db/tables';

/**
 * Names for the ids an audit event records: its target, and ids among its details (a node, a job).
 * A thing that still exists gets its current name and, where the viewer may open its page, a link;
 * a deleted one keeps the name the event recorded (`name`, `username`), else its id, unlinked.
 */

export type AuditRef = {
  type: string;
  id: string | null;
  name: string;
  /** The portal page of the thing, for this viewer; null when gone or not theirs to open. */
  href: string | null;
  exists: boolean;
};

type Found = { id: string; name: string; href: string | null };
type Lookup = (user: UserContext, ids: string[]) => Promise<Found[]>;

const viewDc = (user: UserContext, dataCenterId: string | null) =>
  dataCenterId !== null && can(user, 'datacenter.view', { dataCenterId });

const LOOKUPS: Record<string, Lookup> = {
  image: async (user, ids) => {
    const rows = await getDb()
      .select({ id: images.id, name: images.name, dcBoundId: images.dcBoundId, access: images.access })
      .from(images)
      .where(inArray(images.id, ids));
    const attached = await getDb()
      .select({ imageId: imageDataCenters.imageId, dataCenterId: imageDataCenters.dataCenterId })
      .from(imageDataCenters)
      .where(inArray(imageDataCenters.imageId, ids));
    return rows.map((r) => {
      const attachedDataCenterIds = attached.filter((a) => a.imageId === r.id).map((a) => a.dataCenterId);
      const mayView = can(user, 'image.view', { image: r, attachedDataCenterIds });
      return { id: r.id, name: r.name, href: mayView ? `/images/${r.id}` : null };
    });
  },
  node: async (user, ids) =>
    (
      await getDb()
        .select({ id: nodes.id, name: nodes.name, dataCenterId: nodes.dataCenterId })
        .from(nodes)
        .where(inArray(nodes.id, ids))
    ).map((r) => ({ id: r.id, name: r.name, href: viewDc(user, r.dataCenterId) ? `/nodes/${r.id}` : null })),
  datacenter: async (user, ids) =>
    (
      await getDb()
        .select({ id: dataCenters.id, name: dataCenters.name })
        .from(dataCenters)
        .where(inArray(dataCenters.id, ids))
    ).map((r) => ({ id: r.id, name: r.name, href: viewDc(user, r.id) ? `/locations/${r.id}` : null })),
  job: async (user, ids) =>
    (
      await getDb()
        .select({
          id: jobs.id,
          kind: jobs.kind,
          dataCenterId: jobs.dataCenterId,
          imageName: jobImageName,
          nodeName: nodes.name,
          dataCenterName: dataCenters.name,
        })
        .from(jobs)
        .leftJoin(images, eq(images.id, jobs.imageId))
        .leftJoin(nodes, eq(nodes.id, jobs.nodeId))
        .leftJoin(dataCenters, eq(dataCenters.id, jobs.dataCenterId))
        .where(inArray(jobs.id, ids))
    ).map((r) => ({
      id: r.id,
      // "install ubuntu-24.04 on node-1", "sync-images Rotterdam 1", as the job's page is titled.
      name: [r.kind, r.imageName, r.nodeName ? `on ${r.nodeName}` : r.imageName ? null : r.dataCenterName]
        .filter(Boolean)
        .join(' '),
      href: user.isSuperAdmin || viewDc(user, r.dataCenterId) ? `/jobs/${r.id}` : null,
    })),
  repository: async (user, ids) =>
    (
      await getDb()
        .select({ id: imageRepositories.id, name: imageRepositories.name })
        .from(imageRepositories)
        .where(inArray(imageRepositories.id, ids))
    ).map((r) => ({
      id: r.id,
      name: r.name,
      href: can(user, 'repository.browse', repositoryBrowseSubject(user)) ? `/repositories/${r.id}` : null,
    })),
  user: async (user, ids) =>
    (await getDb().select({ id: users.id, name: users.username }).from(users).where(inArray(users.id, ids))).map(
      (r) => ({ ...r, href: can(user, 'users.manage', {}) ? `/access/users/${r.id}` : null }),
    ),
  // Credentials and sizes have no page of their own: the list they are on is theirs.
  credential: async (user, ids) =>
    (
      await getDb()
        .select({ id: credentials.id, name: credentials.name })
        .from(credentials)
        .where(inArray(credentials.id, ids))
    ).map((r) => ({ ...r, href: can(user, 'infrastructure.manage', {}) ? '/credentials' : null })),
  size: async (_user, ids) =>
    (await getDb().select({ id: sizes.id, name: sizes.name }).from(sizes).where(inArray(sizes.id, ids))).map((r) => ({
      ...r,
      href: null,
    })),
  'cloud-account': async (user, ids) =>
    (
      await getDb()
        .select({ id: cloudAccounts.id, name: cloudAccounts.name })
        .from(cloudAccounts)
        .where(inArray(cloudAccounts.id, ids))
    ).map((r) => ({ ...r, href: can(user, 'cloud.manage', {}) ? `/clouds/${r.id}` : null })),
  // A machine is listed on its node's page.
  machine: async (user, ids) =>
    (
      await getDb()
        .select({ id: machines.id, name: machines.name, nodeId: machines.nodeId, dataCenterId: nodes.dataCenterId })
        .from(machines)
        .innerJoin(nodes, eq(nodes.id, machines.nodeId))
        .where(inArray(machines.id, ids))
    ).map((r) => ({ id: r.id, name: r.name, href: viewDc(user, r.dataCenterId) ? `/nodes/${r.nodeId}` : null })),
  // Only the owner sees a token, on their Profile page.
  api_token: async (user, ids) =>
    (
      await getDb()
        .select({ id: apiTokens.id, name: apiTokens.name, userId: apiTokens.userId })
        .from(apiTokens)
        .where(inArray(apiTokens.id, ids))
    ).map((r) => ({ id: r.id, name: r.name, href: r.userId === user.id ? '/profile' : null })),
};

/** Ids among an event's details that name something, and what they name. */
export const DETAIL_REFERENCES: Record<string, string> = {
  imageId: 'image',
  nodeId: 'node',
  jobId: 'job',
  repositoryId: 'repository',
  dataCenterId: 'datacenter',
  userId: 'user',
  credentialId: 'credential',
  machineId: 'machine',
  accountId: 'cloud-account',
};

export type RefRequest = { type: string; id: string | null; recordedName?: unknown };

/**
 * Resolves many references at once: one query per type however many events ask, so a page of 100
 * events costs a handful of lookups. Returns a function that answers for one reference.
 */
export async function resolveRefs(
  user: UserContext,
  requests: RefRequest[],
): Promise<(request: RefRequest) => AuditRef> {
  const idsByType = new Map<string, Set<string>>();
  for (const { type, id } of requests) {
    if (id === null || !LOOKUPS[type]) continue;
    idsByType.set(type, (idsByType.get(type) ?? new Set()).add(id));
  }
  const found = new Map<string, Found>();
  for (const [type, ids] of idsByType)
    for (const row of await LOOKUPS[type]!(user, [...ids])) found.set(`${type}:${row.id}`, row);
  return ({ type, id, recordedName }) => {
    const hit = id === null ? undefined : found.get(`${type}:${id}`);
    if (hit) return { type, id, name: hit.name, href: hit.href, exists: true };
    const recorded = typeof recordedName === 'string' && recordedName !== '' ? recordedName : null;
    return { type, id, name: recorded ?? id ?? '—', href: null, exists: false };
  };
}

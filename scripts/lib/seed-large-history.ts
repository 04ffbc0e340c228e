/**
 * The history part of `npm run seed:large`: finished jobs and audit events over the seed's nodes and
 * images, so /jobs, /audit and the jobs of Location Details are tried at scale too. Jobs are only
 * ever finished (succeeded, failed, cancelled): a queued or running one would be claimed by the
 * portal's runner at start-up, which would then try the fake nodes.
 */
import crypto from 'node:crypto';
import type { AuditOutcome, JobKind, JobStatus } from '../../lib/db/enums';
import type { auditEvents, jobs } from '../../lib/db/tables';

type Pick = <T>(list: readonly T[]) => T;
type Random = { next: () => number; pick: Pick };
type SeededNode = { id: string; dataCenterId: string };
type SeededImage = { id: string; name: string };

const DAY = 24 * 3600 * 1000;
/** How far back the history reaches: a year of work. */
const SPAN = 365 * DAY;

const JOB_KINDS: JobKind[] = ['install', 'install', 'install', 'install', 'install', 'install', 'uninstall', 'import'];
const JOB_ENDINGS: JobStatus[] = [
  'succeeded',
  'succeeded',
  'succeeded',
  'succeeded',
  'succeeded',
  'failed',
  'cancelled',
];
const JOB_ERRORS = [
  'ssh: connect to 127.0.0.254: connection refused (seed:large, fake)',
  'checksum mismatch (seed:large, fake)',
  'not enough free disk on the node (seed:large, fake)',
];

/** Audit actions with the target each is about, as the portal's operations name them. */
const AUDIT_ACTIONS: { action: string; targetType: 'image' | 'node' | 'datacenter' }[] = [
  { action: 'image.create', targetType: 'image' },
  { action: 'image.edit', targetType: 'image' },
  { action: 'image.attach', targetType: 'image' },
  { action: 'image.lifecycle', targetType: 'image' },
  { action: 'node.install', targetType: 'node' },
  { action: 'node.test', targetType: 'node' },
  { action: 'node.maintenance', targetType: 'node' },
  { action: 'datacenter.rename', targetType: 'datacenter' },
];
const AUDIT_OUTCOMES: AuditOutcome[] = ['ok', 'ok', 'ok', 'ok', 'ok', 'ok', 'ok', 'ok', 'denied', 'error'];

/**
 * `count` finished jobs, oldest first, spread evenly over the last year. A job of a node is in that
 * node's data center, and of an image usable there (`usable`, by data center: bound or attached),
 * as the portal allows installs only there; sync jobs are per data center and name no node or image.
 */
export function jobRows(
  count: number,
  rnd: Random,
  at: Date,
  seeded: { nodes: SeededNode[]; images: SeededImage[]; dataCenterIds: string[]; usable: Map<string, string[]> },
): (typeof jobs.$inferInsert)[] {
  const byId = new Map(seeded.images.map((image) => [image.id, image]));
  // A data center without usable images (a seed without node-image rows) has jobs of any image.
  const imageFor = (node: SeededNode) => {
    const usable = seeded.usable.get(node.dataCenterId) ?? [];
    return usable.length > 0 ? byId.get(rnd.pick(usable))! : rnd.pick(seeded.images);
  };
  return Array.from({ length: count }, (_, i) => {
    const created = new Date(at.getTime() - SPAN + Math.floor((i * SPAN) / Math.max(1, count)));
    const finished = new Date(created.getTime() + Math.floor(rnd.next() * 600_000));
    const status = rnd.pick(JOB_ENDINGS);
    const common = {
      id: crypto.randomUUID(),
      status,
      phase: status === 'succeeded' ? 'record' : 'transfer',
      attempt: 1,
      maxAttempts: 3,
      error: status === 'failed' ? rnd.pick(JOB_ERRORS) : null,
      createdAt: created,
      startedAt: created,
      finishedAt: finished,
      updatedAt: finished,
    };
    // One in fifty is a sync of a whole data center.
    if (i % 50 === 49) {
      return {
        ...common,
        kind: i % 100 === 99 ? 'sync-sizes' : 'sync-images',
        dataCenterId: rnd.pick(seeded.dataCenterIds),
      };
    }
    const node = rnd.pick(seeded.nodes);
    const image = imageFor(node);
    const bytes = Math.floor((0.1 + rnd.next() * 4) * 1024 ** 3);
    return {
      ...common,
      kind: rnd.pick(JOB_KINDS),
      nodeId: node.id,
      imageId: image.id,
      imageName: image.name,
      dataCenterId: node.dataCenterId,
      params: { imageName: image.name },
      bytesTotal: bytes,
      bytesDone: status === 'succeeded' ? bytes : Math.floor(bytes * rnd.next()),
      bytesTransferred: status === 'succeeded' ? bytes : 0,
    };
  });
}

type AuditSeed = {
  nodes: SeededNode[];
  images: (SeededImage & { dcBoundId: string | null })[];
  dataCenterIds: string[];
};

/** The target of an event and the data center it is filed under, which DCAdmins read it by. */
function auditTarget(targetType: 'image' | 'node' | 'datacenter', rnd: Random, seeded: AuditSeed) {
  if (targetType === 'image') {
    const image = rnd.pick(seeded.images);
    return { targetId: image.id, dataCenterId: image.dcBoundId ?? rnd.pick(seeded.dataCenterIds) };
  }
  if (targetType === 'node') {
    const node = rnd.pick(seeded.nodes);
    return { targetId: node.id, dataCenterId: node.dataCenterId };
  }
  const dataCenterId = rnd.pick(seeded.dataCenterIds);
  return { targetId: dataCenterId, dataCenterId };
}

/** `count` audit events, oldest first, over the same year; made by no user (the seed has none). */
export function auditEventRows(
  count: number,
  rnd: Random,
  at: Date,
  seeded: AuditSeed,
): (typeof auditEvents.$inferInsert)[] {
  return Array.from({ length: count }, (_, i) => {
    const { action, targetType } = rnd.pick(AUDIT_ACTIONS);
    const outcome = rnd.pick(AUDIT_OUTCOMES);
    return {
      at: new Date(at.getTime() - SPAN + Math.floor((i * SPAN) / Math.max(1, count))),
      userId: null,
      action,
      targetType,
      ...auditTarget(targetType, rnd, seeded),
      outcome,
      details: outcome === 'ok' ? { seed: 'seed:large, fake' } : { error: 'Made by npm run seed:large (fake).' },
    };
  });
}

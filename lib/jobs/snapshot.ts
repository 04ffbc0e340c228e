import type { JobStatus, LogLevel } from '@/lib/db/enums';
import type { JobView } from './queries';
import { jobKindOf } from './registry';

/** A job as the browser sees it, from the page and from GET /api/jobs/[id] alike. */
export type JobSnapshot = {
  id: string;
  kind: string;
  status: JobStatus;
  phase: string | null;
  bytesDone: number;
  bytesTotal: number | null;
  attempt: number;
  maxAttempts: number;
  /** What its kind allows while it runs (lib/jobs/registry.ts): the page offers only that. */
  cancellable: boolean;
  pausable: boolean;
  /** A cancel or pause asked for and not yet carried out. */
  controlRequest: 'cancel' | 'pause' | null;
  /** When a retry in backoff starts. */
  runAfter: string | null;
  /** Bytes moved over the network by all attempts together. */
  bytesTransferred: number;
  error: string | null;
  nodeId: string | null;
  nodeName: string | null;
  imageId: string | null;
  imageName: string | null;
  dataCenterId: string | null;
  dataCenterName: string | null;
  createdByName: string | null;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  events: { id: number; at: string; level: LogLevel; message: string }[];
};

const iso = (d: Date | null) => (d ? d.toISOString() : null);

export function toJobSnapshot(view: JobView): JobSnapshot {
  const { job } = view;
  return {
    id: job.id,
    kind: job.kind,
    status: job.status,
    phase: job.phase,
    bytesDone: job.bytesDone,
    bytesTotal: job.bytesTotal,
    attempt: job.attempt,
    maxAttempts: job.maxAttempts,
    cancellable: jobKindOf(job.kind).cancellable,
    pausable: jobKindOf(job.kind).pausable,
    controlRequest: job.controlRequest,
    runAfter: iso(job.runAfter),
    bytesTransferred: job.bytesTransferred,
    error: job.error,
    nodeId: job.nodeId,
    nodeName: view.nodeName,
    imageId: job.imageId,
    imageName: view.imageName,
    dataCenterId: job.dataCenterId,
    dataCenterName: view.dataCenterName,
    createdByName: view.createdByName,
    createdAt: job.createdAt.toISOString(),
    startedAt: iso(job.startedAt),
    finishedAt: iso(job.finishedAt),
    events: view.events.map((e) => ({ id: e.id, at: e.at.toISOString(), level: e.level, message: e.message })),
  };
}

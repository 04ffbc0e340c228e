import 'server-only';
import { z } from 'zod';
import { JOB_KINDS, JOB_STATUSES, LOG_LEVELS } from '@/lib/db/enums';
import { bytes, count, named, timestamp } from './registry';

const controlRequest = z
  .enum(['cancel', 'pause'])
  .nullable()
  .describe('A cancel or pause asked for, not yet carried out');

export const jobPage = named(
  'JobPage',
  z.object({
    rows: z.array(
      z.object({
        job: z.object({
          id: z.string(),
          kind: z.enum(JOB_KINDS),
          status: z.enum(JOB_STATUSES),
          nodeId: z.string().nullable(),
          imageId: z.string().nullable(),
          dataCenterId: z.string().nullable(),
          params: z.record(z.string(), z.unknown()),
          result: z.record(z.string(), z.unknown()).nullable(),
          phase: z.string().nullable(),
          bytesDone: bytes,
          bytesTotal: bytes.nullable(),
          attempt: count,
          maxAttempts: count,
          runAfter: timestamp.nullable(),
          bytesTransferred: bytes,
          owner: z.string().nullable().describe('The portal process running the job'),
          leaseUntil: timestamp.nullable(),
          controlRequest,
          error: z.string().nullable(),
          createdBy: z.string().nullable(),
          createdAt: timestamp,
          startedAt: timestamp.nullable(),
          finishedAt: timestamp.nullable(),
          updatedAt: timestamp,
        }),
        nodeName: z.string().nullable(),
        imageName: z.string().nullable(),
        dataCenterName: z.string().nullable(),
        createdByName: z.string().nullable(),
      }),
    ),
    total: count,
    page: count,
    pageSize: count,
    pageCount: count,
  }),
  'One page of jobs, newest first',
);

/** Times here are ISO 8601 text already: the snapshot is what the job page polls too. */
export const jobSnapshot = named(
  'Job',
  z.object({
    id: z.string(),
    kind: z.string(),
    status: z.enum(JOB_STATUSES),
    phase: z.string().nullable(),
    bytesDone: bytes,
    bytesTotal: bytes.nullable(),
    attempt: count,
    maxAttempts: count,
    controlRequest,
    runAfter: z.iso.datetime().nullable().describe('When a retry in backoff starts'),
    bytesTransferred: bytes.describe('Bytes moved over the network by all attempts together'),
    error: z.string().nullable(),
    nodeId: z.string().nullable(),
    nodeName: z.string().nullable(),
    imageId: z.string().nullable(),
    imageName: z.string().nullable(),
    dataCenterId: z.string().nullable(),
    dataCenterName: z.string().nullable(),
    createdByName: z.string().nullable(),
    createdAt: z.iso.datetime(),
    startedAt: z.iso.datetime().nullable(),
    finishedAt: z.iso.datetime().nullable(),
    events: z.array(z.object({ id: count, at: z.iso.datetime(), level: z.enum(LOG_LEVELS), message: z.string() })),
  }),
  'A job with its progress and its log',
);

export const jobQueued = named(
  'JobQueued',
  z.object({ jobId: z.string() }),
  'The job is queued; follow it at /jobs/{jobId}',
);

export const jobCancelled = named(
  'JobCancelled',
  z.object({ jobId: z.string(), status: z.enum(['cancelled', 'cancelling']) }),
  'cancelled: it had not started; cancelling: it stops at a clean boundary within a second',
);

export const jobPaused = named(
  'JobPaused',
  z.object({ jobId: z.string(), status: z.enum(['paused', 'pausing']) }),
  'paused: it had not started its next attempt; pausing: it stops at a clean boundary, keeping its partial file',
);

export const jobResumed = named(
  'JobResumed',
  z.object({ jobId: z.string(), status: z.literal('queued') }),
  'Queued again; it continues from its partial file',
);

export const jobRetried = named(
  'JobRetried',
  z.object({ jobId: z.string(), retriedJobId: z.string() }),
  'A new job does the work again; follow it at /jobs/{jobId}. The old one keeps its history',
);

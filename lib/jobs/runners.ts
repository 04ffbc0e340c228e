import 'server-only';
import os from 'node:os';
import { and, asc, eq, gt, inArray, lte } from 'drizzle-orm';
import { now } from '@/lib/clock';
import { getConfig } from '@/lib/config';
import { getDb } from '@/lib/db/client';
import { dataCenters, jobRunnerDataCenters, jobRunners, jobs } from '@/lib/db/tables';
import { ValidationError } from '@/lib/errors';
import { leaseEnd } from './claims';
import { jobOwnerId } from './owner';

/**
 * The processes that run jobs, as the database knows them: each registers under its job owner id
 * when its runner starts, renews `aliveUntil` with its leases, and leaves when it stops. A runner
 * that died simply stops renewing. Bindings to data centers live here, so that every process's
 * claim can see which data centers have a runner of their own (lib/jobs/claims.ts).
 */

export type RunnerRole = 'web' | 'worker';

/** The ids of the data centers PORTAL_WORKER_DATA_CENTERS names; an unknown code stops the start. */
export async function boundDataCenterIds(codes: readonly string[] = getConfig().workerDataCenters): Promise<string[]> {
  if (codes.length === 0) return [];
  const found = await getDb()
    .select({ id: dataCenters.id, code: dataCenters.code })
    .from(dataCenters)
    .where(inArray(dataCenters.code, [...codes]));
  const unknown = codes.filter((code) => !found.some((dc) => dc.code === code));
  if (unknown.length > 0) {
    throw new ValidationError(
      `PORTAL_WORKER_DATA_CENTERS names no data center with the code ${unknown.map((c) => `'${c}'`).join(', ')}.`,
    );
  }
  return found.map((dc) => dc.id);
}

/** Records this process as a runner, bound to the given data centers (none: any job). */
export async function registerRunner(role: RunnerRole, dataCenterIds: readonly string[]): Promise<void> {
  const id = jobOwnerId();
  const at = now();
  await getDb().transaction(async (tx) => {
    await tx
      .insert(jobRunners)
      .values({ id, role, host: os.hostname(), pid: process.pid, startedAt: at, aliveUntil: leaseEnd() })
      .onConflictDoUpdate({ target: jobRunners.id, set: { role, aliveUntil: leaseEnd() } });
    await tx.delete(jobRunnerDataCenters).where(eq(jobRunnerDataCenters.runnerId, id));
    if (dataCenterIds.length > 0) {
      await tx
        .insert(jobRunnerDataCenters)
        .values(dataCenterIds.map((dataCenterId) => ({ runnerId: id, dataCenterId })));
    }
  });
}

/**
 * Renews this runner's presence, and forgets runners that stopped a while ago (a lease period
 * past their end), so the table holds the live ones and the recently gone.
 */
export async function renewRunner(): Promise<void> {
  const db = getDb();
  await db.update(jobRunners).set({ aliveUntil: leaseEnd() }).where(eq(jobRunners.id, jobOwnerId()));
  const forgetBefore = new Date(now().getTime() - getConfig().jobsLeaseMs);
  await db.delete(jobRunners).where(lte(jobRunners.aliveUntil, forgetBefore));
}

/** Removes this runner: a clean stop, so no one waits for its presence to lapse. */
export async function unregisterRunner(): Promise<void> {
  await getDb().delete(jobRunners).where(eq(jobRunners.id, jobOwnerId()));
}

export type LiveRunner = {
  id: string;
  role: RunnerRole;
  host: string;
  pid: number;
  startedAt: Date;
  dataCenters: { id: string; code: string }[];
  runningJobs: number;
};

/** The runners alive now, oldest first, with their bindings and how many jobs each runs. */
export async function listLiveRunners(): Promise<LiveRunner[]> {
  const db = getDb();
  const at = now();
  const runners = await db
    .select()
    .from(jobRunners)
    .where(gt(jobRunners.aliveUntil, at))
    .orderBy(asc(jobRunners.startedAt), asc(jobRunners.id));
  if (runners.length === 0) return [];
  const ids = runners.map((r) => r.id);
  const bindings = await db
    .select({ runnerId: jobRunnerDataCenters.runnerId, id: dataCenters.id, code: dataCenters.code })
    .from(jobRunnerDataCenters)
    .innerJoin(dataCenters, eq(dataCenters.id, jobRunnerDataCenters.dataCenterId))
    .where(inArray(jobRunnerDataCenters.runnerId, ids));
  const running = await db
    .select({ owner: jobs.owner })
    .from(jobs)
    .where(and(eq(jobs.status, 'running'), inArray(jobs.owner, ids), gt(jobs.leaseUntil, at)));
  return runners.map((runner) => ({
    id: runner.id,
    role: runner.role,
    host: runner.host,
    pid: runner.pid,
    startedAt: runner.startedAt,
    dataCenters: bindings.filter((b) => b.runnerId === runner.id).map(({ id, code }) => ({ id, code })),
    runningJobs: running.filter((job) => job.owner === runner.id).length,
  }));
}

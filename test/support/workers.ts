import { spawn, type ChildProcess } from 'node:child_process';
import { listLiveRunners } from '@/lib/jobs/runners';
import { workerArgs } from '@/scripts/lib/portal-process';
import { until } from './portal';

export type Worker = { pid: number; owner: RegExp; child: ChildProcess; exited: Promise<number | null> };

/**
 * Starts `npm run worker` on this test's database and store (its environment, with `env` on top and
 * a 3-second lease), and waits until it has registered as a live runner.
 */
export async function startWorker(env: Record<string, string> = {}): Promise<Worker> {
  const child = spawn(process.execPath, workerArgs(), {
    env: { ...process.env, PORTAL_JOBS_LEASE_S: '3', ...env },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const owner = new RegExp(`:${child.pid}:`);
  await until(async () => (await listLiveRunners()).some((r) => owner.test(r.id)), 60_000);
  return { pid: child.pid!, owner, child, exited };
}

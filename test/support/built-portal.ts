/**
 * The production build of the portal (`next start`), as a separate process on the test's data
 * directory. Needs `next build` first; npm test builds before it runs the integration tests.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { freePort } from '@/scripts/lib/ports';
import { nextStartArgs } from '@/scripts/lib/portal-process';

export type BuiltPortal = { url: string; pid: number; kill9: () => Promise<void>; stop: () => Promise<void> };

export function assertBuilt(): void {
  if (!fs.existsSync(path.join('.next', 'BUILD_ID'))) {
    throw new Error('This test starts the built portal: run `npx next build` first (npm test does).');
  }
}

export async function startBuiltPortal(host: string, env: Record<string, string> = {}): Promise<BuiltPortal> {
  assertBuilt();
  const port = await freePort(host);
  const child = spawn(process.execPath, nextStartArgs(host, port), {
    env: { ...process.env, NODE_ENV: 'production', ...env },
    stdio: ['ignore', 'inherit', 'inherit'],
    detached: true, // its own process group: a kill reaches every process it started
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const signal = async (name: NodeJS.Signals) => {
    try {
      process.kill(-child.pid!, name);
    } catch {
      // already gone
    }
    await exited;
  };
  const url = `http://${host}:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`next start on ${url} exited with ${child.exitCode}`);
    const ok = await fetch(`${url}/login`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) break;
    if (Date.now() > deadline) {
      await signal('SIGKILL');
      throw new Error(`next start on ${url} did not answer within 60 s`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return { url, pid: child.pid!, kill9: () => signal('SIGKILL'), stop: () => signal('SIGTERM') };
}

/** Queues an install through a portal's JSON API, as a client behind a load balancer would; the job's id. */
export async function queueInstallThrough(
  portal: BuiltPortal,
  token: string,
  imageId: string,
  nodeId: string,
): Promise<string> {
  const response = await fetch(`${portal.url}/api/v1/images/${imageId}/installs`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ nodeId }),
  });
  if (response.status !== 202)
    throw new Error(`The install was not queued: ${response.status} ${await response.text()}`);
  return ((await response.json()) as { jobId: string }).jobId;
}

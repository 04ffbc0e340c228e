/**
 * The built portal as operators run it (`next start`) on a data directory of its own, and a client
 * that signs in over HTTP as the login form does and times page requests.
 */
import { spawn } from 'node:child_process';
import http from 'node:http';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { freePort } from '../../scripts/lib/ports';
import type { Cleanups } from './cleanup';
import { nextStartArgs } from '../../scripts/lib/portal-process';

export type Admin = { username: string; password: string };
export type NextPortal = { url: string; stop: () => Promise<void> };

const HOST = '127.0.0.1';
const START_TIMEOUT_MS = 120_000;

/**
 * Starts `next start` from the build in `distDir` on `dataDir`; the portal creates `admin` as its
 * first SuperAdmin there. Resolves once the login page answers; cleanup stops it.
 */
export async function startNextPortal(
  distDir: string,
  dataDir: string,
  admin: Admin,
  cleanups: Cleanups,
  /** A PostgreSQL database to run on; SQLite in `dataDir` without it. */
  databaseUrl?: string,
): Promise<NextPortal> {
  const port = await freePort(HOST);
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    NODE_ENV: 'production',
    NEXT_DIST_DIR: distDir,
    PORTAL_DATA_DIR: dataDir,
    PORTAL_ADMIN_USER: admin.username,
    PORTAL_ADMIN_PASSWORD: admin.password,
  };
  // The other benchmarks point these at their own portal; this one's come from its data directory
  // (or the database it is given).
  delete env.DATABASE_URL;
  delete env.AUTH_SECRET;
  if (databaseUrl) env.DATABASE_URL = databaseUrl;
  let output = '';
  const child = spawn(process.execPath, nextStartArgs(HOST, port), {
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true, // its own process group, so stopping it reaches every process it started
  });
  const keep = (d: Buffer) => (output = (output + d.toString()).slice(-4000));
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    process.kill(-child.pid!, 'SIGTERM');
    await exited;
  };
  cleanups.push(stop);

  const url = `http://${HOST}:${port}`;
  const deadline = Date.now() + START_TIMEOUT_MS;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`next start on ${url} exited with ${child.exitCode}:\n${output}`);
    const up = await fetch(`${url}/login`).then(
      (r) => r.ok,
      () => false,
    );
    if (up) return { url, stop };
    if (Date.now() > deadline) throw new Error(`next start on ${url} did not answer within 120 s:\n${output}`);
    await sleep(250);
  }
}

/**
 * Signs in as the login form does (Auth.js credentials: the CSRF token and its cookie, then the
 * callback); returns the Cookie header that carries the session.
 */
export async function signIn(url: string, admin: Admin): Promise<string> {
  const csrf = await fetch(`${url}/api/auth/csrf`);
  const { csrfToken } = (await csrf.json()) as { csrfToken: string };
  const csrfCookies = cookiePairs(csrf.headers.getSetCookie());
  const callback = await fetch(`${url}/api/auth/callback/credentials`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: csrfCookies.join('; ') },
    body: new URLSearchParams({ csrfToken, username: admin.username, password: admin.password }),
  });
  const session = cookiePairs(callback.headers.getSetCookie()).find((c) => c.startsWith('authjs.session-token='));
  if (!session) throw new Error(`Signing in to ${url} as ${admin.username} failed (HTTP ${callback.status}).`);
  return session;
}

/** `name=value` of each Set-Cookie header, without its attributes. */
const cookiePairs = (setCookies: string[]) => setCookies.map((c) => c.split(';', 1)[0]!);

export type Timing = { status: number; location: string | null; ttfbMs: number; totalMs: number; bytes: number };

/**
 * One GET with the session cookie: the time to the first byte of the answer (its status line and
 * headers; the portal renders a page whole before it sends them) and to its last byte, and the
 * size of the HTML as sent (no Accept-Encoding, so uncompressed).
 */
export function timedGet(url: string, cookie: string): Promise<Timing> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const request = http.get(url, { headers: { cookie, accept: 'text/html' } }, (response) => {
      const ttfbMs = performance.now() - started;
      let bytes = 0;
      response.on('data', (chunk: Buffer) => (bytes += chunk.length));
      response.once('error', reject);
      response.once('end', () =>
        resolve({
          status: response.statusCode ?? 0,
          location: response.headers.location ?? null,
          ttfbMs,
          totalMs: performance.now() - started,
          bytes,
        }),
      );
    });
    request.once('error', reject);
  });
}

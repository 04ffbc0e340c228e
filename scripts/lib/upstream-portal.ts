import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export type UpstreamPortal = {
  /** The IMGAPI base URL, e.g. http://127.0.0.101:41234/imgapi */
  url: string;
  dataDir: string;
  images: { id: string; name: string }[];
  stop: () => Promise<void>;
  /** Synchronous, for exit handlers that cannot wait. */
  kill: () => void;
};

type Seed = { file: string; name: string } & Record<string, unknown>;
type Options = {
  /** Kept across runs when given (the demo); otherwise a temporary directory, removed on stop. */
  dataDir?: string;
  /** A fixed port, so that a repository URL stays valid across runs; otherwise any free one. */
  port?: number;
};

/**
 * Starts an upstream portal (scripts/lib/upstream-portal-process.ts) in its own process, database
 * and store, serving the given files as public images over IMGAPI on `host`.
 */
export async function startUpstreamPortal(host: string, seeds: Seed[], options: Options = {}): Promise<UpstreamPortal> {
  const dataDir = options.dataDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'upstream-portal-'));
  // An upstream portal exists to serve its images over IMGAPI, which a portal does only when told to.
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PORTAL_DATA_DIR: dataDir,
    PORTAL_IMGAPI_SERVE: 'true',
    UPSTREAM_HOST: host,
    UPSTREAM_SEED: JSON.stringify(seeds),
  };
  if (options.port) env.UPSTREAM_PORT = String(options.port);
  delete env.DATABASE_URL;
  delete env.AUTH_SECRET;
  delete env.PORTAL_ADMIN_USER;
  delete env.PORTAL_ADMIN_PASSWORD;
  const child = spawn('npx', ['tsx', '--conditions=react-server', 'scripts/lib/upstream-portal-process.ts'], {
    env,
    stdio: ['ignore', 'pipe', 'inherit'],
    detached: true, // its own process group, so kill() reaches node under npx too
  });
  const kill = () => {
    if (child.exitCode === null && child.signalCode === null) process.kill(-child.pid!, 'SIGKILL');
    if (!options.dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  };
  const stop = async () => {
    const exited =
      child.exitCode === null && child.signalCode === null
        ? new Promise((resolve) => child.once('exit', resolve))
        : null;
    kill();
    await exited;
  };
  const ready = await new Promise<{ url: string; images: UpstreamPortal['images'] }>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`The upstream portal did not start: ${out}`)), 60_000);
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const line = out.split('\n').find((l) => l.startsWith('UPSTREAM_READY '));
      if (line) {
        clearTimeout(timer);
        resolve(JSON.parse(line.slice('UPSTREAM_READY '.length)));
      }
    });
    child.once('exit', (code) => reject(new Error(`The upstream portal exited with ${code}: ${out}`)));
  }).catch(async (err) => {
    await stop();
    throw err;
  });
  return { ...ready, dataDir, stop, kill };
}

import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export type SecondPortal = {
  url: string;
  dataDir: string;
  images: { id: string; name: string }[];
  stop: () => Promise<void>;
  /** Synchronous, for exit handlers that cannot wait. */
  kill: () => void;
};

/**
 * Starts "portal A" (test/support/imgapi-portal-process.ts) in its own process, database and store,
 * serving the given files as public images over IMGAPI on `host`.
 */
export async function startSecondPortal(host: string, seeds: ({ file: string; name: string } & Record<string, unknown>)[]): Promise<SecondPortal> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'portal-a-'));
  const env: NodeJS.ProcessEnv = { ...process.env, PORTAL_DATA_DIR: dataDir, IMGAPI_HOST: host, IMGAPI_SEED: JSON.stringify(seeds) };
  delete env.DATABASE_URL;
  delete env.AUTH_SECRET;
  const child = spawn('npx', ['tsx', '--conditions=react-server', 'test/support/imgapi-portal-process.ts'], {
    env,
    stdio: ['ignore', 'pipe', 'inherit'],
    detached: true, // its own process group, so stop() reaches node under npx too
  });
  const kill = () => {
    if (child.exitCode === null && child.signalCode === null) process.kill(-child.pid!, 'SIGKILL');
    fs.rmSync(dataDir, { recursive: true, force: true });
  };
  const stop = async () => {
    const exited = child.exitCode === null && child.signalCode === null ? new Promise((resolve) => child.once('exit', resolve)) : null;
    kill();
    await exited;
  };
  const ready = await new Promise<{ url: string; images: SecondPortal['images'] }>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`portal A did not start: ${out}`)), 60_000);
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const line = out.split('\n').find((l) => l.startsWith('IMGAPI_READY '));
      if (line) {
        clearTimeout(timer);
        resolve(JSON.parse(line.slice('IMGAPI_READY '.length)));
      }
    });
    child.once('exit', (code) => reject(new Error(`portal A exited with ${code}: ${out}`)));
  }).catch(async (err) => {
    await stop();
    throw err;
  });
  return { ...ready, dataDir, stop, kill };
}

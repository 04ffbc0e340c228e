/**
 * Another portal process on the test's data directory (test/support/portal-process.ts): it runs
 * the job runner until it dies, by `kill -9` from the test or at a fault point of its own.
 */
import { spawn, type ChildProcess } from 'node:child_process';

export type ChildPortal = {
  process: ChildProcess;
  exited: Promise<number | null>;
  /** Resolves when the process ends by itself (a fault point); rejects after `ms`. */
  exitWithin: (ms: number) => Promise<void>;
  kill9: () => Promise<void>;
};

export function startChildPortal(env: Record<string, string> = {}): ChildPortal {
  const child = spawn('npx', ['tsx', '--conditions=react-server', 'test/support/portal-process.ts'], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'inherit', 'inherit'],
    detached: true, // its own process group, so a kill reaches node under npx too
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return {
    process: child,
    exited,
    exitWithin: async (ms) => {
      let timer: NodeJS.Timeout | undefined;
      const late = new Promise<never>(
        (_, reject) =>
          (timer = setTimeout(() => reject(new Error(`The child portal was still running after ${ms} ms.`)), ms)),
      );
      await Promise.race([exited, late]).finally(() => clearTimeout(timer));
    },
    kill9: async () => {
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        // already gone
      }
      await exited;
    },
  };
}

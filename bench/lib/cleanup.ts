/**
 * The benchmark leaves nothing behind, whether it ends, fails or gets Ctrl-C: the commands still
 * running, then what was registered in `cleanups` (the sshd nodes, the database), last first, then
 * its temporary directory.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { log } from './log';
import { stopRunningCommands } from './processes';

/** What cleanup undoes, last registered first. */
export type Cleanups = Array<() => Promise<void> | void>;

/** The benchmark's temporary directory under $TMPDIR: the portal's data, the store, the nodes' image directories. */
export function makeScratchDir(): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'cbp-bench-'));
  // Traversable, so the nodes' user reaches its own image directories below it.
  fs.chmodSync(root, 0o755);
  return root;
}

/** `cleanup()` runs once however often it is called; SIGINT and SIGTERM run it and exit 130. */
export function cleanupOnExit(root: string): { cleanups: Cleanups; cleanup: () => Promise<void> } {
  const cleanups: Cleanups = [];
  let cleaned: Promise<void> | undefined;
  const cleanup = () =>
    (cleaned ??= (async () => {
      stopRunningCommands();
      for (const fn of cleanups.reverse()) {
        try {
          await fn();
        } catch (err) {
          log(`cleanup: ${(err as Error).message}`);
        }
      }
      fs.rmSync(root, { recursive: true, force: true });
    })());
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      log(`${signal}: cleaning up.`);
      void cleanup().finally(() => process.exit(130));
    });
  }
  return { cleanups, cleanup };
}

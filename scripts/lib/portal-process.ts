/**
 * How every portal process is started: node with the portal's flags, then `next start`. The same
 * flags are in package.json's "start" script and bench/run.sh (test/unit/portal-process.test.ts
 * keeps them in step).
 *
 * `--initial-heap-size=256` (MiB): a transfer passes its bytes through buffers outside V8's heap,
 * a GiB of them per GiB moved, and each 32 MiB of those sets off a young-generation collection.
 * With the small heap a fresh process starts with, V8 then finds its old generation near its limit
 * at every one and marks the whole heap, again and again: about a third of an import's CPU, and a tenth of a
 * publish's speed (bench/README.md). A larger starting heap moves that limit up; memory is only used as it fills.
 */
export const PORTAL_NODE_FLAGS = ['--initial-heap-size=256'];

/** The arguments to `process.execPath` that serve the built portal on host:port. */
export function nextStartArgs(host: string, port: number | string): string[] {
  return [...PORTAL_NODE_FLAGS, 'node_modules/next/dist/bin/next', 'start', '-H', host, '-p', String(port)];
}

/** The arguments to `process.execPath` that run a job worker (`npm run worker`, lib/jobs/worker.ts). */
export function workerArgs(): string[] {
  // react-server: lib's `server-only` imports resolve outside Next.js; tsx runs the TypeScript.
  return [...PORTAL_NODE_FLAGS, '--conditions=react-server', '--import', 'tsx', 'scripts/worker.ts'];
}

import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { nextStartArgs, PORTAL_NODE_FLAGS, workerArgs } from '@/scripts/lib/portal-process';

// `npm start` and the benchmark start node themselves; they must run the portal as the scripts do.
describe('the portal process flags', () => {
  it('are the ones package.json start and worker, and bench/run.sh, pass to node', () => {
    const { scripts } = JSON.parse(fs.readFileSync('package.json', 'utf8')) as { scripts: Record<string, string> };
    expect(scripts.start).toBe(`node ${PORTAL_NODE_FLAGS.join(' ')} node_modules/next/dist/bin/next start`);
    expect(scripts.worker).toBe(`node ${workerArgs().join(' ')}`);
    expect(fs.readFileSync('bench/run.sh', 'utf8')).toContain(`exec node ${PORTAL_NODE_FLAGS.join(' ')} `);
  });

  it('come before the script in the arguments that start the built portal', () => {
    expect(nextStartArgs('127.0.0.1', 3000)).toEqual([
      ...PORTAL_NODE_FLAGS,
      'node_modules/next/dist/bin/next',
      'start',
      '-H',
      '127.0.0.1',
      '-p',
      '3000',
    ]);
  });
});

import { spawn } from 'node:child_process';
import { workerArgs } from '../scripts/lib/portal-process';
import { readFixture } from './support/fixture';
import { logIn } from './support/login';
import { expect, test } from './support/test';

/**
 * A job worker (`npm run worker`) bound to one data center runs beside the portal: the Jobs page
 * lists it among the processes that run jobs, an install on that data center's node runs in it
 * rather than in the web process, and once it stops the Jobs page no longer lists it.
 */
test('SuperAdmin sees a worker bound to a data center run that data center’s install', async ({ page, world, api }) => {
  const dc = await world.dataCenter('Site');
  const node = await world.node(dc);
  const image = await world.mirrorImage('worker-run', { attachTo: [dc] });
  const worker = spawn(process.execPath, workerArgs(), {
    env: {
      ...process.env,
      PORTAL_DATA_DIR: readFixture().dataDir,
      ...(readFixture().databaseUrl ? { DATABASE_URL: readFixture().databaseUrl } : {}),
      PORTAL_WORKER_DATA_CENTERS: dc.code,
      PORTAL_OUTBOUND_ALLOW: '127.0.0.0/8',
    },
    stdio: 'inherit',
  });
  const exited = new Promise((resolve) => worker.once('exit', resolve));
  try {
    await logIn(page);
    const runners = page.getByRole('table', { name: 'Processes that run jobs' });
    const row = runners.getByRole('row').filter({ hasText: dc.code });
    await expect(async () => {
      await page.goto('/jobs');
      await expect(row).toBeVisible({ timeout: 1000 });
    }).toPass({ timeout: 60_000 });
    await expect(row).toContainText('Worker');
    await expect(runners.getByRole('row').filter({ hasText: 'Web process' })).toContainText(
      'Any data center without a runner of its own',
    );
    const workerId = (await row.getByRole('cell').first().textContent())!.trim();
    expect(workerId).toContain(`:${worker.pid}:`);

    const { jobId } = await api.post(`/images/${image.id}/installs`, { nodeId: node.id });
    await page.goto(`/jobs/${jobId}`);
    await expect(page.getByTestId('job-status')).toHaveText('succeeded', { timeout: 60_000 });
    await expect(page.getByTestId('job-log')).toContainText(
      new RegExp(`Started \\(attempt 1 of \\d+\\) in ${workerId}\\.`),
    );
  } finally {
    worker.kill('SIGTERM');
    await exited;
  }
  await page.goto('/jobs');
  await expect(page.getByRole('table', { name: 'Processes that run jobs' })).not.toContainText(dc.code);
});

import { readFixture } from './support/fixture';
import { logIn } from './support/login';
import { expect, test } from './support/test';

/**
 * A failed install offers Retry on its job page: a new job does it again, its page opens, and the
 * old job says which job retried it. The header's job list links to jobs in motion.
 */
test('SuperAdmin retries a failed install from its job page', async ({ page, world, api }) => {
  const dc = await world.dataCenter('Retry');
  const node = await world.node(dc);
  // The mirror's file with a checksum that is not its own: every install of it fails verification.
  const image = await world.image(
    'retry-me',
    { sourceUrl: readFixture().image.url, sha256: '0'.repeat(64), skipUrlCheck: false },
    { attachTo: [dc] },
  );
  const { jobId } = await api.post(`/images/${image.id}/installs`, { nodeId: node.id });
  await expect.poll(async () => (await api.get(`/jobs/${jobId}`)).status, { timeout: 60_000 }).toBe('failed');

  await logIn(page);
  await page.goto(`/jobs/${jobId}`);
  await expect(page.getByTestId('job-status')).toHaveText('failed');
  await page.getByRole('button', { name: 'Retry' }).click();
  // The page was already a job's: wait for the new job's, not just any.
  await expect(page).toHaveURL((url) => /\/jobs\/[0-9a-f-]{36}$/.test(url.pathname) && !url.pathname.includes(jobId));
  await expect(page.getByRole('region', { name: /^Notifications/ })).toContainText('Retry queued.');
  await expect(page.getByTestId('job-status')).toHaveText('failed', { timeout: 60_000 });
  const retried = page.url().split('/').pop()!;

  await page.goto(`/jobs/${jobId}`);
  await expect(page.getByTestId('job-log')).toContainText(`Retried as job ${retried}.`);
});

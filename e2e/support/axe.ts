import AxeBuilder from '@axe-core/playwright';
import { expect, type Page } from '@playwright/test';

/**
 * Runs axe-core on what the page shows now (an open dialog or menu included) with every rule it
 * has, and fails on any violation of any impact, listing each with the elements at fault.
 */
export async function expectAccessible(page: Page, what: string): Promise<void> {
  // Data still arriving settles first, so colours and contents are measured as the user finally
  // sees them; a page that polls never goes quiet for long, so the wait is bounded.
  await page.waitForLoadState('networkidle', { timeout: 5_000 }).catch(() => {});
  const { violations } = await new AxeBuilder({ page }).analyze();
  const found = violations.map(
    (v) =>
      `${v.id} (${v.impact}): ${v.help}\n${v.nodes
        .slice(0, 5)
        .map((n) => `    ${n.target.join(' ')}: ${n.failureSummary?.replace(/\s+/g, ' ')}`)
        .join('\n')}`,
  );
  // Soft: one run reports every page's findings, not only the first page's.
  expect.soft(found, `accessibility violations on ${what}`).toEqual([]);
}

import { test as base } from '@playwright/test';
import { apiClient, signInToApi, type Api } from './api';
import { createWorld, type World } from './world';

export { expect, type Page } from '@playwright/test';

/**
 * Every spec's `test`: `api` is the JSON API as the e2e SuperAdmin, and `world` makes the data a
 * test needs, its own and uniquely named, so that any spec runs alone, in any order, or beside
 * another. One sign-in per worker: each is a throttled, audited login, and the token lasts the run.
 */
export const test = base.extend<{ api: Api; world: World }, { adminToken: string }>({
  adminToken: [
    async ({ playwright }, provide, workerInfo) => {
      const request = await playwright.request.newContext({ baseURL: workerInfo.project.use.baseURL });
      await provide(await signInToApi(request));
      await request.dispose();
    },
    { scope: 'worker' },
  ],
  api: async ({ request, adminToken }, provide) => {
    await provide(apiClient(request, adminToken));
  },
  world: async ({ api }, provide, testInfo) => {
    const { world, dispose } = createWorld(api, testInfo.workerIndex);
    await provide(world);
    await dispose();
  },
});

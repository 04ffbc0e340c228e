import { expect, type Page } from '@playwright/test';
import { E2E_ADMIN } from './fixture';

export async function logIn(page: Page, user = E2E_ADMIN) {
  await page.goto('/login');
  await page.getByLabel('Username').fill(user.username);
  await page.getByLabel('Password').fill(user.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByTestId('signed-in-user')).toHaveText(user.username);
}

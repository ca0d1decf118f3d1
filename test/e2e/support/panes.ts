// What the browser tests do to the main window again and again: find a pane's grid and a row in
// it, type a folder into a path bar, and Quick Connect with a key, trusting the new host key.
import { expect } from 'vitest';
import type { Locator, Page } from 'playwright-core';

export const POLL = { timeout: 60_000, interval: 100 };

const escapeRe = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** The two panes' grids and a row by its file name. */
export function panes(page: Page): { local: () => Locator; remote: () => Locator; row: (grid: Locator, name: string) => Locator } {
  return {
    local: () => page.getByRole('grid', { name: 'Local files' }),
    remote: () => page.getByRole('grid', { name: 'Remote files' }),
    row: (grid, name) => grid.getByRole('row', { name: new RegExp(`^${escapeRe(name)},`) }),
  };
}

/** Types `dir` into a pane's path bar and waits until the pane is there. */
export async function goTo(page: Page, which: 'Local path' | 'Remote path', dir: string): Promise<void> {
  const box = page.getByRole('textbox', { name: which });
  await box.fill(dir);
  await box.press('Enter');
  await expect.poll(() => box.inputValue(), POLL).toBe(dir);
}

/** Quick Connect with a key file; answers the unknown-host dialog with "Trust and remember". */
export async function quickConnectWithKey(page: Page, o: { host: string; port: number; username: string; keyPath: string }): Promise<void> {
  await page.getByLabel('Host', { exact: true }).fill(o.host);
  await page.getByLabel('Port', { exact: true }).fill(String(o.port));
  await page.getByLabel('Username', { exact: true }).fill(o.username);
  await page.getByLabel('Key file', { exact: true }).fill(o.keyPath);
  await page.getByRole('button', { name: 'Connect', exact: true }).click();
  const trust = page.getByRole('dialog', { name: /host key/i });
  await trust.waitFor({ timeout: 60_000 });
  await trust.getByRole('button', { name: 'Trust and remember' }).click();
  await page.getByRole('button', { name: 'Disconnect' }).waitFor({ timeout: 60_000 });
}

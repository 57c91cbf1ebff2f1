import AxeBuilder from '@axe-core/playwright';
import { expect, type Page } from '@playwright/test';

export type Theme = 'light' | 'dark';

/**
 * issue 9: axe finds nothing on what `page` shows now: every rule axe runs by default (WCAG A/AA
 * and best practices), every impact from minor to critical. The failure lists each violation
 * with the elements it hit, so the message says what to fix. Reuse it for any screen or dialog.
 */
export async function expectNoAxeViolations(page: Page, label: string): Promise<void> {
  const { violations } = await new AxeBuilder({ page }).analyze();
  const found = violations.map((violation) => ({
    rule: `${violation.impact ?? 'unknown'} ${violation.id}: ${violation.help}`,
    nodes: violation.nodes.slice(0, 5).map((node) => `${node.target.join(' ')} — ${node.failureSummary ?? ''}`),
  }));
  expect(found, `axe violations on ${label}`).toEqual([]);
}

/**
 * Shows `page` in `theme` the way a user's machine would ask for it (prefers-color-scheme, which
 * the default "system" theme preference follows), and waits until the app applied it.
 */
export async function useTheme(page: Page, theme: Theme): Promise<void> {
  await page.emulateMedia({ colorScheme: theme });
  await expect(page.locator('html')).toHaveAttribute('data-theme', theme);
}

import AxeBuilder from '@axe-core/playwright';
import { chromium, type Browser, type Page } from '@playwright/test';

/**
 * The simulator pages' browser tests run in Debian's Chromium, as the e2e suite does
 * (CHROMIUM_PATH overrides).
 */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu'] });
}

/** A fresh tab (its own context, so its own storage) and the console errors and uncaught exceptions it shows. */
export async function openTab(browser: Browser, url?: string): Promise<{ tab: Page; problems: string[] }> {
  const tab = await (await browser.newContext()).newPage();
  const problems: string[] = [];
  tab.on('console', (m) => m.type() === 'error' && problems.push(m.text()));
  tab.on('pageerror', (e) => problems.push(e.message));
  if (url) await tab.goto(url);
  return { tab, problems };
}

/** axe's violations on the page, one line each (rule: targets), for `toEqual([])`. */
export async function axeViolations(tab: Page): Promise<string[]> {
  const axe = await new AxeBuilder({ page: tab }).analyze();
  return axe.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

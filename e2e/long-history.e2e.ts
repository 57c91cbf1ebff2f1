import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { expect, messageLog, root, ServerProcess, signIn, test } from './fixtures';

const COUNT = 5000;

const withHistory = test.extend<{ server: ServerProcess }>({
  // eslint-disable-next-line no-empty-pattern -- Playwright requires the destructuring form
  server: async ({}, use) => {
    const server = await ServerProcess.launch({}, async (dataDir) => {
      const seeded = spawnSync(process.execPath, ['--import', 'tsx', path.join(root, 'e2e/seed-history.ts'), dataDir, String(COUNT)], { cwd: root, encoding: 'utf8' });
      if (seeded.status !== 0) throw new Error(`seeding failed: ${seeded.stderr}`);
    });
    await use(server);
    await server.dispose();
  },
});
withHistory('R-WS-03 a 5,000-message history is virtualised: few rows in the DOM, both ends reachable by scrolling', async ({ server, newContext }) => {
  test.setTimeout(120_000);
  const agent = await (await newContext()).newPage();
  await signIn(agent, server, 'ana@demo.local');
  await agent.locator('[data-conversation-id="conversation:history"]').click();
  const log = messageLog(agent);
  await expect(log).toContainText(`Mensagem ${COUNT}`);
  const rendered = await log.locator('[data-message-id]').count();
  expect(rendered).toBeGreaterThan(0);
  expect(rendered).toBeLessThan(100);

  // Scroll to the top in steps, as a wheel would; the first message comes into the DOM.
  // Rows are measured as they render, so the total height settles while scrolling: retry the jump.
  const first = log.locator('[data-message-id="message:history-000001"]');
  await expect(async () => {
    await log.evaluate((el) => el.scrollTo({ top: 0 }));
    await expect(first).toBeVisible({ timeout: 1000 });
  }).toPass({ timeout: 15_000 });
  expect(await log.locator('[data-message-id]').count()).toBeLessThan(100);

  // And back down to the newest.
  const last = log.locator(`[data-message-id="message:history-${String(COUNT).padStart(6, '0')}"]`);
  await expect(async () => {
    await log.evaluate((el) => el.scrollTo({ top: el.scrollHeight }));
    await expect(last).toBeVisible({ timeout: 1000 });
  }).toPass({ timeout: 15_000 });
});

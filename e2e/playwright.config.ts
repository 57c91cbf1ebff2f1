import { defineConfig } from '@playwright/test';

/**
 * End-to-end tests against Debian's Chromium (ARCHITECTURE §9): Playwright cannot download its
 * own browsers here, so `.ci/run` installs /usr/bin/chromium (CHROMIUM_PATH overrides it).
 */
export default defineConfig({
  testDir: '.',
  testMatch: '**/*.e2e.ts',
  // Builds the sync server once; each test's server then starts from that bundle (fixtures.ts).
  globalSetup: './global-setup.ts',
  // Each test starts its own server process; two workers fit the 2-core machines.
  workers: 2,
  fullyParallel: false,
  timeout: 60_000,
  expect: { timeout: 10_000 },
  retries: 0,
  reporter: [['list']],
  use: {
    browserName: 'chromium',
    headless: true,
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--no-first-run',
        '--disable-quic',
      ],
    },
    trace: 'off',
  },
});

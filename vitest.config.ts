import { defineConfig } from 'vitest/config';

/**
 * protocol/ is pure (schemas and rules: no I/O, no globals, no mocks in its tests), so its test
 * files share one module graph per worker instead of importing zod and the protocol afresh each:
 * measured, its 24 files take 4.0 s of CPU instead of 17.5 s. Everything else keeps vitest's
 * isolation (servers, mocks, stubbed globals and module-level state in the renderer).
 */
const PURE = ['protocol/test/**/*.test.ts'];

export default defineConfig({
  test: {
    // Integration suites start real servers on loopback port 0; they are independent files.
    testTimeout: 30_000,
    // Two files at a time on CI's 2 cores: most integration tests wait on sockets and timers, so the
    // suite takes about half the time of vitest's default (one worker there) without starving either.
    maxWorkers: 2,
    hookTimeout: 30_000,
    projects: [
      { extends: true, test: { name: 'pure', include: PURE, isolate: false } },
      {
        extends: true,
        test: {
          name: 'isolated',
          include: [
            'sync-server/test/**/*.test.ts',
            'renderer/test/**/*.test.ts',
            'electron/test/**/*.test.ts',
            'build/test/**/*.test.ts',
          ],
        },
      },
    ],
  },
});

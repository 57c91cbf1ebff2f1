import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: [
      'protocol/test/**/*.test.ts',
      'sync-server/test/**/*.test.ts',
      'renderer/test/**/*.test.ts',
      'electron/test/**/*.test.ts',
      'build/test/**/*.test.ts',
    ],
    // Integration suites start real servers on loopback port 0; they are independent files.
    testTimeout: 30_000,
    // Two files at a time on CI's 2 cores: most integration tests wait on sockets and timers, so the
    // suite takes about half the time of vitest's default (one worker there) without starving either.
    maxWorkers: 2,
    hookTimeout: 30_000,
  },
});

import { defineConfig } from 'vitest/config';

/**
 * Most test files share one module graph per worker (`isolate: false`) instead of importing the
 * whole server afresh for each file — import was ~356 s of the suite's CPU. That is safe where a file
 * leaves no module state behind that another reads: protocol/ is pure (schemas and rules), and the
 * server's integration tests each start their own server on its own store and port (counters and
 * caches at module level only grow). Files that mock, spy, stub globals or fake timers keep vitest's
 * isolation, as do the renderer's (module-level state), the shell's (electron mocked) and the build's.
 */
const ISOLATED_SERVER_TESTS = [
  // vi.spyOn / vi.fn on shared modules, vi.useFakeTimers, vi.stubEnv / vi.mock
  'sync-server/test/auth-lockout-places.test.ts',
  'sync-server/test/auth-lockout.test.ts',
  'sync-server/test/flood.test.ts',
  'sync-server/test/presence.test.ts',
  'sync-server/test/rated-stream-unit.test.ts',
  'sync-server/test/session-timeout-index.test.ts',
  'sync-server/test/stream-unit.test.ts',
  'sync-server/test/users-admin.test.ts',
];

export default defineConfig({
  test: {
    // Integration suites start real servers on loopback port 0; they are independent files.
    testTimeout: 30_000,
    // Two files at a time on CI's 2 cores: most integration tests wait on sockets and timers, so the
    // suite takes about half the time of vitest's default (one worker there) without starving either.
    maxWorkers: 2,
    hookTimeout: 30_000,
    projects: [
      {
        extends: true,
        test: { name: 'shared', include: ['protocol/test/**/*.test.ts', 'sync-server/test/**/*.test.ts'], exclude: ISOLATED_SERVER_TESTS, isolate: false },
      },
      {
        extends: true,
        test: {
          name: 'isolated',
          include: [...ISOLATED_SERVER_TESTS, 'renderer/test/**/*.test.ts', 'electron/test/**/*.test.ts', 'build/test/**/*.test.ts'],
        },
      },
    ],
  },
});

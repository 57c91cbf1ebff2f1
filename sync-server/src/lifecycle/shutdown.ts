/** What may still run after the drain's bound: closing the store and the bus, before the watchdog fires. */
const RELEASE_GRACE_MS = 5_000;

export interface ShutdownSteps {
  /** ATENDE_SHUTDOWN_TIMEOUT_MS. */
  timeoutMs: number;
  /** The server's drain: true when it finished within the bound, false when it forced. */
  drain(timeoutMs: number): Promise<boolean>;
  /** Things that serve the server (demo simulators) and stop after it. */
  afterwards(): Promise<void>;
  log: (message: string) => void;
}

/**
 * The process's exit code after SIGTERM/SIGINT: 0 when the server drained in time, 1 when it had
 * to force (the drain's bound passed, a step failed, or closing hung past a short grace).
 */
export async function drainThenExit(steps: ShutdownSteps): Promise<number> {
  let watchdog: NodeJS.Timeout | undefined;
  const hung = new Promise<number>((resolve) => {
    watchdog = setTimeout(() => {
      steps.log(`shutdown: still closing ${steps.timeoutMs + RELEASE_GRACE_MS} ms after the signal; exiting`);
      resolve(1);
    }, steps.timeoutMs + RELEASE_GRACE_MS);
  });
  const orderly = (async () => {
    try {
      const inTime = await steps.drain(steps.timeoutMs);
      await steps.afterwards();
      if (inTime) steps.log('shutdown: drained');
      return inTime ? 0 : 1;
    } catch (error) {
      steps.log(`shutdown: failed: ${String(error)}`);
      return 1;
    }
  })();
  try {
    return await Promise.race([orderly, hung]);
  } finally {
    clearTimeout(watchdog);
  }
}

/**
 * A node's own recurring timer (routing rounds, the Reclame Aqui watchdogs, the login-attempts
 * sweep's scheduler), as opposed to a job document: what it runs is arbitrated by the store, so
 * every node may run it. Runs never overlap on a node, the timer never keeps the process alive,
 * and a failure is reported to `failed` — except after the stop, when the store may be closing.
 * Returns the function that stops the timer.
 */
export interface PeriodicOptions {
  everyMs: number;
  failed: (error: unknown) => void;
  /** Run once right away too (a watchdog), not only after the first period. */
  immediately?: boolean;
}

export function startPeriodic(run: () => Promise<void>, options: PeriodicOptions): () => void {
  let running = false;
  let stopped = false;
  const tick = () => {
    if (running || stopped) return;
    running = true;
    run()
      .catch((error: unknown) => {
        if (!stopped) options.failed(error);
      })
      .finally(() => {
        running = false;
      });
  };
  const timer = setInterval(tick, options.everyMs);
  timer.unref();
  if (options.immediately) tick();
  return () => {
    stopped = true;
    clearInterval(timer);
  };
}

/**
 * A recurring round of the routing (session timeouts, distribution), run by every node's own
 * timer rather than as a job document: each round's writes are arbitrated by the store (a finish
 * over the revision it judged, a claim through capacity), so two nodes running the same round at
 * once change nothing twice — and an idle organisation writes nothing at all. Rounds of one kind
 * never overlap on a node. Returns the function that stops the timer.
 */
export function startPeriodic(name: string, everyMs: number, run: () => Promise<void>, log: (message: string) => void): () => void {
  let running = false;
  let stopped = false;
  const timer = setInterval(() => {
    if (running || stopped) return;
    running = true;
    run()
      .catch((e: unknown) => {
        if (!stopped) log(`${name} failed: ${String(e)}`);
      })
      .finally(() => {
        running = false;
      });
  }, everyMs);
  timer.unref();
  return () => {
    stopped = true;
    clearInterval(timer);
  };
}

/**
 * A node's watchdog for the Reclame Aqui job chains (polling, reputation): `tick` runs now and
 * every `everyMs`, never keeping the process alive, its failures reported to `failed`. The
 * returned function stops it.
 */
export function startWatchdog(tick: () => Promise<void>, everyMs: number, failed: (error: unknown) => void): () => void {
  const run = () => void tick().catch(failed);
  const timer = setInterval(run, everyMs);
  timer.unref();
  run();
  return () => clearInterval(timer);
}

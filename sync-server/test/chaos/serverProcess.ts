import { setTimeout as sleep } from 'node:timers/promises';
import { spawnEntryPoint, type EntryPoint } from '../entryPoint.js';

export { freePort } from '../entryPoint.js';

/**
 * The real entry point (`npm run server`) as a child process on a fixed data folder and port, so
 * it can be killed without warning (SIGKILL: no drain, no flush) and started again over what it left.
 */
export class ServerProcess {
  private current: EntryPoint | undefined;
  /** The latest start, kept after it exits so its output still explains a failure. */
  private last: EntryPoint | undefined;
  private exited: Promise<void> = Promise.resolve();
  kills = 0;
  /** How long each start took until healthy, for the run's summary line. */
  readonly startMs: number[] = [];

  constructor(readonly dataDir: string, readonly port: number) {}

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** The tail of what the server printed, for a failure report. */
  get output(): string {
    return this.last?.output ?? '';
  }

  get running(): boolean {
    return this.current !== undefined;
  }

  /** Starts the server and waits (bounded) until it answers /api/health. */
  async start(timeoutMs = 30_000): Promise<void> {
    if (this.current) throw new Error('already running');
    const server = spawnEntryPoint({
      dataDir: this.dataDir,
      port: this.port,
      env: {
        HOST: '127.0.0.1', ATENDE_LOG_LEVEL: 'silent', ATENDE_DEMO: '1', ATENDE_SIMULATORS: '0', ATENDE_WHATSAPP_SIMULATOR: '0',
        // Every visitor of the run comes from 127.0.0.1: the public per-address limit would throttle the test, not a flood.
        ATENDE_PUBLIC_RATE_LIMIT: '1000000',
      },
    });
    this.current = server;
    this.last = server;
    this.exited = server.exited.then(() => {
      if (this.current === server) this.current = undefined;
    });
    const begun = Date.now();
    await this.healthy(timeoutMs);
    this.startMs.push(Date.now() - begun);
  }

  /** Polls /api/health until it answers 200; fails after `timeoutMs` or when the child dies. */
  async healthy(timeoutMs = 30_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (!this.current) throw new Error(`server exited before it was healthy:\n${this.output}`);
      try {
        const res = await fetch(`${this.url}/api/health`, { signal: AbortSignal.timeout(2000) });
        await res.arrayBuffer();
        if (res.status === 200) return;
      } catch {
        /* not listening yet */
      }
      await sleep(100);
    }
    throw new Error(`server not healthy within ${timeoutMs} ms:\n${this.output}`);
  }

  /** kill -9: the process gets no chance to finish anything. */
  async kill(): Promise<void> {
    const child = this.current?.child;
    if (!child) return;
    child.kill('SIGKILL');
    await this.exited;
    this.kills++;
  }

  /** For afterAll: never leaves a child behind, whatever state the test stopped in. */
  async stop(): Promise<void> {
    const child = this.current?.child;
    if (!child) return;
    child.kill('SIGKILL');
    await Promise.race([this.exited, sleep(5000)]);
  }
}

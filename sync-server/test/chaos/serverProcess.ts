import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

/** A loopback port free right now: the server must come back on the same one after each kill. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      probe.close(() => (port ? resolve(port) : reject(new Error('no port'))));
    });
  });
}

/** The inherited environment without anything that would point the child at another store, bus or setting. */
function cleanEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (key.startsWith('ATENDE_') || key === 'COUCHDB_URL' || key === 'REDIS_URL' || key === 'PORT' || key === 'HOST') continue;
    env[key] = value;
  }
  return env;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The real entry point (`npm run server`) as a child process on a fixed data folder and port, so
 * it can be killed without warning (SIGKILL: no drain, no flush) and started again over what it left.
 */
export class ServerProcess {
  private child: ChildProcess | undefined;
  private exited: Promise<void> = Promise.resolve();
  output = '';
  kills = 0;
  /** How long each start took until healthy, for the run's summary line. */
  readonly startMs: number[] = [];

  constructor(readonly dataDir: string, readonly port: number) {}

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get running(): boolean {
    return this.child !== undefined;
  }

  /** Starts the server and waits (bounded) until it answers /api/health. */
  async start(timeoutMs = 30_000): Promise<void> {
    if (this.child) throw new Error('already running');
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(root, 'sync-server/src/main.ts')], {
      cwd: root,
      env: {
        ...cleanEnv(),
        PORT: String(this.port), HOST: '127.0.0.1', ATENDE_DATA_DIR: this.dataDir, ATENDE_LOG_LEVEL: 'silent',
        ATENDE_DEMO: '1', ATENDE_SIMULATORS: '0', ATENDE_WHATSAPP_SIMULATOR: '0',
        // Every visitor of the run comes from 127.0.0.1: the public per-address limit would throttle the test, not a flood.
        ATENDE_PUBLIC_RATE_LIMIT: '1000000',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    const keep = (chunk: Buffer) => {
      // Only the tail matters for a failure report.
      this.output = (this.output + chunk.toString()).slice(-8000);
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    // Should the test process end without its afterAll (a worker torn down), the server goes with it.
    const orphanGuard = () => child.kill('SIGKILL');
    process.once('exit', orphanGuard);
    this.exited = new Promise((resolve) => child.once('exit', () => resolve()));
    void this.exited.then(() => {
      process.removeListener('exit', orphanGuard);
      if (this.child === child) this.child = undefined;
    });
    const begun = Date.now();
    await this.healthy(timeoutMs);
    this.startMs.push(Date.now() - begun);
  }

  /** Polls /api/health until it answers 200; fails after `timeoutMs` or when the child dies. */
  async healthy(timeoutMs = 30_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (!this.child) throw new Error(`server exited before it was healthy:\n${this.output}`);
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
    const child = this.child;
    if (!child) return;
    child.kill('SIGKILL');
    await this.exited;
    this.kills++;
  }

  /** For afterAll: never leaves a child behind, whatever state the test stopped in. */
  async stop(): Promise<void> {
    const child = this.child;
    if (!child) return;
    child.kill('SIGKILL');
    await Promise.race([this.exited, sleep(5000)]);
  }
}

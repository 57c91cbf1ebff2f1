import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { Redis } from 'ioredis';
import { freePort } from './entryPoint.js';

/** Tests that need Redis skip only when the redis-server Debian package is missing (.ci/run installs it). */
export const hasRedis = spawnSync('redis-server', ['--version'], { stdio: 'ignore' }).status === 0;

export interface TestRedis {
  url: string;
  /** Closes every client connection whose name (CLIENT SETNAME) matches; answers how many. */
  killClients(name: RegExp): Promise<number>;
  /** Stops the server and starts it again on the same port, with `during` run while it is down. */
  restart(during?: () => Promise<void>): Promise<void>;
  stop(): Promise<void>;
}

function launch(port: number): ChildProcess {
  return spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], {
    stdio: 'ignore',
  });
}

async function waitForPing(url: string, child: ChildProcess): Promise<void> {
  for (let attempt = 0; attempt < 100; attempt += 1) {
    if (child.exitCode !== null) throw new Error(`redis-server exited with ${child.exitCode}`);
    const probe = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
    probe.on('error', () => {});
    try {
      await probe.connect();
      if ((await probe.ping()) === 'PONG') return;
    } catch {
      /* not listening yet */
    } finally {
      probe.disconnect();
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error('redis-server did not answer PING within 5 s');
}

async function halt(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  await exited;
}

/** A throwaway redis-server on a free loopback port, without persistence. */
export async function startRedis(): Promise<TestRedis> {
  const port = await freePort();
  const url = `redis://127.0.0.1:${port}`;
  let child = launch(port);
  await waitForPing(url, child);
  return {
    url,
    async killClients(name) {
      const admin = new Redis(url);
      try {
        const list = await admin.client('LIST');
        const ids = String(list)
          .split('\n')
          .map((line) => Object.fromEntries(line.split(' ').map((pair) => pair.split('=') as [string, string])))
          .filter((client) => client.id && name.test(client.name ?? ''))
          .map((client) => String(client.id));
        for (const id of ids) await admin.client('KILL', 'ID', id);
        return ids.length;
      } finally {
        admin.disconnect();
      }
    },
    async restart(during) {
      await halt(child);
      await during?.();
      child = launch(port);
      await waitForPing(url, child);
    },
    async stop() {
      await halt(child);
    },
  };
}

/** Waits until `condition` holds, checking every 10 ms for at most `timeoutMs`. */
export async function until(condition: () => boolean | Promise<boolean>, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

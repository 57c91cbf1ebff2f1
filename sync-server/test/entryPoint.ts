import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The real entry point (`npm run server`, sync-server/src/main.ts) as a child process, for the tests
 * that need what only it does: read the environment, print the start lines, stop on signals.
 */
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** Only the tail matters for a failure report or a late line; a chatty server must not grow the test's memory. */
const OUTPUT_CAP = 64_000;

/** A loopback port free right now (for a child that must come back on the same port, or a redis-server). */
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

export interface EntryPointOptions {
  dataDir: string;
  /** 0 (the default): any free port, read back from the "Ready:" line. */
  port?: number;
  /** Settings on top of a clean environment (nothing ATENDE_* is inherited). */
  env?: Record<string, string>;
}

export interface EntryPoint {
  child: ChildProcess;
  /** What the child printed on stdout and stderr so far (the last OUTPUT_CAP characters). */
  readonly output: string;
  /** Resolves with the first output match, printed before or after the call. */
  printed(pattern: RegExp): Promise<string>;
  /** The exit code (null when killed by a signal). */
  exited: Promise<number | null>;
}

export interface ReadyEntryPoint extends EntryPoint {
  url: string;
  port: number;
  /** SIGTERM (the graceful drain), then the exit code. */
  stop(): Promise<number | null>;
}

/** Starts the entry point without waiting for it. */
export function spawnEntryPoint(options: EntryPointOptions): EntryPoint {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(root, 'sync-server/src/main.ts')], {
    cwd: root,
    env: { ...cleanEnv(), PORT: String(options.port ?? 0), ATENDE_DATA_DIR: options.dataDir, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const watchers: Array<{ pattern: RegExp; resolve: (match: string) => void }> = [];
  const printed = (pattern: RegExp) => {
    const seen = pattern.exec(output);
    if (seen) return Promise.resolve(seen[0]);
    return new Promise<string>((resolve) => watchers.push({ pattern, resolve }));
  };
  const onData = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-OUTPUT_CAP);
    for (const watcher of watchers.splice(0)) {
      const seen = watcher.pattern.exec(output);
      if (seen) watcher.resolve(seen[0]);
      else watchers.push(watcher);
    }
  };
  child.stdout.on('data', onData);
  child.stderr.on('data', onData);
  // Should the test process end without its cleanup (a worker torn down, a failed assertion), the server goes with it.
  const orphanGuard = () => child.kill('SIGKILL');
  process.once('exit', orphanGuard);
  const exited = new Promise<number | null>((resolve) => {
    child.once('exit', (code) => {
      process.removeListener('exit', orphanGuard);
      resolve(code);
    });
  });
  return {
    child,
    get output() {
      return output;
    },
    printed,
    exited,
  };
}

/** Starts the entry point and waits (bounded) for its "Ready: <url>" line; a child that never gets there is killed. */
export async function startEntryPoint(options: EntryPointOptions & { readyTimeoutMs?: number }): Promise<ReadyEntryPoint> {
  const server = spawnEntryPoint(options);
  const timeoutMs = options.readyTimeoutMs ?? 25_000;
  let timer: NodeJS.Timeout | undefined;
  try {
    const line = await Promise.race([
      server.printed(/^Ready: (\S+)/m),
      server.exited.then((code) => Promise.reject(new Error(`server exited with ${code}:\n${server.output}`))),
      new Promise<never>((_resolve, reject) => {
        timer = setTimeout(() => reject(new Error(`server not ready within ${timeoutMs} ms:\n${server.output}`)), timeoutMs);
      }),
    ]);
    const url = line.slice('Ready: '.length);
    return Object.assign(server, {
      url,
      port: Number(new URL(url).port),
      stop: () => {
        server.child.kill('SIGTERM');
        return server.exited;
      },
    });
  } catch (error) {
    server.child.kill('SIGKILL');
    await server.exited;
    throw error;
  } finally {
    clearTimeout(timer);
  }
}

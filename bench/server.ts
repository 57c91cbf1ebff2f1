import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadConfig } from '../sync-server/src/config/config.js';
import { startServer, type RunningServer } from '../sync-server/src/server.js';

export interface BenchServer extends RunningServer {
  dataDir: string;
  /** Stops the server and removes its data folder; safe to call twice. */
  close(): Promise<void>;
}

const open = new Set<BenchServer>();

/**
 * A real server on a random loopback port over a fresh embedded store (demo data seeded);
 * `env` adds or overrides configuration (the renderer benchmark sets ATENDE_WEB_DIR).
 */
export async function startBenchServer(env: Record<string, string> = {}): Promise<BenchServer> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'atende-bench-'));
  let running: RunningServer;
  try {
    const config = loadConfig({
      PORT: '0',
      ATENDE_LOG_LEVEL: 'silent',
      ATENDE_DATA_DIR: dataDir,
      ATENDE_PUBLIC_RATE_LIMIT: '1000000',
      ...env,
    });
    running = await startServer(config, { log: () => {} });
  } catch (error) {
    rmSync(dataDir, { recursive: true, force: true });
    throw error;
  }
  let closed = false;
  const server: BenchServer = {
    ...running,
    dataDir,
    async close() {
      if (closed) return;
      closed = true;
      open.delete(server);
      try {
        await running.stop();
      } finally {
        rmSync(dataDir, { recursive: true, force: true });
      }
    },
  };
  open.add(server);
  return server;
}

/** Closes every server still open (after a failure), so no temp folder is left behind. */
export async function closeAll(): Promise<void> {
  for (const server of [...open]) await server.close().catch(() => undefined);
}

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { openStore, type DocStore } from '../src/store/index.js';
import { startTestServer, type TestServer } from './helpers.js';
import { startRedis, type TestRedis } from './redis.js';

/** Two nodes in one process over ONE store instance and one real redis-server (issue 7 point 6). */
export interface TwoNodes {
  redis: TestRedis;
  store: DocStore;
  a: TestServer;
  b: TestServer;
  /** Stops both nodes, the store and Redis, and removes the data folder. */
  close(): Promise<void>;
}

/**
 * Starts node-a then node-b, one after the other: the second node finds the demo data the first
 * one seeded. A start that fails half-way closes what it had opened. Needs redis-server (`hasRedis`).
 */
export async function startTwoNodes(folderPrefix: string): Promise<TwoNodes> {
  const redis = await startRedis();
  const dataDir = mkdtempSync(path.join(tmpdir(), folderPrefix));
  let store: DocStore | undefined;
  let a: TestServer | undefined;
  let b: TestServer | undefined;
  const close = async () => {
    await b?.close();
    await a?.close();
    await store?.close();
    await redis.stop();
    rmSync(dataDir, { recursive: true, force: true });
  };
  try {
    store = await openStore({ driver: 'embedded', dataDir });
    const env = { ATENDE_DATA_DIR: dataDir, REDIS_URL: redis.url };
    a = await startTestServer({ ...env, ATENDE_NODE_ID: 'node-a' }, { store });
    b = await startTestServer({ ...env, ATENDE_NODE_ID: 'node-b' }, { store });
    return { redis, store, a, b, close };
  } catch (error) {
    await close();
    throw error;
  }
}

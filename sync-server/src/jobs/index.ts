import type { DocStore } from '../store/types.js';
import { BullJobRunner } from './bullRunner.js';
import { StoreJobRunner } from './storeRunner.js';
import type { JobRunner } from './types.js';

export * from './types.js';
export { BullJobRunner } from './bullRunner.js';
export { StoreJobRunner } from './storeRunner.js';

export interface JobRunnerConfig {
  /** With a Redis URL the jobs go through BullMQ so any node can run them; else in process. */
  redisUrl?: string;
  nodeId: string;
  log: (message: string) => void;
  /** How long stop() waits for running jobs before leaving them to another node (the shutdown bound). */
  stopTimeoutMs?: number;
  /** No other process runs jobs over this store (one the server opened embedded): see StoreRunnerOptions. */
  exclusive?: boolean;
}

export function openJobRunner(store: DocStore, config: JobRunnerConfig): JobRunner {
  const { redisUrl, nodeId, log, stopTimeoutMs, exclusive = false } = config;
  const bound = stopTimeoutMs === undefined ? {} : { stopTimeoutMs };
  return redisUrl
    ? new BullJobRunner(store, { redisUrl, nodeId, log, ...bound })
    : new StoreJobRunner(store, { nodeId, log, exclusive, ...bound });
}

import type { StoredDoc } from '../store/types.js';

/**
 * The outbox (ARCHITECTURE §1 "Outbox and jobs"): work with an external effect is written as a job
 * document in the same store write as the state change that caused it, then run by workers with one
 * retry policy per kind (STYLE.md "Jobs with a policy"). Job documents are never replicated.
 */
export type JobState = 'pending' | 'running' | 'done' | 'dead';

export interface JobDoc extends StoredDoc {
  type: 'job';
  kind: string;
  key: string;
  payload: Record<string, unknown>;
  state: JobState;
  /** Attempts started so far, the running one included. */
  attempts: number;
  runAt: number;
  /** While running: after this moment the owner is presumed dead and another node takes over. */
  leaseUntil: number | null;
  owner: string | null;
  lastError: string | null;
  createdAt: number;
  updatedAt: number;
}

export const JOB_ID_PREFIX = 'job:';

// The kind is part of the job id (`job:<kind>.<key>`) and of BullMQ queue names.
const KIND_PATTERN = /^[A-Za-z0-9_-]+$/;

export function assertKind(kind: string): void {
  if (!KIND_PATTERN.test(kind)) throw new Error(`job kind "${kind}" must match ${KIND_PATTERN}`);
}

export function jobId(kind: string, key: string): string {
  return `${JOB_ID_PREFIX}${kind}.${key}`;
}

/**
 * A job document to write IN THE SAME bulkWrite as the state change that caused it. The id is
 * deterministic (`job:<kind>.<key>`), so the same cause can never enqueue twice: the second write
 * is a conflict.
 */
export function newJob(
  kind: string,
  key: string,
  payload: Record<string, unknown>,
  options: { runAt?: number; now?: number } = {},
): JobDoc {
  assertKind(kind);
  const now = options.now ?? Date.now();
  return {
    _id: jobId(kind, key),
    type: 'job',
    kind,
    key,
    payload,
    state: 'pending',
    attempts: 0,
    runAt: options.runAt ?? now,
    leaseUntil: null,
    owner: null,
    lastError: null,
    createdAt: now,
    updatedAt: now,
  };
}

export function isJobDoc(doc: StoredDoc | undefined): doc is JobDoc {
  return doc?.type === 'job' && !doc._deleted;
}

/** Thrown by handlers: try again later (honour upstream retry_after when given). */
export class RetryLater extends Error {
  constructor(
    message: string,
    readonly retryAfterMs?: number,
  ) {
    super(message);
    this.name = 'RetryLater';
  }
}

/** Thrown by handlers: never retry; the job goes dead at once. */
export class PermanentFailure extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PermanentFailure';
  }
}

export interface JobPolicy {
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
  /** How long a claimed job is presumed alive without a renewal. */
  leaseMs: number;
}

export const DEFAULT_POLICY: JobPolicy = {
  maxAttempts: 8,
  baseDelayMs: 1_000,
  maxDelayMs: 5 * 60_000,
  leaseMs: 60_000,
};

export interface JobContext {
  /** 1-based. */
  attempt: number;
  /** Aborted when the runner stops or this node lost the job to another one. */
  signal: AbortSignal;
}

export type JobHandler = (job: JobDoc, context: JobContext) => Promise<void>;

/**
 * Called once when a job goes dead (after maxAttempts or a PermanentFailure): the domain turns it
 * into a visible state, e.g. the message becomes `failed` with a readable reason.
 */
export type DeadLetterHandler = (job: JobDoc, error: Error) => Promise<void>;

export interface RegisterOptions {
  policy?: Partial<JobPolicy>;
  onDead?: DeadLetterHandler;
  /** Jobs of this kind running at once on this node. */
  concurrency?: number;
}

export interface JobRunner {
  register(kind: string, handler: JobHandler, options?: RegisterOptions): void;
  start(): Promise<void>;
  /**
   * Stops taking jobs and waits (bounded) for the running ones. True when every one finished, false
   * when some were cut off at the bound (left to lease takeover): a shutdown must not call that clean.
   */
  stop(): Promise<boolean>;
  /** For tests and the bench: resolves when no due job is pending or running. */
  idle(): Promise<void>;
}

/**
 * Exponential backoff with equal jitter, capped at maxDelayMs: half the step is fixed so the delay
 * still grows visibly, half is random so nodes retrying after one outage do not stampede the
 * upstream together. Never earlier than the upstream's retry_after.
 */
export function nextDelay(
  attempt: number,
  policy: JobPolicy,
  retryAfterMs?: number,
  random: () => number = Math.random,
): number {
  const step = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, attempt - 1));
  const jittered = Math.round(step / 2 + random() * (step / 2));
  return Math.max(jittered, retryAfterMs ?? 0);
}

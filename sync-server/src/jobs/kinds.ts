import {
  assertKind, DEFAULT_POLICY, type DeadLetterHandler, type JobDoc, type JobHandler, type JobPolicy, nextDelay,
  PermanentFailure, type RegisterOptions, RetryLater,
} from './types.js';

/** What both runners need about one registered kind. */
export interface KindEntry {
  kind: string;
  handler: JobHandler;
  policy: JobPolicy;
  onDead: DeadLetterHandler | undefined;
  concurrency: number;
}

const DEFAULT_CONCURRENCY = 4;
const MAX_ERROR_LENGTH = 500;

export class JobKinds {
  private readonly entries = new Map<string, KindEntry>();

  register(kind: string, handler: JobHandler, options: RegisterOptions = {}): KindEntry {
    assertKind(kind);
    if (this.entries.has(kind)) throw new Error(`job kind "${kind}" is already registered`);
    const entry: KindEntry = {
      kind,
      handler,
      policy: { ...DEFAULT_POLICY, ...options.policy },
      onDead: options.onDead,
      concurrency: Math.max(1, options.concurrency ?? DEFAULT_CONCURRENCY),
    };
    this.entries.set(kind, entry);
    return entry;
  }

  get(kind: string): KindEntry | undefined {
    return this.entries.get(kind);
  }

  all(): KindEntry[] {
    return [...this.entries.values()];
  }

  names(): string[] {
    return [...this.entries.keys()];
  }
}

export function toError(error: unknown): Error {
  if (error instanceof Error) return error;
  // PouchDB rejects with plain objects carrying a message.
  if (typeof error === 'object' && error !== null && 'message' in error) return new Error(String(error.message));
  return new Error(String(error));
}

export type Outcome = { ok: true } | { ok: false; error: unknown };

/** A claimed job as written when an attempt starts. */
export function claimed(job: JobDoc, owner: string, leaseMs: number, now: number): JobDoc {
  return { ...job, state: 'running', owner, attempts: job.attempts + 1, leaseUntil: now + leaseMs, updatedAt: now };
}

/**
 * A job found `running` whose attempts are used up was abandoned by a node during its last attempt:
 * running it again would exceed maxAttempts (and a job that kills its node would loop forever).
 */
export function abandonedAtLastAttempt(job: JobDoc, policy: JobPolicy): boolean {
  return job.state === 'running' && job.attempts >= policy.maxAttempts;
}

/** What an attempt's outcome makes of the job document; `dead` is set when it just went dead. */
export function settle(
  job: JobDoc,
  outcome: Outcome,
  policy: JobPolicy,
  now: number,
  random?: () => number,
): { doc: JobDoc; dead: Error | undefined } {
  const base: JobDoc = { ...job, leaseUntil: null, updatedAt: now };
  if (outcome.ok) return { doc: { ...base, state: 'done', lastError: null }, dead: undefined };
  const error = toError(outcome.error);
  const lastError = error.message.slice(0, MAX_ERROR_LENGTH) || error.name;
  if (error instanceof PermanentFailure || job.attempts >= policy.maxAttempts) {
    return { doc: { ...base, state: 'dead', lastError }, dead: error };
  }
  const retryAfterMs = error instanceof RetryLater ? error.retryAfterMs : undefined;
  const runAt = now + nextDelay(job.attempts, policy, retryAfterMs, random);
  return { doc: { ...base, state: 'pending', owner: null, runAt, lastError }, dead: undefined };
}

/** The dead letter is the domain's business; its failure must not take the runner down. */
export async function deliverDeadLetter(
  entry: KindEntry,
  job: JobDoc,
  error: Error,
  log: (message: string) => void,
): Promise<void> {
  log(`job ${job._id} dead after ${job.attempts} attempt(s): ${job.lastError ?? error.message}`);
  if (!entry.onDead) return;
  try {
    await entry.onDead(job, error);
  } catch (failure) {
    log(`job ${job._id}: dead-letter handler failed: ${toError(failure).message}`);
  }
}

import { keyOf } from '@atende/protocol';
import type { ChannelAccounts } from '../../channelAccounts/service.js';
import { startPeriodic } from '../../jobs/periodic.js';
import { dropSettledJob } from '../../jobs/queries.js';
import { newJob, type DeadLetterHandler, type JobDoc, type JobHandler, type JobRunner } from '../../jobs/types.js';
import { updateDoc, type DocStore } from '../../store/index.js';
import { cursorIdOf, type PollCursorDoc, type ReclameAquiPoller } from './poller.js';

/**
 * Polling as outbox jobs, so one node polls an account at a time whichever runner (store leases or
 * BullMQ) runs them. Rounds form a chain: round n's job (`job:reclameaqui-poll.<account>.<n>`) polls,
 * records n on the cursor and writes round n+1 for `pollSeconds` later. The ids are deterministic,
 * so nodes that both try to write a round create it once; a watchdog on every node writes the
 * round after the cursor's for accounts whose chain stopped (server start, account enabled, a
 * crash between the cursor and the next job).
 */
export const RECLAME_AQUI_POLL_JOB = 'reclameaqui-poll';
/** How often each node checks that every polled account has its next round written. */
const WATCHDOG_MS = 60_000;

interface RoundPayload { accountId: string; round: number }

const roundJob = (accountId: string, round: number, runAt?: number): JobDoc =>
  newJob(RECLAME_AQUI_POLL_JOB, `${keyOf(accountId)}.${round}`, { accountId, round }, runAt === undefined ? {} : { runAt });

const payloadOf = (job: JobDoc): RoundPayload => ({ accountId: String(job.payload.accountId), round: Number(job.payload.round) });

export interface PollJobDeps {
  store: DocStore;
  accounts: Pick<ChannelAccounts, 'list'>;
  poller: ReclameAquiPoller;
  log: (message: string) => void;
}

/**
 * Records round `round` as run and writes the next one, unless the account is no longer polled
 * (its chain then stops; the watchdog restarts it once the account is enabled again).
 */
async function closeRound(deps: PollJobDeps, { accountId, round }: RoundPayload): Promise<void> {
  await updateDoc<PollCursorDoc>(deps.store, cursorIdOf(accountId), (current) => {
    const live = current && !current._deleted ? current : undefined;
    if (live && live.round >= round) return undefined;
    return { ...(live ?? { _id: cursorIdOf(accountId), type: 'racursor', accountId, since: null, seenAtSince: [] }), round, updatedAt: Date.now() } as PollCursorDoc;
  });
  const polled = await deps.poller.pollable(accountId);
  if (polled) await deps.store.bulkWrite([roundJob(accountId, round + 1, Date.now() + polled.adapter.pollSeconds * 1000)]);
  // A chain writes a job every round: the one before this, settled, is dropped so they do not pile up.
  await dropSettledJob(deps.store, RECLAME_AQUI_POLL_JOB, `${keyOf(accountId)}.${round - 1}`);
}

/** One round: stale rounds (already run) do nothing; HugMe's 429 and outages retry the round from the cursor. */
function pollRound(deps: PollJobDeps): JobHandler {
  return async (job) => {
    const payload = payloadOf(job);
    const cursor = await deps.poller.cursor(payload.accountId);
    if (cursor && cursor.round >= payload.round) return;
    await deps.poller.poll(payload.accountId);
    await closeRound(deps, payload);
  };
}

/** A round that kept failing (bad credentials, a long outage) still hands over to the next one. */
function roundDead(deps: PollJobDeps): DeadLetterHandler {
  return async (job, error) => {
    const payload = payloadOf(job);
    deps.log(`reclameaqui poll of ${payload.accountId} failed: ${error.message}`);
    await closeRound(deps, payload);
  };
}

/**
 * Writes an account's next round, due now, when it is polled and its chain is not running (a
 * running chain already wrote that round: the write is a conflict, ignored).
 */
export async function schedulePoll(deps: Omit<PollJobDeps, 'accounts'>, accountId: string): Promise<void> {
  if (!(await deps.poller.pollable(accountId))) return;
  const cursor = await deps.poller.cursor(accountId);
  await deps.store.bulkWrite([roundJob(accountId, (cursor?.round ?? 0) + 1)]);
}

/** Writes the next round of every polled account whose chain is not running. */
export async function schedulePolls(deps: PollJobDeps): Promise<void> {
  for (const account of await deps.accounts.list()) {
    if (account.kind === 'reclameaqui') await schedulePoll(deps, account._id);
  }
}

/**
 * Registers the round handler and, unless `background` is false (tests that run rounds by hand),
 * starts the watchdog and starts an account's chain as soon as it is saved (created, enabled
 * again, its settings changed), rather than at the watchdog's next minute. The returned function
 * stops both.
 */
export function registerReclameAquiPolling(
  jobs: JobRunner, deps: PollJobDeps & { accounts: Pick<ChannelAccounts, 'onSaved'> }, options: { background?: boolean } = {},
): () => void {
  jobs.register(RECLAME_AQUI_POLL_JOB, pollRound(deps), {
    onDead: roundDead(deps),
    // Retries follow HugMe's Retry-After; a round that still fails after these hands over to the next.
    policy: { maxAttempts: 10, baseDelayMs: 5_000, maxDelayMs: 10 * 60_000 },
    concurrency: 2,
  });
  if (options.background === false) return () => undefined;
  const failed = (e: unknown) => deps.log(`reclameaqui poll scheduling failed: ${String(e)}`);
  const stopWatchdog = startPeriodic(() => schedulePolls(deps), { everyMs: WATCHDOG_MS, immediately: true, failed });
  const unsubscribe = deps.accounts.onSaved((account) => {
    if (account.kind === 'reclameaqui') void schedulePoll(deps, account._id).catch(failed);
  });
  return () => {
    stopWatchdog();
    unsubscribe();
  };
}

import { keyOf, RA_REPUTATION_REFRESH } from '@atende/protocol';
import type { ChannelAccounts } from '../../channelAccounts/service.js';
import { dropSettledJob } from '../../jobs/queries.js';
import { jobId, newJob, type JobDoc, type JobHandler, type JobRunner } from '../../jobs/types.js';
import { startPeriodic } from '../../jobs/periodic.js';
import type { DocStore } from '../../store/index.js';
import type { ReclameAquiReputation } from './reputation.js';

/**
 * The scheduled reputation fetch (R-CH-08) as outbox jobs, so one node fetches an account's
 * reputation per period whichever runner (store leases or BullMQ) runs them. Time is cut in slots
 * of `everyMinutes`; slot n of an account is the job `job:reclameaqui-reputation.<account>.<n>`,
 * written by a watchdog on every node: the id is deterministic, so all nodes writing it create it
 * once. A slot whose figures were already fetched within it (by "Atualizar") does nothing.
 */
export const RECLAME_AQUI_REPUTATION_JOB = 'reclameaqui-reputation';
/** How often each node checks that every account has its current slot written. */
const WATCHDOG_MS = 60_000;

interface SlotPayload { accountId: string; slot: number }

export interface ReputationJobDeps {
  store: DocStore;
  accounts: Pick<ChannelAccounts, 'list'>;
  reputation: ReclameAquiReputation;
  log: (message: string) => void;
  /** The slot length; tests shorten it. */
  everyMs?: number;
  now?: () => number;
}

const slotMsOf = (deps: ReputationJobDeps) => deps.everyMs ?? RA_REPUTATION_REFRESH.everyMinutes * 60_000;
const slotKey = (accountId: string, slot: number) => `${keyOf(accountId)}.${slot}`;

const payloadOf = (job: JobDoc): SlotPayload => ({ accountId: String(job.payload.accountId), slot: Number(job.payload.slot) });

/** One slot: fetch unless this slot already has figures; HugMe's 429 and outages retry the slot (the error is shown meanwhile). */
function fetchSlot(deps: ReputationJobDeps): JobHandler {
  return async (job) => {
    const { accountId, slot } = payloadOf(job);
    const found = await deps.reputation.fetchable(accountId);
    const cached = found && (await deps.reputation.cached(accountId));
    const fresh = cached?.fetchedAt != null && cached.fetchedAt >= slot * slotMsOf(deps);
    if (found && !fresh) {
      const { retryLater } = await deps.reputation.fetch(found.account, found.adapter);
      if (retryLater) throw retryLater;
    }
    // A settled job of a past slot is dropped, so slots do not pile up; the watchdog never writes a past slot again.
    await dropSettledJob(deps.store, RECLAME_AQUI_REPUTATION_JOB, slotKey(accountId, slot - 1));
  };
}

/** Writes the current slot's job of every enabled account that lacks it; one already written is left alone. */
export async function scheduleReputations(deps: ReputationJobDeps): Promise<void> {
  const slot = Math.floor((deps.now ?? Date.now)() / slotMsOf(deps));
  for (const account of await deps.accounts.list()) {
    if (account.kind !== 'reclameaqui' || !(await deps.reputation.fetchable(account._id))) continue;
    const key = slotKey(account._id, slot);
    if (await deps.store.get(jobId(RECLAME_AQUI_REPUTATION_JOB, key))) continue;
    await deps.store.bulkWrite([newJob(RECLAME_AQUI_REPUTATION_JOB, key, { accountId: account._id, slot })]);
  }
}

/** Registers the slot handler and starts the watchdog; the returned function stops it. */
export function registerReputationRefresh(jobs: JobRunner, deps: ReputationJobDeps): () => void {
  jobs.register(RECLAME_AQUI_REPUTATION_JOB, fetchSlot(deps), {
    // A slot that still fails after these waits for the next slot; its error stays on the panel.
    policy: { maxAttempts: 4, baseDelayMs: 30_000, maxDelayMs: 10 * 60_000 },
    concurrency: 1,
  });
  return startPeriodic(() => scheduleReputations(deps), {
    everyMs: WATCHDOG_MS, immediately: true, failed: (e) => deps.log(`reclameaqui reputation scheduling failed: ${String(e)}`),
  });
}

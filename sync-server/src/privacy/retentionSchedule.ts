import type { StoredDoc } from '../store/index.js';
import { startPeriodic } from '../jobs/periodic.js';
import type { PrivacyContext } from './context.js';
import { anyRetention, erasureRemoval, runRetention, type RemoveRecords } from './retention.js';

/**
 * The daily retention run (R-PRIV-01): once a day, from RETENTION_HOUR (03:00) in the server's
 * time zone — a quiet hour for a service desk. Every node ticks every CHECK_EVERY_MS; the first
 * tick past 03:00 of a day that finds a team with retention creates `retentionday:<yyyy-mm-dd>`
 * (a create without revision: of several nodes one writes it, the others meet a conflict and
 * skip), and the winner runs. A node started later in the day still runs a day nobody ran.
 * A run that dies midway is not retried that day: the next day's cutoff covers what it left.
 */
export const RETENTION_HOUR = 3;
export const CHECK_EVERY_MS = 10 * 60_000;
export const DAY_PREFIX = 'retentionday:';

/** The server's local calendar day of `now`, `yyyy-mm-dd`. */
export function localDay(now: number): string {
  const d = new Date(now);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

export type TickOutcome = 'early' | 'off' | 'taken' | 'ran';

/** One check of the schedule; what it did (tests and the log read it). */
export async function retentionTick(ctx: PrivacyContext, remove: RemoveRecords): Promise<TickOutcome> {
  const now = ctx.now();
  if (new Date(now).getHours() < RETENTION_HOUR) return 'early';
  // Off while no team asks: no day document, no run record, nothing to report.
  if (!(await anyRetention(ctx))) return 'off';
  const day: StoredDoc = { _id: `${DAY_PREFIX}${localDay(now)}`, type: 'retentionday', claimedAt: now };
  const [claimed] = await ctx.store.bulkWrite([day]);
  if (!claimed?.ok) {
    if (claimed?.error === 'conflict') return 'taken';
    throw new Error(`retention day not claimed: ${claimed ? claimed.reason : 'no result'}`);
  }
  await runRetention(ctx, remove, { trigger: 'schedule', actor: null, origin: null });
  return 'ran';
}

/** This node's daily check, started with the server and stopped before the store closes. */
export function retentionSchedule(ctx: PrivacyContext, remove: RemoveRecords = erasureRemoval, everyMs = CHECK_EVERY_MS) {
  let stop: (() => void) | undefined;
  return {
    start(): void {
      stop ??= startPeriodic(async () => {
        await retentionTick(ctx, remove);
      }, { everyMs, failed: (error) => ctx.log(`retention: scheduled run failed: ${String(error)}`) });
    },
    stop(): void {
      stop?.();
      stop = undefined;
    },
  };
}

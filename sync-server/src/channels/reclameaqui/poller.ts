import { keyOf, RECLAME_AQUI_CALLS_PER_MINUTE, RECLAME_AQUI_PAGE_SIZE } from '@atende/protocol';
import type { ChannelAccountDoc, ChannelAccounts } from '../../channelAccounts/service.js';
import { RECLAME_AQUI_FIRST_POLL_DAYS_DEFAULT } from '../../config/config.js';
import type { ContactDirectory } from '../../contacts/directory.js';
import type { InboundService } from '../../conversations/inbound.js';
import { updateDoc, type DocStore, type StoredDoc } from '../../store/index.js';
import type { ChannelRegistry } from '../adapter.js';
import { reclameAquiAccount, type ReclameAquiAdapter } from './adapter.js';
import type { RaTicket, SkippedTicket } from './client.js';
import { ComplaintSync } from './complaints.js';

/**
 * HugMe publishes a change 25–30 s after the `last_modification_date` it gives it (CHANNELS.md):
 * a ticket changed just before the cursor may appear only after the cursor passed it. A caught-up
 * round therefore starts this long before the cursor; what it reads again unchanged is skipped.
 */
export const LOOK_BACK_MS = 120_000;
const DAY_MS = 86_400_000;

/**
 * Where an account's polling stands, durable (server-only `racursor:<account key>`): the
 * `last_modification_date` of the last ticket stored and the ids stored at exactly that instant,
 * which the next `gte` query answers again and are skipped. Written after each page is stored, so
 * a restart mid-paging asks again from there: nothing missed, and what is stored twice dedupes.
 */
export interface PollCursorDoc extends StoredDoc {
  type: 'racursor';
  accountId: string;
  since: string | null;
  seenAtSince: string[];
  /**
   * The tickets stored within LOOK_BACK_MS before `since`, by id: the modification date stored.
   * The look-back answers them again; one still at that date holds nothing new.
   */
  recent?: Record<string, string>;
  /** The last round read everything there was: the next one starts with the look-back. */
  caughtUp?: boolean;
  /** The last poll round run (pollJob.ts): a round at or below it is stale. */
  round: number;
  updatedAt: number;
}

export const cursorIdOf = (accountId: string) => `racursor:${keyOf(accountId)}`;

/** Pages one round may read at `pollSeconds`, keeping the account under HugMe's calls per minute (one call spare for a token). */
export function pagesPerRound(pollSeconds: number): number {
  return Math.max(1, Math.min(20, Math.floor((RECLAME_AQUI_CALLS_PER_MINUTE * pollSeconds) / 60) - 1));
}

export interface PollOutcome {
  pages: number;
  tickets: number;
  /** True when the last page read was full: more is waiting for the next round. */
  more: boolean;
}

export interface ReclameAquiPollerDeps {
  store: DocStore;
  accounts: Pick<ChannelAccounts, 'find'>;
  registry: ChannelRegistry;
  contacts: ContactDirectory;
  inbound: InboundService;
  /** An account's first poll reads the complaints changed in this many past days (config RECLAME_AQUI_FIRST_POLL_DAYS). */
  firstPollDays?: number;
  now?: () => number;
  /** Where a ticket the channel cannot store is reported (once per poller and ticket). */
  log?: (message: string) => void;
}

/** A ticket the cursor says was stored as it is now. */
function seen(cursor: PollCursorDoc | undefined, ticket: RaTicket): boolean {
  if (!cursor) return false;
  const at = ticket.last_modification_date;
  return cursor.recent?.[ticket.id] === at || (at === cursor.since && cursor.seenAtSince.includes(ticket.id));
}

const isoOf = (ms: number) => new Date(ms).toISOString();
/** A date the cursor may use; one written before dates were checked (unreadable) is ignored. */
const readable = (iso: string | null | undefined): iso is string => typeof iso === 'string' && Number.isFinite(Date.parse(iso));
/** Skipped tickets already reported, so a round reading the same odd ticket again does not repeat the line. */
const REPORTED_MAX = 1000;

/** Reads the complaints HugMe changed since the cursor and stores them as conversations (issue 12). */
export class ReclameAquiPoller {
  private readonly complaints: ComplaintSync;
  private readonly now: () => number;
  private readonly reported = new Set<string>();

  constructor(private readonly deps: ReclameAquiPollerDeps) {
    this.complaints = new ComplaintSync(deps);
    this.now = deps.now ?? Date.now;
  }

  async cursor(accountId: string): Promise<PollCursorDoc | undefined> {
    const doc = (await this.deps.store.get(cursorIdOf(accountId))) as PollCursorDoc | undefined;
    return doc && !doc._deleted ? doc : undefined;
  }

  /** The account and its HugMe adapter, when it is one the server polls (enabled, not a test's stand-in). */
  pollable(accountId: string): Promise<{ account: ChannelAccountDoc; adapter: ReclameAquiAdapter } | undefined> {
    return reclameAquiAccount(this.deps.accounts, this.deps.registry, accountId);
  }

  /**
   * One round: up to `maxPages` pages of tickets modified since the cursor, oldest first, each page
   * stored and then the cursor moved. A round after one that read everything starts with one page
   * from LOOK_BACK_MS before the cursor (late publications), then goes on from the cursor; only a
   * caught-up round does, so a backlog read one page per round still moves. HugMe's 429 and
   * outages throw (RetryLater) with the cursor where the last stored page left it.
   */
  async poll(accountId: string, options: { maxPages?: number } = {}): Promise<PollOutcome> {
    const found = await this.pollable(accountId);
    if (!found) return { pages: 0, tickets: 0, more: false };
    const { account, adapter } = found;
    const maxPages = options.maxPages ?? pagesPerRound(adapter.pollSeconds);
    const outcome: PollOutcome = { pages: 0, tickets: 0, more: false };
    let lookBack = (await this.cursor(accountId))?.caughtUp === true;
    // Page numbers advance only while a page brings nothing new (more than a page changed at one instant).
    let pageNumber = 1;
    while (outcome.pages < maxPages) {
      const cursor = await this.cursor(accountId);
      // Model assumption: HugMe sorts by `sort[last_modification_date]` (CHANNELS.md shows only `sort[creation_date]`);
      // were it ignored, a round of several pages could move the cursor past tickets of a later page (only the look-back would catch them).
      const filters: Array<[string, string]> = [['last_modification_date[gte]', this.startOf(cursor, lookBack)], ['sort[last_modification_date]', 'asc']];
      const page = await adapter.client.tickets(filters, pageNumber);
      outcome.pages += 1;
      this.report(accountId, page.skipped);
      const stored: RaTicket[] = [];
      for (const ticket of page.data.filter((t) => !seen(cursor, t))) {
        if ((await this.complaints.sync(account, ticket)) === 'stored') stored.push(ticket);
      }
      outcome.tickets += stored.length;
      await this.advance(accountId, stored);
      outcome.more = page.data.length + page.skipped.length >= RECLAME_AQUI_PAGE_SIZE;
      if (!outcome.more) break;
      pageNumber = lookBack || stored.length > 0 ? 1 : pageNumber + 1;
      lookBack = false;
    }
    await this.recordCaughtUp(accountId, !outcome.more);
    return outcome;
  }

  /** A ticket HugMe listed that the channel cannot store (an unsafe id, an unreadable date): one log line, the poll goes on. */
  private report(accountId: string, skipped: SkippedTicket[]): void {
    for (const { id, reason } of skipped) {
      const key = `${accountId} ${id} ${reason}`;
      if (this.reported.has(key)) continue;
      if (this.reported.size >= REPORTED_MAX) this.reported.clear();
      this.reported.add(key);
      this.deps.log?.(`reclameaqui poll of ${accountId}: ticket ${id} skipped (${reason})`);
    }
  }

  /** Where a query starts: the cursor (or LOOK_BACK_MS before it); with no cursor yet, the first poll's window. */
  private startOf(cursor: PollCursorDoc | undefined, lookBack: boolean): string {
    if (!readable(cursor?.since)) return isoOf(this.now() - (this.deps.firstPollDays ?? RECLAME_AQUI_FIRST_POLL_DAYS_DEFAULT) * DAY_MS);
    if (!lookBack) return cursor.since;
    return isoOf(Date.parse(cursor.since) - LOOK_BACK_MS);
  }

  /**
   * Moves the cursor to the latest ticket stored (never back: a late ticket only joins `recent`)
   * and forgets what fell out of the look-back.
   */
  private async advance(accountId: string, stored: RaTicket[]): Promise<void> {
    if (stored.length === 0) return;
    await updateDoc<PollCursorDoc>(this.deps.store, cursorIdOf(accountId), (current) => {
      const live = current && !current._deleted ? current : undefined;
      const latest = stored.reduce((a, b) => (Date.parse(b.last_modification_date) > Date.parse(a.last_modification_date) ? b : a));
      const since = readable(live?.since) && Date.parse(live.since) >= Date.parse(latest.last_modification_date) ? live.since : latest.last_modification_date;
      const atSince = stored.filter((t) => t.last_modification_date === since).map((t) => t.id);
      const seenAtSince = live?.since === since ? [...new Set([...live.seenAtSince, ...atSince])] : atSince;
      const horizon = Date.parse(since) - LOOK_BACK_MS;
      const recent = Object.fromEntries(
        [...Object.entries(live?.recent ?? {}), ...stored.map((t) => [t.id, t.last_modification_date] as const)]
          .filter(([, at]) => Date.parse(at) >= horizon),
      );
      return {
        ...(live ?? { _id: cursorIdOf(accountId), type: 'racursor', accountId, round: 0 }),
        type: 'racursor', accountId, since, seenAtSince, recent, updatedAt: Date.now(),
      } as PollCursorDoc;
    });
  }

  /** Records whether the round read everything, which decides the next round's look-back. */
  private async recordCaughtUp(accountId: string, caughtUp: boolean): Promise<void> {
    await updateDoc<PollCursorDoc>(this.deps.store, cursorIdOf(accountId), (current) =>
      current && !current._deleted && current.caughtUp !== caughtUp ? { ...current, caughtUp, updatedAt: Date.now() } : undefined,
    );
  }
}

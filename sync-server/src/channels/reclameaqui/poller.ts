import { keyOf, RECLAME_AQUI_CALLS_PER_MINUTE, RECLAME_AQUI_PAGE_SIZE, type ConversationDoc } from '@atende/protocol';
import { isEnabled, type ChannelAccountDoc, type ChannelAccounts } from '../../channelAccounts/service.js';
import type { ContactDirectory } from '../../contacts/directory.js';
import { threadIdOf, type InboundService, type ThreadDoc } from '../../conversations/inbound.js';
import { updateDoc, type DocStore, type StoredDoc } from '../../store/index.js';
import { updateWire } from '../../store/wire.js';
import type { ChannelRegistry } from '../adapter.js';
import { upstreamMessageKey } from '../inbound.js';
import { ReclameAquiAdapter } from './adapter.js';
import type { RaTicket } from './client.js';
import { ticketInbound } from './tickets.js';

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
}

/** Reads the complaints HugMe changed since the cursor and stores them as conversations (issue 12). */
export class ReclameAquiPoller {
  constructor(private readonly deps: ReclameAquiPollerDeps) {}

  async cursor(accountId: string): Promise<PollCursorDoc | undefined> {
    const doc = (await this.deps.store.get(cursorIdOf(accountId))) as PollCursorDoc | undefined;
    return doc && !doc._deleted ? doc : undefined;
  }

  /** The account and its HugMe adapter, when it is one the server polls (enabled, not a test's stand-in). */
  async pollable(accountId: string): Promise<{ account: ChannelAccountDoc; adapter: ReclameAquiAdapter } | undefined> {
    const account = await this.deps.accounts.find(accountId);
    if (!account || account.kind !== 'reclameaqui' || !isEnabled(account)) return undefined;
    const adapter = this.deps.registry.forAccount(account);
    return adapter instanceof ReclameAquiAdapter ? { account, adapter } : undefined;
  }

  /**
   * One round: up to `maxPages` pages of tickets modified since the cursor, oldest first, each page
   * stored and then the cursor moved. HugMe's 429 and outages throw (RetryLater) with the cursor
   * where the last stored page left it.
   */
  async poll(accountId: string, options: { maxPages?: number } = {}): Promise<PollOutcome> {
    const found = await this.pollable(accountId);
    if (!found) return { pages: 0, tickets: 0, more: false };
    const { account, adapter } = found;
    const maxPages = options.maxPages ?? pagesPerRound(adapter.pollSeconds);
    const outcome: PollOutcome = { pages: 0, tickets: 0, more: false };
    // Page numbers advance only while a page brings nothing new (more than a page changed at one instant).
    let pageNumber = 1;
    while (outcome.pages < maxPages) {
      const cursor = await this.cursor(accountId);
      const filters: Array<[string, string]> = cursor?.since ? [['last_modification_date[gte]', cursor.since]] : [];
      filters.push(['sort[last_modification_date]', 'asc']);
      const page = await adapter.client.tickets(filters, pageNumber);
      outcome.pages += 1;
      const seen = new Set(cursor?.since ? cursor.seenAtSince : []);
      const fresh = page.data.filter((t) => !(t.last_modification_date === cursor?.since && seen.has(t.id)));
      for (const ticket of fresh) await this.store(account, ticket);
      outcome.tickets += fresh.length;
      const moved = await this.advance(accountId, fresh);
      outcome.more = page.data.length >= RECLAME_AQUI_PAGE_SIZE;
      if (!outcome.more) break;
      pageNumber = moved ? 1 : pageNumber + 1;
    }
    return outcome;
  }

  /** Stores one complaint: its conversation (waiting, with the header), its messages, its status. */
  private async store(account: ChannelAccountDoc, ticket: RaTicket): Promise<void> {
    const t = ticketInbound(ticket);
    const contact = await this.deps.contacts.contactFor('reclameaqui', t.address, { name: t.name, ...(t.email ? { email: t.email } : {}) });
    for (const m of t.messages) {
      await this.deps.inbound.receive({
        account, contact, messageKey: upstreamMessageKey(account._id, m.externalId), authorName: t.name, kind: 'text',
        text: m.text, payload: m.payload, externalId: m.externalId, threadKey: t.threadKey, channelMeta: t.meta,
      });
    }
    // The header follows the complaint: its status (and title, page…) as HugMe has them now.
    const thread = (await this.deps.store.get(threadIdOf(account._id, t.threadKey))) as ThreadDoc | undefined;
    if (!thread?.openConversationId) return;
    await updateWire<ConversationDoc>(this.deps.store, thread.openConversationId, (c) => {
      if (!c || Object.entries(t.meta).every(([k, v]) => c.channelMeta[k] === v)) return undefined;
      return { ...c, channelMeta: { ...c.channelMeta, ...t.meta }, updatedAt: Date.now() };
    });
  }

  /** Moves the cursor past the stored tickets; false when it stayed (nothing newer than it). */
  private async advance(accountId: string, stored: RaTicket[]): Promise<boolean> {
    const last = stored.at(-1);
    if (!last) return false;
    const since = last.last_modification_date;
    const atSince = stored.filter((t) => t.last_modification_date === since).map((t) => t.id);
    const { written } = await updateDoc<PollCursorDoc>(this.deps.store, cursorIdOf(accountId), (current) => {
      const live = current && !current._deleted ? current : undefined;
      // Another poller got further meanwhile: keep its cursor.
      if (live?.since && Date.parse(live.since) > Date.parse(since)) return undefined;
      const seenAtSince = live?.since === since ? [...new Set([...live.seenAtSince, ...atSince])] : atSince;
      return {
        ...(live ?? { _id: cursorIdOf(accountId), type: 'racursor', accountId, round: 0 }),
        type: 'racursor', accountId, since, seenAtSince, updatedAt: Date.now(),
      } as PollCursorDoc;
    });
    return written;
  }
}


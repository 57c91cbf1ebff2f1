import {
  DomainError, forbidden, keyOf, mayRefreshReputation, notFound, RA_REPUTATION_REFRESH, seesRaReputation, type RaAccountReputation, type UserDoc,
} from '@atende/protocol';
import { isEnabled, type ChannelAccountDoc, type ChannelAccounts } from '../../channelAccounts/service.js';
import { RetryLater } from '../../jobs/types.js';
import { updateDoc, type DocStore, type StoredDoc } from '../../store/index.js';
import type { ChannelRegistry } from '../adapter.js';
import { reclameAquiAccount, type ReclameAquiAdapter } from './adapter.js';
import { refusalSentence } from './client.js';
import type { ReputationPeriods } from './reputationAnswer.js';

/**
 * The company's reputation on Reclame Aqui (R-CH-08), cached per account in a server-only document
 * (`rareputation:<account key>`: its type is no replicated collection, so no replica sees it; the
 * panel asks the API). The cache is refreshed on a schedule (reputationJob.ts) and by "Atualizar";
 * a failed fetch keeps the figures from before and records why, as a pt-BR sentence.
 */
export interface ReputationDoc extends StoredDoc {
  type: 'rareputation';
  accountId: string;
  /** The last successful fetch (epoch ms); null: none yet. */
  fetchedAt: number | null;
  /** The last attempt, successful or not: "Atualizar" waits `minMinutes` after it. */
  attemptedAt: number;
  error: string | null;
  periods: ReputationPeriods;
}

export const reputationIdOf = (accountId: string) => `rareputation:${keyOf(accountId)}`;

const MINUTE_MS = 60_000;
const TOO_SOON = `A reputação foi atualizada há menos de ${RA_REPUTATION_REFRESH.minMinutes} minuto(s). Aguarde um pouco e tente de novo.`;
const NOT_CONFIGURED = 'A conta do Reclame Aqui não tem o id da empresa (HugMe) configurado.';

export interface ReputationDeps {
  store: DocStore;
  accounts: Pick<ChannelAccounts, 'find' | 'list'>;
  registry: ChannelRegistry;
  now?: () => number;
}

/** How a fetch ended: the cache as it now stands, and whether HugMe asked to try later. */
export interface FetchOutcome {
  doc: ReputationDoc;
  retryLater: RetryLater | undefined;
}

export class ReclameAquiReputation {
  private readonly now: () => number;

  constructor(private readonly deps: ReputationDeps) {
    this.now = deps.now ?? Date.now;
  }

  async cached(accountId: string): Promise<ReputationDoc | undefined> {
    const doc = (await this.deps.store.get(reputationIdOf(accountId))) as ReputationDoc | undefined;
    return doc && !doc._deleted ? doc : undefined;
  }

  /** Enabled Reclame Aqui accounts with their HugMe client (a test's scripted stand-in has none). */
  fetchable(accountId: string): Promise<{ account: ChannelAccountDoc; adapter: ReclameAquiAdapter } | undefined> {
    return reclameAquiAccount(this.deps.accounts, this.deps.registry, accountId);
  }

  /**
   * Asks HugMe now and stores the answer; on failure the older figures stay and `error` says why.
   * Never throws for HugMe's sake: a 429 or an outage comes back as `retryLater` for the job to retry.
   */
  async fetch(account: ChannelAccountDoc, adapter: ReclameAquiAdapter, at = this.now()): Promise<FetchOutcome> {
    let periods: ReputationPeriods | undefined;
    let error: string | null = null;
    let retryLater: RetryLater | undefined;
    const companyId = account.settings?.companyId;
    try {
      if (!companyId) throw new DomainError('unprocessable', 'no_company', NOT_CONFIGURED);
      periods = await adapter.client.reputation(companyId);
    } catch (failure) {
      if (failure instanceof RetryLater) retryLater = failure;
      error = failure instanceof DomainError ? failure.message : refusalSentence(failure);
    }
    const { doc } = await updateDoc<ReputationDoc>(this.deps.store, reputationIdOf(account._id), (current) => {
      const live = current && !current._deleted ? current : undefined;
      // Another node fetched later meanwhile: its figures stand.
      if (live && live.attemptedAt > at) return undefined;
      return {
        _id: reputationIdOf(account._id), type: 'rareputation', accountId: account._id, attemptedAt: at, error,
        fetchedAt: periods ? at : (live?.fetchedAt ?? null),
        periods: periods ?? live?.periods ?? {},
      } as ReputationDoc;
    });
    return { doc: doc as ReputationDoc, retryLater };
  }

  /** Every account the user sees, with its cached figures (none yet: empty periods, fetchedAt null). */
  async forUser(user: UserDoc): Promise<RaAccountReputation[]> {
    const accounts = (await this.deps.accounts.list())
      .filter((a) => a.kind === 'reclameaqui' && isEnabled(a) && seesRaReputation(user, a));
    return Promise.all(accounts.map(async (account) => viewOf(account, await this.cached(account._id))));
  }

  /** "Atualizar" (supervisors and admins of the account's team), at most once per `minMinutes`. */
  async refreshFor(user: UserDoc, accountId: string): Promise<RaAccountReputation[]> {
    const found = await this.fetchable(accountId);
    if (!found || !seesRaReputation(user, found.account)) throw notFound('Reclame Aqui account');
    if (!mayRefreshReputation(user, found.account)) throw forbidden('Só supervisores e administradores da equipe podem atualizar a reputação.');
    const at = this.now();
    if (!(await this.claimAttempt(accountId, at))) throw new DomainError('rate_limited', 'reputation_too_soon', TOO_SOON);
    await this.fetch(found.account, found.adapter, at);
    return this.forUser(user);
  }

  /**
   * Records the attempt at `at` before HugMe is asked, unless one was made within `minMinutes`:
   * the store's conditional write (updateDoc on the revision) lets exactly one of several
   * refreshes at once through, on any node; the others are "too soon".
   */
  private async claimAttempt(accountId: string, at: number): Promise<boolean> {
    const { written } = await updateDoc<ReputationDoc>(this.deps.store, reputationIdOf(accountId), (current) => {
      const live = current && !current._deleted ? current : undefined;
      if (live && at - live.attemptedAt < RA_REPUTATION_REFRESH.minMinutes * MINUTE_MS) return undefined;
      return {
        ...(live ?? { _id: reputationIdOf(accountId), type: 'rareputation', accountId, fetchedAt: null, error: null, periods: {} }),
        attemptedAt: at,
      } as ReputationDoc;
    });
    return written;
  }
}

export function viewOf(account: ChannelAccountDoc, doc: ReputationDoc | undefined): RaAccountReputation {
  return {
    accountId: account._id,
    name: account.name,
    description: account.settings?.description || account.name,
    fetchedAt: doc?.fetchedAt ?? null,
    error: doc?.error ?? null,
    periods: doc?.periods ?? {},
  };
}

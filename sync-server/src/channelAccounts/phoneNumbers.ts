import { DomainError } from '@atende/protocol';
import type { DocStore, StoredDoc } from '../store/index.js';
import type { ChannelAccountDoc } from './service.js';

/**
 * Which account holds a WhatsApp number (its Phone Number ID): one at most, or "Nova conversa"
 * offers the number twice and both accounts answer its webhook. The store arbitrates: the claim
 * document is created without a revision, so of two admins saving the same number at once only
 * one write succeeds (as `address:` documents do for contacts). Server-only, never replicated.
 */
interface PhoneNumberClaimDoc extends StoredDoc {
  type: 'wphone';
  accountId: string;
  /** When it was claimed (ms): a claim whose account was never written is abandoned after a while. */
  claimedAt: number;
}

/** Longer than any create or update between its claim and its account write. */
const ABANDONED_AFTER_MS = 10 * 60_000;
const ATTEMPTS = 5;

/** Phone Number IDs are digits (CHANNEL_SETTINGS), so they fit a document id as they are. */
export const phoneNumberClaimId = (phoneNumberId: string): string => `wphone:${phoneNumberId}`;

/** The Phone Number ID a WhatsApp account holds; undefined for other kinds. */
export function phoneNumberOf(account: Pick<ChannelAccountDoc, 'kind' | 'settings'>): string | undefined {
  return account.kind === 'whatsapp' ? account.settings?.phoneNumberId || undefined : undefined;
}

const holds = (account: StoredDoc | undefined, phoneNumberId: string): account is ChannelAccountDoc =>
  !!account && !account._deleted && account.type === 'channel' && account.removed !== true
  && phoneNumberOf(account as ChannelAccountDoc) === phoneNumberId;

function taken(phoneNumberId: string, holder: ChannelAccountDoc | undefined): DomainError {
  const who = holder ? `na conta "${holder.name}"` : 'em outra conta que está sendo salva agora';
  return new DomainError(
    'conflict', 'phone_number_taken',
    `O número de WhatsApp com Phone Number ID ${phoneNumberId} já está ${who}. Cada número pode estar em uma só conta: edite ou remova aquela conta, ou informe outro número.`,
    holder ? { channelAccountId: holder._id } : {},
  );
}

export class PhoneNumberClaims {
  constructor(private readonly store: DocStore) {}

  /**
   * Claims the number for `accountId` before the account is written with it; throws 409
   * `phone_number_taken` when a live account holds it (or is being saved with it right now).
   */
  async claim(phoneNumberId: string, accountId: string): Promise<void> {
    const id = phoneNumberClaimId(phoneNumberId);
    for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
      const known = (await this.store.get(id, { fresh: attempt > 0 })) as PhoneNumberClaimDoc | undefined;
      if (known && !known._deleted) {
        if (known.accountId === accountId) return;
        await this.refuseUnlessAbandoned(known, phoneNumberId);
      } else {
        await this.refuseUnclaimedHolder(phoneNumberId, accountId);
      }
      const claim: PhoneNumberClaimDoc = { _id: id, type: 'wphone', accountId, claimedAt: Date.now() };
      if (known?._rev) claim._rev = known._rev;
      const [written] = await this.store.bulkWrite([claim]);
      if (written?.ok) return;
      // Another admin claimed (or released) it meanwhile: look again.
    }
    throw new Error(`claim of WhatsApp number ${phoneNumberId}: too much contention`);
  }

  /** Gives the number up if `accountId` still holds its claim (its account moved off it, was removed, or was never written). */
  async release(phoneNumberId: string, accountId: string): Promise<void> {
    const id = phoneNumberClaimId(phoneNumberId);
    const known = (await this.store.get(id, { fresh: true })) as PhoneNumberClaimDoc | undefined;
    if (!known?._rev || known._deleted || known.accountId !== accountId) return;
    // A conflict means someone took it over meanwhile: then it is no longer ours to release.
    await this.store.bulkWrite([{ _id: id, _rev: known._rev, _deleted: true }]);
  }

  /**
   * A claim binds while its account holds the number, or while that account may still be being
   * written (a young claim). It lapses when the account was removed or moved to another number,
   * once the claim is old: a create or update that failed half-way must not block it for ever.
   */
  private async refuseUnlessAbandoned(claim: PhoneNumberClaimDoc, phoneNumberId: string): Promise<void> {
    const holder = await this.store.get(claim.accountId, { fresh: true });
    if (holds(holder, phoneNumberId)) throw taken(phoneNumberId, holder);
    const removed = holder?.type === 'channel' && holder.removed === true;
    if (!removed && Date.now() - claim.claimedAt < ABANDONED_AFTER_MS) {
      throw taken(phoneNumberId, holder && !holder._deleted && holder.type === 'channel' ? (holder as ChannelAccountDoc) : undefined);
    }
  }

  /**
   * Accounts written before numbers were claimed (and the demo seed's simulator account, written
   * straight to the store) hold their number without a claim document.
   */
  private async refuseUnclaimedHolder(phoneNumberId: string, accountId: string): Promise<void> {
    const accounts = await this.store.find({ selector: { type: 'channel', kind: 'whatsapp' }, limit: 1000 });
    const holder = accounts.find((a) => a._id !== accountId && holds(a, phoneNumberId));
    if (holder) throw taken(phoneNumberId, holder as ChannelAccountDoc);
  }
}

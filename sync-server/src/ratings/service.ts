import {
  DomainError, RatingScore, RATING_THANKS, RATING_WINDOW_HOURS_DEFAULT,
  type ChannelKind, type RATING_REFUSALS, type ConversationDoc, type ConversationRating, type TeamDoc,
} from '@atende/protocol';
import { writeWithOutbox } from '../conversations/outbox.js';
import { outgoingMessage, signatureOf, speakingAccount, storeOutgoing } from '../conversations/outgoing.js';
import type { DocStore, StoredDoc } from '../store/index.js';
import { getWire } from '../store/wire.js';
import { ratingAnswerRecordId, ratingKeyOf, ratingThanksMessageId } from './keys.js';

export type RatingRefusal = (typeof RATING_REFUSALS)[number];
export type RatingOutcome = { rated: ConversationDoc } | { refused: RatingRefusal };

const HOUR_MS = 3_600_000;
/** Conversations of one customer looked through for the one an answer names. */
const CONVERSATIONS_MAX = 2000;

/** Where a customer's answer comes from: the account they talk to and who they are there. */
export interface Rater {
  accountId: string;
  contactId: string;
}

/** A rating as the customer gave it; `at` and the conversation come from the server. */
export interface GivenRating {
  score: number;
  comment: string;
  channel: ChannelKind;
}

/** A customer's press of a rating button, as the channel's inbound path hands it over. */
export interface ChannelAnswer extends Rater {
  key: string;
  score: number;
  channel: ChannelKind;
  /** The upstream message's key: a redelivery of an answer taken already is recognised by it. */
  messageKey: string;
}

/**
 * Why `c` takes no rating now, or null when it does: finished and asked (a conversation never
 * asked, or asked not to, has nothing to rate), not rated yet, and within the team's window.
 */
export function refusalOf(c: ConversationDoc, windowHours: number, now: number): RatingRefusal | null {
  if (c.status !== 'finished' || c.ratingRequestedAt == null || c.finishedAt == null) return 'nothing_to_rate';
  if (c.rating) return 'already_rated';
  if (now - c.finishedAt > windowHours * HOUR_MS) return 'rating_window_closed';
  return null;
}

const SENTENCES: Record<RatingRefusal, string> = {
  nothing_to_rate: 'There is no finished conversation to rate',
  already_rated: 'This conversation was rated already',
  rating_window_closed: 'The time to rate this conversation is over',
};

/** The 409 the widget reads (RATING_REFUSALS). */
export const refusalError = (refusal: RatingRefusal): DomainError => new DomainError('conflict', refusal, SENTENCES[refusal]);

class RatingRefused extends Error {
  constructor(readonly refusal: RatingRefusal) {
    super(refusal);
  }
}

/**
 * Records customers' ratings (issue 18, R-RT-06, seed "avaliar os atendentes"): one per
 * conversation, arbitrated by the store — the rating is written over the revision it was judged
 * on, so of two concurrent answers one is written and the other finds the conversation rated.
 */
export class RatingService {
  constructor(
    private readonly store: DocStore,
    private readonly now: () => number = Date.now,
  ) {}

  /** The website chat: the visitor's last finished conversation on the account. */
  async rateLatest(rater: Rater, rating: Omit<GivenRating, 'channel'>): Promise<RatingOutcome> {
    const finished = (await this.conversationsOf(rater)).filter((c) => c.status === 'finished');
    const latest = finished.sort((a, b) => (b.finishedAt ?? 0) - (a.finishedAt ?? 0))[0];
    if (!latest) return { refused: 'nothing_to_rate' };
    return this.write(latest, { ...rating, channel: latest.channel });
  }

  /**
   * A channel's rating button: counts when its key names a conversation of this customer on this
   * account that takes the rating now. True when taken (or a redelivery of one taken): the
   * customer is thanked, and no message is stored; false: it goes on as an ordinary message.
   */
  async answer(a: ChannelAnswer): Promise<boolean> {
    if (!RatingScore.safeParse(a.score).success) return false;
    const record = ratingAnswerRecordId(a.messageKey);
    if (await this.store.get(record)) return true;
    const named = (await this.conversationsOf(a)).find((c) => ratingKeyOf(c.id) === a.key);
    if (!named) return false;
    const marker: StoredDoc = { _id: record, type: 'ratinganswer', conversationId: named.id, at: this.now() };
    const outcome = await this.write(named, { score: a.score, comment: '', channel: a.channel }, [marker]);
    // The same answer delivered twice at once: the copy that lost finds the winner's record.
    if (!('rated' in outcome)) return (await this.store.get(record, { fresh: true })) !== undefined;
    await this.thank(outcome.rated);
    return true;
  }

  /**
   * The customer's conversations on the account, each read again: a query may answer a document
   * as it was a moment ago (a finish just written), a read answers it as it is.
   */
  private async conversationsOf(rater: Rater): Promise<ConversationDoc[]> {
    const found = await this.store.find({ selector: { type: 'conversation', contactId: rater.contactId }, limit: CONVERSATIONS_MAX, fields: ['_id', 'channelAccountId'] });
    const ids = found.filter((d) => d.channelAccountId === rater.accountId).map((d) => d._id);
    const current = await Promise.all(ids.map((id) => getWire<ConversationDoc>(this.store, id)));
    return current.filter((c): c is ConversationDoc => c !== undefined);
  }

  /** Judged again on every revision the write sees: the first answer written wins. */
  private async write(c: ConversationDoc, given: GivenRating, records: StoredDoc[] = []): Promise<RatingOutcome> {
    const team = await getWire<TeamDoc>(this.store, c.teamId);
    const windowHours = team?.ratings?.windowHours ?? RATING_WINDOW_HOURS_DEFAULT;
    const now = this.now();
    const judged: { refusal: RatingRefusal | null } = { refusal: null };
    const doc = await writeWithOutbox<ConversationDoc>(this.store, c.id, (current) => {
      // Removed meanwhile (its contact was deleted): nothing to rate any more.
      if (!current) throw new RatingRefused('nothing_to_rate');
      judged.refusal = refusalOf(current, windowHours, now);
      if (judged.refusal) return undefined;
      const rating: ConversationRating = { score: given.score, comment: given.comment, at: now, channel: given.channel };
      return { doc: { ...current, rating, updatedAt: Math.max(now, current.updatedAt + 1) }, jobs: [], with: records };
    }).catch((error: unknown) => {
      if (error instanceof RatingRefused) return error;
      throw error;
    });
    if (doc instanceof RatingRefused) return { refused: doc.refusal };
    return judged.refusal ? { refused: judged.refusal } : { rated: doc };
  }

  /** Said back on the channel, once per conversation; it belongs to the rated conversation and opens none. */
  private async thank(c: ConversationDoc): Promise<void> {
    const account = await speakingAccount(this.store, c);
    const at = this.now();
    await storeOutgoing(this.store, outgoingMessage(c, { id: ratingThanksMessageId(c.id), at, authorName: signatureOf(account), text: RATING_THANKS }), { jobNow: at });
  }
}

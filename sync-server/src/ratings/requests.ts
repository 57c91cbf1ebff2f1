import { RATING_QUESTION, RATING_REQUEST_PAYLOAD, type ConversationDoc, type MessageDoc, type TeamDoc, type UserDoc } from '@atende/protocol';
import { writeWithOutbox } from '../conversations/outbox.js';
import { mayReachCustomer, outgoingMessage, sendJobOf, signatureOf, speakingAccount } from '../conversations/outgoing.js';
import { summarise } from '../conversations/summary.js';
import type { DocStore } from '../store/index.js';
import { getWire, toStored } from '../store/wire.js';
import { ratingKeyOf, ratingRequestMessageId } from './keys.js';

/**
 * Whether finishing `c` by `user` may ask: an agent's or supervisor's own finish (never the
 * session timeout's, `finishedBy` null), not Reclame Aqui (its consumer evaluates on its own page),
 * asked once per conversation.
 */
function mayAsk(user: UserDoc, c: ConversationDoc): boolean {
  return c.status === 'finished' && c.finishedBy === user.id && c.channel !== 'reclameaqui' && c.ratingRequestedAt == null;
}

/**
 * Asks the customer to rate a conversation just finished (issue 18, R-RT-06): when the team asks
 * and the channel's reply window is open, one outgoing message with no agent author, whose
 * payload carries the rating key (adapters render it as their channel's buttons, the widget as
 * stars), queued with its send job; `ratingRequestedAt` marks the conversation in the same write.
 * A repeat of the finish finds it marked and asks nothing more.
 */
export class RatingRequests {
  constructor(
    private readonly store: DocStore,
    private readonly now: () => number = Date.now,
  ) {}

  /** Answers the conversation as it is afterwards (marked when asked). */
  async afterFinish(user: UserDoc, c: ConversationDoc, requestRating: boolean | undefined): Promise<ConversationDoc> {
    if (requestRating === false || !mayAsk(user, c)) return c;
    const [team, account] = await Promise.all([getWire<TeamDoc>(this.store, c.teamId), speakingAccount(this.store, c)]);
    if (!team?.ratings?.enabled) return c;
    // After the "finished" line (dated finishedAt), so every reader lists the question after it.
    const at = Math.max(this.now(), (c.finishedAt ?? 0) + 1);
    // WhatsApp's, Messenger's and Instagram's 24 h: a message the upstream would refuse is not written.
    if (!mayReachCustomer(c, account, at)) return c;
    const question: MessageDoc = outgoingMessage(c, {
      id: ratingRequestMessageId(c.id), at, authorName: signatureOf(account), text: RATING_QUESTION,
      payload: { [RATING_REQUEST_PAYLOAD]: ratingKeyOf(c.id) },
    });
    return writeWithOutbox<ConversationDoc>(this.store, c.id, (current) => {
      // Finished again meanwhile (never, today) or asked by a racing repeat: nothing more.
      if (!current || current.status !== 'finished' || current.finishedAt !== c.finishedAt || current.ratingRequestedAt != null) return undefined;
      const message = { ...question, teamId: current.teamId };
      return { doc: { ...summarise(current, message), ratingRequestedAt: at }, jobs: [sendJobOf(message, at)], with: [toStored(message)] };
    });
  }
}

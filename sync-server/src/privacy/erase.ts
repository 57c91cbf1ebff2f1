import { forbidden, notFound, type EraseResponse, type RemovedCounts, type UserDoc } from '@atende/protocol';
import { recordAudit, type AuditOrigin } from '../audit/log.js';
import { isGone } from '../contacts/live.js';
import { collectRecords, type Holdings } from './collect.js';
import type { PrivacyContext } from './context.js';
import { purgeHoldings, toRemove } from './erasure.js';
import { eraseRefused } from './holds.js';

/** Statuses of a conversation still in course: the customer may be writing, an agent answering. */
const OPEN_STATUSES: ReadonlySet<unknown> = new Set(['bot', 'waiting', 'active']);

/** Why an erasure may not happen now; undefined when it may. Checked on what was collected, so nothing collected escapes it. */
function refusalOf(held: Holdings): Error | undefined {
  if (held.contacts.some((c) => c.legalHold === true) || held.conversations.some((c) => c.legalHold === true)) {
    return eraseRefused('legal_hold', 'A legal hold keeps this contact or one of its conversations: lift it first');
  }
  if (held.conversations.some((c) => OPEN_STATUSES.has(c.status))) {
    return eraseRefused('conversation_open', 'A conversation of this contact is still open: finish it first');
  }
  return undefined;
}

/** The audit's detail: counts only, never a name, a number or a text. */
export const countsDetail = (removed: RemovedCounts): string =>
  Object.entries(removed).map(([kind, n]) => `${kind}=${n}`).join(' ');

/**
 * Erasure of a contact on the person's request (R-PRIV-03, LGPD art. 18 VI): an admin's act.
 * Unknown → 404; a legal hold or an open conversation → 409 with nothing written; otherwise
 * everything of the person is purged (erasure.ts), the act audited with its counts.
 */
export async function eraseContact(ctx: PrivacyContext, user: UserDoc, contactId: string, origin: AuditOrigin): Promise<EraseResponse> {
  if (user.role !== 'admin') throw forbidden('Only admins erase a contact');
  const contact = contactId.startsWith('contact:') ? await ctx.store.get(contactId, { fresh: true }) : undefined;
  if (!contact || isGone(contact) || contact.type !== 'contact') throw notFound('contact');
  const held = toRemove(await collectRecords(ctx.store, { contactIds: [contactId], conversationIds: [], noteIds: [] }));
  const refusal = refusalOf(held);
  if (refusal) throw refusal;
  const removed = await purgeHoldings(ctx, held, 'erasure');
  await recordAudit(ctx.store, {
    action: 'erase', actor: { id: user.id, name: user.name }, subjectId: contactId, origin, detail: countsDetail(removed), at: ctx.now(),
  });
  return { removed };
}

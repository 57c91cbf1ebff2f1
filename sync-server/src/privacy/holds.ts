import { DomainError, forbidden, notFound, type UserDoc } from '@atende/protocol';
import { recordAudit, type AuditOrigin } from '../audit/log.js';
import { isGone } from '../contacts/live.js';
import { updateDoc } from '../store/index.js';
import type { PrivacyContext } from './context.js';

/**
 * Legal holds (issue 19 point 1): a contact or one conversation a court or the law asks to keep;
 * retention and erasure leave it alone (`heldByLaw`). Set by admins and supervisors (of any team); the flag is
 * server-owned (a push never writes it: sync/push.ts keeps the stored one) and replicates with
 * the rest of the document.
 */
export type HoldTarget = 'contact' | 'conversation';

export async function setLegalHold(
  ctx: PrivacyContext, user: UserDoc, target: HoldTarget, id: string, legalHold: boolean, origin: AuditOrigin,
): Promise<{ id: string; legalHold: boolean }> {
  if (user.role === 'agent') throw forbidden('Only admins and supervisors set a legal hold');
  if (!id.startsWith(`${target}:`)) throw notFound(target);
  const current = await ctx.store.get(id, { fresh: true });
  // Any supervisor, whatever their teams, as for an export (privacy/exportRoutes.ts): the order comes from outside, not from a queue.
  if (!current || isGone(current) || current.type !== target) throw notFound(target);
  if ((current.legalHold === true) === legalHold) return { id, legalHold };
  const { written } = await updateDoc(ctx.store, id, (doc) => {
    if (!doc || isGone(doc)) throw notFound(target);
    if ((doc.legalHold === true) === legalHold) return undefined;
    return { ...doc, legalHold, updatedAt: Math.max(ctx.now(), typeof doc.updatedAt === 'number' ? doc.updatedAt + 1 : 0) };
  });
  if (written) {
    await recordAudit(ctx.store, {
      action: 'legal_hold', actor: { id: user.id, name: user.name }, subjectId: id, origin, detail: legalHold ? 'on' : 'off', at: ctx.now(),
    });
  }
  return { id, legalHold };
}

/** Refusals an erasure answers with nothing written (ERASE_REFUSALS). */
export const eraseRefused = (code: 'conversation_open' | 'legal_hold', message: string) => new DomainError('conflict', code, message);

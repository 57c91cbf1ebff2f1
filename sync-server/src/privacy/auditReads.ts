import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { UserDoc } from '@atende/protocol';
import { mayReadConversation } from '../access/conversations.js';
import type { AuditOrigin } from '../audit/log.js';
import { ONCE_WINDOW_MS } from '../audit/ids.js';
import { recordAuditOnce } from '../audit/once.js';
import { clientAddress, principalOf } from '../auth/middleware.js';
import type { DocStore } from '../store/index.js';

/**
 * "Opened a conversation of another team" (issue 19 point 8, R-PRIV-05): a supervisor (or an
 * agent allowed other teams' history) reading a conversation of a team they are not in. Recorded
 * at most once per user and conversation per hour, whatever the path (the desk's beacon, the
 * messages, the contact's history or gallery), so an audit is a list of accesses, not of clicks.
 */
export const OPENED_WINDOW_MS = ONCE_WINDOW_MS;

/** Where the request came from, as the audit keeps it. */
export function auditOriginOf(req: Request): AuditOrigin {
  return { ip: clientAddress(req), userAgent: req.get('user-agent') ?? '' };
}

/** How the conversation was opened: the detail of its entry. */
export type OpenedVia = 'desk' | 'messages' | 'history' | 'media';

const isOtherTeam = (user: UserDoc, teamId: unknown): teamId is string => typeof teamId === 'string' && !user.teamIds.includes(teamId);

/**
 * Records the conversations among `conversationIds` that the user may read and whose team is not
 * theirs (one entry each, at most one per user+conversation per hour). Unknown, unreadable and
 * own-team conversations record nothing.
 */
export async function recordOtherTeamReads(
  store: DocStore, user: UserDoc, conversationIds: readonly string[], origin: AuditOrigin, via: OpenedVia, now = Date.now(),
): Promise<number> {
  const ids = [...new Set(conversationIds)].filter((id) => id.startsWith('conversation:'));
  const others: string[] = [];
  for (const id of ids) {
    const stored = await store.get(id);
    if (stored && mayReadConversation(user, stored) && isOtherTeam(user, stored.teamId)) others.push(id);
  }
  const written = await recordAuditOnce(store, others.map((id) => ({
    key: `${user.id}\n${id}`,
    record: { action: 'other_team_conversation' as const, actor: { id: user.id, name: user.name }, subjectId: id, origin, detail: via, at: now },
  })), OPENED_WINDOW_MS, now);
  return written.length;
}

/**
 * Middleware for a route that reads one conversation (`:id`): records the read when it is of
 * another team before the route answers. It decides readability as the route does
 * (`mayReadConversation`), so what the route refuses records nothing; a failed write fails the
 * read (an audited access must not pass unrecorded).
 */
export function auditOtherTeamRead(store: DocStore, via: OpenedVia): RequestHandler {
  return (req: Request, _res: Response, next: NextFunction) => {
    const id = req.params.id;
    if (typeof id !== 'string') return next();
    recordOtherTeamReads(store, principalOf(req).user, [id], auditOriginOf(req), via).then(() => next(), next);
  };
}

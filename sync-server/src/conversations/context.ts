import {
  DomainError, keyOf, mayMark, mayTagConversation, notFound,
  type ConversationDoc, type MarkBody, type Permission, type TagsBody, type TeamDoc, type UserDoc,
} from '@atende/protocol';
import { visibleConversation } from '../access/conversations.js';
import { viewerOf, visibilityOf } from '../access/scope.js';
import { isGone } from '../contacts/live.js';
import type { DocStore, StoredDoc } from '../store/index.js';
import { getWire, toWire, updateWire } from '../store/wire.js';

/**
 * The agent's own context on a conversation: internal tags (R-WS-05) and the pending/resolved
 * mark (R-WS-13). Both set a value, so applying one twice changes nothing; but a repeat arriving
 * after someone else changed the value must not undo that change, so every applied command
 * leaves a receipt (a server-only document) and a repeat answers from it instead of applying.
 */

type ContextCommand = 'mark' | 'tags';

interface ReceiptDoc extends StoredDoc {
  type: 'receipt';
  command: ContextCommand;
  userId: string;
  conversationId: string;
  at: number;
  /** The conversation as the command left it: the first outcome, answered to a repeat. */
  result: ConversationDoc;
}

const receiptIdOf = (userId: string, commandId: string) => `receipt:${keyOf(userId)}.${commandId}`;

const idConflict = () => new DomainError('conflict', 'id_conflict', 'That command id is already used');

/** A customer's message reopens a resolved conversation: its notifications come back (R-WS-13). */
export function reopenedByCustomer(c: ConversationDoc): ConversationDoc {
  return c.mark === 'resolved' ? { ...c, mark: null } : c;
}

const sameTags = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((t, i) => t === b[i]);

export class ConversationContext {
  constructor(private readonly store: DocStore) {}

  /** Marks the conversation pending or resolved, or clears the mark (null). */
  mark(user: UserDoc, id: string, body: MarkBody): Promise<ConversationDoc> {
    return this.apply(user, id, body.id, 'mark', (c) => mayMark(user, c), async () => undefined, (c) =>
      (c.mark ?? null) === body.mark ? undefined : { ...c, mark: body.mark });
  }

  /** Replaces the conversation's internal tags with `body.tags`, each one of the admins' tags. */
  async tag(user: UserDoc, id: string, body: TagsBody): Promise<ConversationDoc> {
    // The team's tags permission (R-RT-01), read once; a move to another team meanwhile is refused, not judged by the old team.
    const teamId = id.startsWith('conversation:') ? (await this.store.get(id))?.teamId : undefined;
    const team = typeof teamId === 'string' ? await getWire<TeamDoc>(this.store, teamId) : undefined;
    const permission = (c: ConversationDoc): Permission =>
      team && c.teamId !== team.id
        ? { ok: false, error: new DomainError('conflict', 'moved', 'The conversation was transferred meanwhile') }
        : mayTagConversation(user, c, team);
    // A tag the conversation already has may have been removed by an admin since (content/tags.ts):
    // keeping it is no error; only the ones added must exist.
    return this.apply(user, id, body.id, 'tags', permission, (seen) => this.checkTags(body.tags.filter((t) => !seen.tags.includes(t))), (c) =>
      sameTags(c.tags, body.tags) ? undefined : { ...c, tags: [...body.tags] });
  }

  private async checkTags(tags: readonly string[]): Promise<void> {
    const found = await Promise.all(tags.map((t) => this.store.get(t)));
    const unknown = tags.filter((_, i) => {
      const tag = found[i];
      return !tag || isGone(tag) || tag.type !== 'tag';
    });
    if (unknown.length > 0) throw new DomainError('unprocessable', 'unknown_tag', `No such tag: ${unknown.join(', ')}`);
  }

  /**
   * One context command: a repeat answers its receipt; otherwise the permission is checked on
   * what the user sees and again on every revision the write sees, so a concurrent finish or
   * transfer is never overwritten by a mark.
   */
  private async apply(
    user: UserDoc,
    id: string,
    commandId: string,
    command: ContextCommand,
    permission: (c: ConversationDoc) => Permission,
    check: (seen: ConversationDoc) => Promise<void>,
    change: (c: ConversationDoc) => ConversationDoc | undefined,
  ): Promise<ConversationDoc> {
    const receiptId = receiptIdOf(user.id, commandId);
    const repeated = await this.repeat(user, id, command, receiptId);
    if (repeated) return repeated;
    const seen = await visibleConversation(this.store, user, id);
    const allowed = permission(seen);
    if (!allowed.ok) throw allowed.error;
    await check(seen);
    const { doc } = await updateWire<ConversationDoc>(this.store, id, (current) => {
      if (!current) return undefined;
      const now = permission(current);
      if (!now.ok) throw now.error;
      const next = change(current);
      return next && { ...next, updatedAt: Math.max(Date.now(), current.updatedAt + 1) };
    });
    if (!doc) throw notFound('conversation');
    const receipt: ReceiptDoc = {
      _id: receiptId, type: 'receipt', command, userId: user.id, conversationId: id, at: Date.now(), result: doc,
    };
    // A concurrent repeat may have written it first: same command, same outcome.
    await this.store.bulkWrite([receipt]);
    return doc;
  }

  private async repeat(user: UserDoc, id: string, command: ContextCommand, receiptId: string): Promise<ConversationDoc | undefined> {
    const receipt = (await this.store.get(receiptId)) as ReceiptDoc | undefined;
    if (!receipt || receipt._deleted) return undefined;
    if (receipt.command !== command || receipt.conversationId !== id || receipt.userId !== user.id) throw idConflict();
    const stored = await this.store.get(id);
    // The conversation as it is now when the user still sees it, else as their command left it.
    return stored && !stored._deleted && visibilityOf(viewerOf(user), stored) === 'visible' ? toWire<ConversationDoc>(stored) : receipt.result;
  }
}

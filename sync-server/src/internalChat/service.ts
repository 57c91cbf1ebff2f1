import {
  chatMessageId, chatRefusal, DomainError, parseRoomId, partnerOf, type ChatTeam, type MessageDoc, type SendChatBody, type UserDoc,
} from '@atende/protocol';
import type { DocStore } from '../store/index.js';
import { getWire, toStored, toWire } from '../store/wire.js';

/**
 * The internal chat (R-WS-12): agents' messages to a team's room or to one colleague, stored as
 * messages of direction 'internal' whose conversation is the room. They are written 'sent' at
 * once: no channel carries them (never billed as customer messages), replication delivers them —
 * a one-to-one message to its two users only (protocol visibility, the sync index's user keys).
 */
export class InternalChatService {
  constructor(
    private readonly store: DocStore,
    private readonly now: () => number = Date.now,
  ) {}

  /** Stores the message once per author and client id: a repeat answers the stored one. */
  async send(author: UserDoc, body: SendChatBody): Promise<{ message: MessageDoc; created: boolean }> {
    const id = chatMessageId(author.id, body.id);
    const existing = await getWire<MessageDoc>(this.store, id);
    if (existing) return { message: this.sameMessage(existing, author, body.room), created: false };
    const room = parseRoomId(body.room);
    if (!room) throw new DomainError('invalid', 'invalid_input', 'Not a chat room');
    // The rights as stored now, not as the session's copy of the user had them at sign-in.
    const me = (await this.user(author.id)) ?? author;
    const partnerId = partnerOf(room, me.id);
    const partner = partnerId === undefined ? undefined : await this.user(partnerId);
    const teams = await this.teams([...me.teamIds, ...(partner?.teamIds ?? []), ...(room.kind === 'team' ? [room.teamId] : [])]);
    const decision = chatRefusal(me, room, (teamId) => teams.get(teamId), partner);
    if (decision.refusal) {
      const kind = decision.refusal.code === 'chat_unknown_user' ? 'not_found' : 'forbidden';
      throw new DomainError(kind, decision.refusal.code, decision.refusal.message);
    }
    const now = this.now();
    const message: MessageDoc = {
      id, type: 'message', createdAt: now, updatedAt: now,
      conversationId: body.room, teamId: decision.teamId, formerTeamIds: [],
      direction: 'internal', authorId: me.id, authorName: me.name, kind: 'text', text: body.text,
      attachments: [], visibility: 'public', status: 'sent', error: null, externalId: null, payload: {},
      recipientId: partner?.id ?? null,
    };
    const [result] = await this.store.bulkWrite([toStored(message)]);
    if (result?.ok) return { message, created: true };
    // Two attempts of the same command at once: the one stored first is the answer.
    const winner = await getWire<MessageDoc>(this.store, id);
    if (!winner) throw new Error(`chat message ${id} not stored`);
    return { message: this.sameMessage(winner, author, body.room), created: false };
  }

  private sameMessage(existing: MessageDoc, author: UserDoc, room: string): MessageDoc {
    if (existing.authorId !== author.id || existing.conversationId !== room || existing.direction !== 'internal') {
      throw new DomainError('conflict', 'id_conflict', 'That message id is already used');
    }
    return existing;
  }

  private async user(id: string): Promise<UserDoc | undefined> {
    const stored = await this.store.get(id);
    return stored && !stored._deleted && stored.removed !== true && stored.type === 'user' ? toWire<UserDoc>(stored) : undefined;
  }

  private async teams(ids: readonly string[]): Promise<Map<string, ChatTeam>> {
    const teams = new Map<string, ChatTeam>();
    for (const id of new Set(ids)) {
      const stored = await this.store.get(id);
      if (stored && !stored._deleted && stored.removed !== true && stored.type === 'team') {
        teams.set(id, { id, internalChat: typeof stored.internalChat === 'boolean' ? stored.internalChat : undefined });
      }
    }
    return teams;
  }
}

import {
  docId, type ConversationDoc, type FinishBody, type MessageDoc, type SendMessageBody,
  type TeamDoc, type TransferBody, type UserDoc,
} from '@atende/protocol';
import type { ChannelRegistry } from '../channels/adapter.js';
import { DomainError, forbidden, notFound } from '../http/errors.js';
import type { DocStore } from '../store/index.js';
import { getWire, toStored, updateWire } from '../store/wire.js';
import { isParticipant, previewOf, visibleConversation } from '../access/conversations.js';
import { retagMessages } from './retag.js';

const ALREADY_TAKEN = 'Este atendimento já foi puxado por outro agente.';
export const MAX_CONCURRENT_MESSAGE =
  'Não foi possível iniciar a conversa. O número máximo de atendimentos simultâneos foi atingido.';

/** Agent commands on conversations (R-WS-02, R-WS-05, R-WS-06, R-WS-15). */
export class ConversationService {
  constructor(
    private readonly store: DocStore,
    private readonly channels: ChannelRegistry,
    private readonly log: (message: string) => void,
  ) {}

  /** Takes a waiting conversation; under any number of concurrent claims exactly one wins. */
  async claim(user: UserDoc, id: string): Promise<ConversationDoc> {
    const seen = await visibleConversation(this.store, user, id);
    if (seen.status === 'active' && seen.agentId === user.id) return seen;
    await this.checkCapacity(user);
    let outcome: DomainError | undefined;
    const { doc } = await updateWire<ConversationDoc>(this.store, id, (current) => {
      outcome = undefined;
      if (!current) return (outcome = notFound('conversation')), undefined;
      if (current.status === 'active' && current.agentId === user.id) return undefined;
      if (current.status === 'active') return (outcome = new DomainError('conflict', 'already_taken', ALREADY_TAKEN)), undefined;
      if (current.status !== 'waiting') {
        return (outcome = new DomainError('conflict', 'not_waiting', `The conversation is ${current.status}`)), undefined;
      }
      const now = Date.now();
      return { ...current, status: 'active', agentId: user.id, takenAt: now, updatedAt: now };
    });
    if (outcome) throw outcome;
    if (!doc) throw notFound('conversation');
    return doc;
  }

  private async checkCapacity(user: UserDoc): Promise<void> {
    const active = await this.store.find({
      selector: { type: 'conversation', agentId: user.id, status: 'active' },
      limit: user.maxConcurrent,
    });
    if (active.length >= user.maxConcurrent) throw new DomainError('conflict', 'max_concurrent', MAX_CONCURRENT_MESSAGE);
  }

  /** Stores the agent's message, then hands it to the channel (idempotent by the client id). */
  async sendAgentMessage(user: UserDoc, conversationId: string, body: SendMessageBody): Promise<{ message: MessageDoc; created: boolean }> {
    const conversation = await visibleConversation(this.store, user, conversationId);
    const id = docId('message', body.id);
    const existing = await getWire<MessageDoc>(this.store, id);
    if (existing) {
      if (existing.conversationId !== conversationId || existing.authorId !== user.id) {
        throw new DomainError('conflict', 'id_conflict', 'That message id is already used');
      }
      return { message: existing, created: false };
    }
    if (!isParticipant(conversation, user.id)) throw forbidden('Only the conversation’s agent may write in it');
    if (conversation.status !== 'active') throw new DomainError('conflict', 'not_active', 'The conversation is not active');
    const now = Date.now();
    const message: MessageDoc = {
      id, type: 'message', createdAt: now, updatedAt: now,
      conversationId, teamId: conversation.teamId, formerTeamIds: [],
      direction: 'out', authorId: user.id, authorName: user.name, kind: 'text', text: body.text,
      attachments: [], visibility: 'public', status: 'queued', error: null, externalId: null,
    };
    const [written] = await this.store.bulkWrite([toStored(message)]);
    if (!written?.ok) {
      if (written?.error === 'conflict') return this.sendAgentMessage(user, conversationId, body);
      throw new Error(`message write failed: ${written?.reason}`);
    }
    await updateWire<ConversationDoc>(this.store, conversationId, (c) =>
      c && { ...c, lastMessageAt: Math.max(c.lastMessageAt ?? 0, now), lastPreview: previewOf(body.text), updatedAt: Date.now() },
    );
    return { message: await this.deliver(conversation, message), created: true };
  }

  private async deliver(conversation: ConversationDoc, message: MessageDoc): Promise<MessageDoc> {
    const adapter = this.channels.get(conversation.channel);
    let result: { status: MessageDoc['status']; externalId: string | null; error: string | null };
    try {
      result = adapter
        ? await adapter.send(conversation, message)
        : { status: 'failed', externalId: null, error: `No adapter for ${conversation.channel}` };
    } catch (error) {
      this.log(`send via ${conversation.channel} failed: ${String(error)}`);
      result = { status: 'failed', externalId: null, error: 'The channel did not accept the message' };
    }
    const { doc } = await updateWire<MessageDoc>(this.store, message.id, (m) =>
      m && { ...m, ...result, updatedAt: Date.now() },
    );
    return doc ?? message;
  }

  /** Moves a conversation to another agent or team, keeping the forwarding history (R-WS-15). */
  async transfer(user: UserDoc, id: string, body: TransferBody): Promise<ConversationDoc> {
    const seen = await visibleConversation(this.store, user, id);
    if (body.id && seen.transfers.some((t) => t.id === body.id)) return seen;
    const mayTransfer =
      user.role !== 'agent' || seen.agentId === user.id || (seen.status === 'waiting' && user.teamIds.includes(seen.teamId));
    if (!mayTransfer) throw forbidden('Only the conversation’s agent or a supervisor may transfer it');
    const target = await this.transferTarget(seen, body);
    let outcome: DomainError | undefined;
    const { doc } = await updateWire<ConversationDoc>(this.store, id, (c) => {
      outcome = undefined;
      if (!c) return (outcome = notFound('conversation')), undefined;
      if (body.id && c.transfers.some((t) => t.id === body.id)) return undefined;
      if (c.status === 'finished') return (outcome = new DomainError('conflict', 'finished', 'The conversation is finished')), undefined;
      const now = Date.now();
      const formerTeamIds = target.teamId !== c.teamId && !c.formerTeamIds.includes(c.teamId)
        ? [...c.formerTeamIds, c.teamId] : c.formerTeamIds;
      return {
        ...c,
        teamId: target.teamId,
        formerTeamIds: formerTeamIds.filter((t) => t !== target.teamId),
        agentId: target.agentId,
        status: target.agentId ? 'active' : 'waiting',
        waitingSince: target.agentId ? c.waitingSince : now,
        takenAt: target.agentId ? now : null,
        invitedAgentIds: [],
        transfers: [...c.transfers, {
          id: body.id ?? docId('transfer'), at: now, byUserId: user.id,
          fromTeamId: c.teamId, toTeamId: target.teamId, fromAgentId: c.agentId, toAgentId: target.agentId,
        }],
        updatedAt: now,
      };
    });
    if (outcome) throw outcome;
    if (!doc) throw notFound('conversation');
    if (doc.teamId !== seen.teamId) await retagMessages(this.store, doc);
    return doc;
  }

  private async transferTarget(c: ConversationDoc, body: TransferBody): Promise<{ teamId: string; agentId: string | null }> {
    if (body.toTeamId) {
      const team = await getWire<TeamDoc>(this.store, body.toTeamId);
      if (!team || team.type !== 'team') throw new DomainError('unprocessable', 'unknown_team', 'No such team');
      return { teamId: team.id, agentId: null };
    }
    const agent = body.toAgentId ? await getWire<UserDoc>(this.store, body.toAgentId) : undefined;
    if (!agent || agent.type !== 'user') throw new DomainError('unprocessable', 'unknown_agent', 'No such agent');
    if (!agent.teamIds.includes(c.teamId)) {
      throw new DomainError('unprocessable', 'agent_not_in_team', 'That agent is not a member of the conversation’s team; transfer to the team instead');
    }
    return { teamId: c.teamId, agentId: agent.id };
  }

  /** Finishes with a disposition and note, both kept for History (R-WS-06). */
  async finish(user: UserDoc, id: string, body: FinishBody): Promise<ConversationDoc> {
    const seen = await visibleConversation(this.store, user, id);
    if (seen.status === 'finished') {
      if (seen.finishedBy === user.id && (body.disposition ?? null) === seen.disposition) return seen;
      throw new DomainError('conflict', 'finished', 'The conversation is already finished');
    }
    if (user.role === 'agent' && seen.agentId !== user.id) throw forbidden('Only the conversation’s agent may finish it');
    const disposition = body.disposition ?? null;
    if (disposition) {
      const d = await this.store.get(disposition);
      if (!d || d.type !== 'disposition' || d.teamId !== seen.teamId) {
        throw new DomainError('unprocessable', 'unknown_disposition', 'That disposition is not one of the team’s');
      }
    } else {
      const team = await getWire<TeamDoc>(this.store, seen.teamId);
      if (team?.dispositionRequired) throw new DomainError('unprocessable', 'disposition_required', 'Choose a disposition to finish');
    }
    let outcome: DomainError | undefined;
    const { doc } = await updateWire<ConversationDoc>(this.store, id, (c) => {
      outcome = undefined;
      if (!c) return (outcome = notFound('conversation')), undefined;
      if (c.status === 'finished') return (outcome = new DomainError('conflict', 'finished', 'The conversation is already finished')), undefined;
      if (c.teamId !== seen.teamId) return (outcome = new DomainError('conflict', 'moved', 'The conversation was transferred meanwhile')), undefined;
      const now = Date.now();
      return { ...c, status: 'finished', finishedAt: now, finishedBy: user.id, disposition, finishNote: body.note ?? '', invitedAgentIds: [], updatedAt: now };
    });
    if (outcome) throw outcome;
    if (!doc) throw notFound('conversation');
    return doc;
  }

  async typing(conversation: ConversationDoc, typing: boolean): Promise<void> {
    this.channels.get(conversation.channel)?.typing(conversation, typing);
  }
}



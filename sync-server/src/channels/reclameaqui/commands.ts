import {
  assertMay, checkMedia, conversationEventOf, conversationEventText, DomainError, MEDIA_LIMITS, raCommandMessageId, raEvaluationRefusal,
  raInFlightRefusal, raModerationRefusal, type Attachment, type ConversationDoc, type ConversationEventPayload, type MessageDoc,
  type RaEvaluationBody, type RaModerationBody, type UserDoc,
} from '@atende/protocol';
import { visibleConversation } from '../../access/conversations.js';
import { newJob } from '../../jobs/types.js';
import { attachmentOf, type MediaService } from '../../media/service.js';
import type { DocStore, StoredDoc } from '../../store/index.js';
import { getWire, toStored } from '../../store/wire.js';

/**
 * "Solicitar moderação" (R-CH-09) and "Solicitar avaliação" (R-CH-10) as conversation commands:
 * checked against the protocol's rules, then written as the conversation's event message
 * (`queued`) together with the outbox job that asks HugMe (commandJobs.ts), which moves the
 * message to `sent` or `failed`. The command id names the message (raCommandMessageId, a namespace
 * no other message id can enter), so a retry is one request. One request of each kind is on its
 * way per conversation at a time: a "slot" document arbitrates it (see claimSlot).
 */
export const RA_COMMAND_JOB = 'reclameaqui-command';

export const RA_FILE_REFUSED = `O Reclame Aqui aceita anexos JPEG, PNG ou PDF de até ${MEDIA_LIMITS.reclameaqui.maxBytes / 1024 / 1024} MB.`;
const RA_FILE_UNKNOWN = 'O arquivo anexado não existe ou você não tem acesso a ele: envie-o de novo.';

type RaCommandEvent = Extract<ConversationEventPayload, { event: 'raModerationRequested' | 'raEvaluationRequested' }>;

/**
 * Which request of a kind holds a conversation's slot (server-only, never replicated). It is free
 * once that message is no longer `queued` — the job settling it then deletes it (dropCommandSlot),
 * so slots do not pile up — or, when the message never got written (a crash between the two
 * writes), after SLOT_WRITE_GRACE_MS.
 */
interface CommandSlotDoc extends StoredDoc {
  type: 'raslot';
  messageId: string | null;
  claimedAt: number;
}
export const SLOT_WRITE_GRACE_MS = 60_000;
const SLOT_ATTEMPTS = 5;
export const commandSlotId = (conversationId: string, event: RaCommandEvent['event']) => `raslot:${conversationId}.${event}`;

/**
 * Deletes the slot while `messageId` holds it; a slot another request took meanwhile stays (the
 * delete over the revision read then conflicts, and is left at that).
 */
export async function dropCommandSlot(store: DocStore, conversationId: string, event: RaCommandEvent['event'], messageId: string): Promise<void> {
  const slot = (await store.get(commandSlotId(conversationId, event), { fresh: true })) as CommandSlotDoc | undefined;
  if (slot?._rev && !slot._deleted && slot.messageId === messageId) await store.bulkWrite([{ _id: slot._id, _rev: slot._rev, _deleted: true }]);
}

export class ReclameAquiCommands {
  constructor(
    private readonly store: DocStore,
    private readonly media: MediaService,
    private readonly now: () => number = Date.now,
  ) {}

  async requestModeration(user: UserDoc, conversationId: string, body: RaModerationBody): Promise<{ message: MessageDoc; created: boolean }> {
    const event: RaCommandEvent = {
      event: 'raModerationRequested', reason: body.reason, targetCompany: body.targetCompany ?? null, message: body.message, byUserId: user.id,
    };
    return this.command(user, conversationId, body.id, event, async (conversation) => {
      const refusal = raModerationRefusal(conversation);
      if (refusal) throw new DomainError('conflict', refusal.code, refusal.message);
      return this.moderationFiles(user, body.mediaIds ?? []);
    });
  }

  async requestEvaluation(user: UserDoc, conversationId: string, body: RaEvaluationBody): Promise<{ message: MessageDoc; created: boolean }> {
    const event: RaCommandEvent = { event: 'raEvaluationRequested', byUserId: user.id };
    return this.command(user, conversationId, body.id, event, (conversation) => {
      const refusal = raEvaluationRefusal(conversation);
      if (refusal) throw new DomainError('conflict', refusal.code, refusal.message);
      return Promise.resolve([]);
    });
  }

  /**
   * The author's own repeat answers the stored message (before the conversation's rules: it may
   * have changed since); anything else needs the conversation visible first, so an id used
   * elsewhere is a conflict told only to who may see it (as the reply route). Then whoever may
   * reply, past `check` and the slot, writes the message and its job.
   */
  private async command(
    user: UserDoc, conversationId: string, clientId: string, event: RaCommandEvent,
    check: (conversation: ConversationDoc) => Promise<Attachment[]>,
  ): Promise<{ message: MessageDoc; created: boolean }> {
    const id = raCommandMessageId(clientId);
    const existing = await getWire<MessageDoc>(this.store, id);
    if (existing && sameRequest(existing, conversationId, user, event)) return { message: await this.repeated(existing, clientId), created: false };
    const conversation = await visibleConversation(this.store, user, conversationId);
    if (existing) throw idConflict();
    assertMay(user, 'reply', conversation);
    const attachments = await check(conversation);
    const slot = await this.claimSlot(conversationId, event.event, id);
    const now = this.now();
    const message: MessageDoc = {
      id, type: 'message', createdAt: now, updatedAt: now,
      conversationId, teamId: conversation.teamId, formerTeamIds: [],
      direction: 'system', authorId: null, authorName: '', kind: 'event', text: conversationEventText(event),
      attachments, visibility: 'public', status: 'queued', error: null, externalId: null, payload: event,
    };
    try {
      // The conversation's readers may open the file once the request carrying it is allowed, not before.
      for (const attachment of attachments) await this.media.recordUse(attachment.mediaId, conversationId);
      const [written] = await this.store.bulkWrite([toStored(message), newJob(RA_COMMAND_JOB, clientId, { messageId: id })]);
      if (written?.ok) return { message, created: true };
    } catch (error) {
      await this.releaseSlot(slot, id);
      throw error;
    }
    // The same id won meanwhile: the author's identical request keeps the slot; anything else gives it back.
    const winner = await getWire<MessageDoc>(this.store, id);
    if (!winner) throw new Error(`message ${id} not stored`);
    if (!sameRequest(winner, conversationId, user, event)) {
      await this.releaseSlot(slot, id);
      throw idConflict();
    }
    return { message: await this.repeated(winner, clientId), created: false };
  }

  /** The stored request again; after a crash between the message and its job (no atomic bulk writes) the job is added once (its id is fixed). */
  private async repeated(existing: MessageDoc, clientId: string): Promise<MessageDoc> {
    if (existing.status === 'queued') await this.store.bulkWrite([newJob(RA_COMMAND_JOB, clientId, { messageId: existing.id })]);
    return existing;
  }

  /**
   * Takes the conversation's slot for this kind of request, or refuses 409 while another request of
   * the kind is on its way (raInFlightRefusal). Arbitrated by the store, not by a look then a write:
   * the slot is written over the revision read, so of two requests at once one conflicts, reads
   * the winner's slot and is refused. Chosen over a marker in `channelMeta`: no extra write on the
   * conversation (whose revision the poll and the summaries race for), nothing for the job to
   * clear, and no marker left on clients' screens by a crash.
   */
  private async claimSlot(conversationId: string, event: RaCommandEvent['event'], messageId: string): Promise<CommandSlotDoc> {
    const slotId = commandSlotId(conversationId, event);
    for (let attempt = 0; attempt < SLOT_ATTEMPTS; attempt++) {
      const current = (await this.store.get(slotId, { fresh: true })) as CommandSlotDoc | undefined;
      if (current && !current._deleted && current.messageId && current.messageId !== messageId) {
        const holder = await getWire<MessageDoc>(this.store, current.messageId);
        // No message yet: its request is between the slot and the message write, unless that was long ago (a crash).
        const onItsWay = holder ?? (this.now() - current.claimedAt < SLOT_WRITE_GRACE_MS ? { status: 'queued', payload: { event } } : undefined);
        const refusal = onItsWay && raInFlightRefusal(event, [onItsWay]);
        if (refusal) throw new DomainError('conflict', refusal.code, refusal.message);
      }
      const slot: CommandSlotDoc = { _id: slotId, type: 'raslot', messageId, claimedAt: this.now() };
      if (current?._rev) slot._rev = current._rev;
      const [written] = await this.store.bulkWrite([slot]);
      if (written?.ok) return { ...slot, _rev: written.rev };
    }
    throw new DomainError('conflict', 'busy', 'Outra solicitação desta reclamação está sendo registrada agora. Tente de novo em instantes.');
  }

  /** Gives the slot back when the request it was taken for was not written (nothing to wait for). */
  private async releaseSlot(slot: CommandSlotDoc, messageId: string): Promise<void> {
    // Over the revision it took: a slot another request took since stays theirs (the delete conflicts).
    if (slot.messageId !== messageId || !slot._rev) return;
    await this.store.bulkWrite([{ _id: slot._id, _rev: slot._rev, _deleted: true }]);
  }

  /** The moderation's file: one the author may read, of a type and size Reclame Aqui accepts (422 otherwise). */
  private async moderationFiles(user: UserDoc, mediaIds: readonly string[]): Promise<Attachment[]> {
    const attachments: Attachment[] = [];
    for (const mediaId of new Set(mediaIds)) {
      const media = await this.media.get(mediaId);
      if (!media || !(await this.media.mayRead(mediaId, { kind: 'user', user }))) {
        throw new DomainError('unprocessable', 'media_unknown', RA_FILE_UNKNOWN);
      }
      const refusal = checkMedia('reclameaqui', media.mimeType, media.size);
      if (refusal) {
        throw new DomainError('unprocessable', refusal.code, RA_FILE_REFUSED, { mimeType: media.mimeType, maxBytes: MEDIA_LIMITS.reclameaqui.maxBytes });
      }
      attachments.push(attachmentOf(media));
    }
    return attachments;
  }
}

/** The same request again: this id, this conversation, this command, this author. */
function sameRequest(existing: MessageDoc, conversationId: string, user: UserDoc, event: RaCommandEvent): boolean {
  const stored = conversationEventOf(existing);
  return existing.conversationId === conversationId && stored?.event === event.event && 'byUserId' in stored && stored.byUserId === user.id;
}

const idConflict = () => new DomainError('conflict', 'id_conflict', 'That command id is already used');

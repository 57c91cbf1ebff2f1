import {
  assertMay, checkMedia, conversationEventOf, conversationEventText, docId, DomainError, MEDIA_LIMITS, raEvaluationRefusal,
  raModerationRefusal, type Attachment, type ConversationDoc, type ConversationEventPayload, type MessageDoc,
  type RaEvaluationBody, type RaModerationBody, type UserDoc,
} from '@atende/protocol';
import { visibleConversation } from '../../access/conversations.js';
import { newJob } from '../../jobs/types.js';
import { attachmentOf, type MediaService } from '../../media/service.js';
import type { DocStore } from '../../store/index.js';
import { getWire, toStored } from '../../store/wire.js';

/**
 * "Solicitar moderação" (R-CH-09) and "Solicitar avaliação" (R-CH-10) as conversation commands:
 * checked against the protocol's rules, then written as the conversation's event message
 * (`queued`) together with the outbox job that asks HugMe (commandJobs.ts), which moves the
 * message to `sent` or `failed`. The command id is the message's id, so a retry is one request.
 */
export const RA_COMMAND_JOB = 'reclameaqui-command';

export const RA_FILE_REFUSED = `O Reclame Aqui aceita anexos JPEG, PNG ou PDF de até ${MEDIA_LIMITS.reclameaqui.maxBytes / 1024 / 1024} MB.`;
export const RA_FILE_UNKNOWN = 'O arquivo anexado não existe ou você não tem acesso a ele: envie-o de novo.';

type RaCommandEvent = Extract<ConversationEventPayload, { event: 'raModerationRequested' | 'raEvaluationRequested' }>;

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
   * The author's repeat answers the stored message (before the conversation's rules: it may have
   * changed since); otherwise whoever may reply, past `check`, writes the message and its job.
   */
  private async command(
    user: UserDoc, conversationId: string, clientId: string, event: RaCommandEvent,
    check: (conversation: ConversationDoc) => Promise<Attachment[]>,
  ): Promise<{ message: MessageDoc; created: boolean }> {
    const id = docId('message', clientId);
    const existing = await getWire<MessageDoc>(this.store, id);
    if (existing) return { message: await this.repeated(existing, conversationId, user, event), created: false };
    const conversation = await visibleConversation(this.store, user, conversationId);
    assertMay(user, 'reply', conversation);
    const attachments = await check(conversation);
    const now = this.now();
    const message: MessageDoc = {
      id, type: 'message', createdAt: now, updatedAt: now,
      conversationId, teamId: conversation.teamId, formerTeamIds: [],
      direction: 'system', authorId: null, authorName: '', kind: 'event', text: conversationEventText(event),
      attachments, visibility: 'public', status: 'queued', error: null, externalId: null, payload: event,
    };
    // The conversation's readers may open the file once the request carrying it is allowed, not before.
    for (const attachment of attachments) await this.media.recordUse(attachment.mediaId, conversationId);
    const [written] = await this.store.bulkWrite([toStored(message), newJob(RA_COMMAND_JOB, clientId, { messageId: id })]);
    if (written?.ok) return { message, created: true };
    const winner = await getWire<MessageDoc>(this.store, id);
    if (!winner) throw new Error(`message ${id} not stored`);
    return { message: await this.repeated(winner, conversationId, user, event), created: false };
  }

  /** Someone else's id, or this id used for another command, is a conflict; the same request is answered again. */
  private async repeated(existing: MessageDoc, conversationId: string, user: UserDoc, event: RaCommandEvent): Promise<MessageDoc> {
    const stored = conversationEventOf(existing);
    const same = existing.conversationId === conversationId && stored?.event === event.event && 'byUserId' in stored && stored.byUserId === user.id;
    if (!same) throw new DomainError('conflict', 'id_conflict', 'That command id is already used');
    // A crash between the message and its job (stores without atomic bulk writes): the job's id is fixed, so this adds it once.
    if (existing.status === 'queued') await this.store.bulkWrite([newJob(RA_COMMAND_JOB, existing.id.slice('message:'.length), { messageId: existing.id })]);
    return existing;
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

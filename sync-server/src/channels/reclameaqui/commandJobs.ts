import { conversationEventOf, RA_META, type ConversationDoc, type MessageDoc } from '@atende/protocol';
import { isEnabled, type ChannelAccounts } from '../../channelAccounts/service.js';
import { PermanentFailure, type DeadLetterHandler, type JobHandler, type JobRunner } from '../../jobs/types.js';
import type { MediaService } from '../../media/service.js';
import type { DocStore } from '../../store/index.js';
import { getWire, updateWire } from '../../store/wire.js';
import type { ChannelRegistry } from '../adapter.js';
import { DISABLED_REASON, mergeChannelMeta } from '../outbound.js';
import { ReclameAquiAdapter } from './adapter.js';
import { RA_COMMAND_JOB } from './commands.js';

/**
 * The outbox job of a moderation or evaluation request (commands.ts): asks HugMe, then records
 * the outcome on the event message and, when accepted, on the complaint's `channelMeta`
 * (moderation pending with its reason; the evaluation request's time). 429, outages and expired
 * tokens are retried by the job policy; a refusal fails the message with a pt-BR sentence.
 */
export interface CommandJobDeps {
  store: DocStore;
  accounts: Pick<ChannelAccounts, 'find'>;
  registry: ChannelRegistry;
  media: Pick<MediaService, 'read'>;
}

export const COMMAND_GONE = 'O atendimento desta solicitação não existe mais.';
export const NOT_RECLAME_AQUI = 'O canal deste atendimento não é mais uma conta do Reclame Aqui.';

function commandJob(deps: CommandJobDeps): JobHandler {
  return async (job) => {
    const messageId = String(job.payload.messageId);
    const message = await getWire<MessageDoc>(deps.store, messageId);
    const event = message && conversationEventOf(message);
    if (!message || message.status !== 'queued' || !event) return; // settled already
    const conversation = await getWire<ConversationDoc>(deps.store, message.conversationId);
    const ticketId = conversation?.channelMeta[RA_META.complaintId];
    if (!conversation || !ticketId) throw new PermanentFailure(COMMAND_GONE);
    const account = await deps.accounts.find(conversation.channelAccountId);
    if (!account || !isEnabled(account)) throw new PermanentFailure(DISABLED_REASON);
    const adapter = deps.registry.forAccount(account);
    if (!(adapter instanceof ReclameAquiAdapter)) throw new PermanentFailure(NOT_RECLAME_AQUI);

    let meta: Record<string, string>;
    if (event.event === 'raModerationRequested') {
      await adapter.client.requestModeration(ticketId, {
        reason: event.reason, message: event.message, migrateTO: event.targetCompany ?? undefined, file: await fileOf(deps, message),
      });
      meta = { [RA_META.moderationStatus]: 'pending', [RA_META.moderationReason]: event.reason };
    } else if (event.event === 'raEvaluationRequested') {
      await adapter.client.requestEvaluation(ticketId);
      meta = { [RA_META.evaluationRequestedAt]: new Date().toISOString() };
    } else {
      return;
    }
    // The complaint first: a crash before the message is marked leaves it queued, never "sent" without its effect.
    await mergeChannelMeta(deps.store, conversation.id, meta);
    await settle(deps.store, messageId, 'sent', null);
  };
}

async function fileOf(deps: CommandJobDeps, message: MessageDoc): Promise<{ bytes: Buffer; mimeType: string; name: string } | undefined> {
  const attachment = message.attachments[0];
  if (!attachment) return undefined;
  const content = await deps.media.read(attachment.mediaId, 'file');
  if (!content) throw new PermanentFailure(`O arquivo ${attachment.name} não existe mais.`);
  return { bytes: content.data, mimeType: attachment.mimeType, name: attachment.name || 'arquivo' };
}

/** The request's outcome on its event message, once: only a queued message moves. */
async function settle(store: DocStore, messageId: string, status: 'sent' | 'failed', error: string | null): Promise<void> {
  await updateWire<MessageDoc>(store, messageId, (m) =>
    m && m.status === 'queued' ? { ...m, status, error, updatedAt: Math.max(Date.now(), m.updatedAt + 1) } : undefined,
  );
}

/** The agent reads why on the event message; upstream texts stay in the job's `lastError`, which never replicates. */
function commandFailed(deps: Pick<CommandJobDeps, 'store'>): DeadLetterHandler {
  return async (job, error) => {
    const reason = error instanceof PermanentFailure
      ? error.message
      : `O Reclame Aqui não respondeu depois de ${job.attempts} tentativas. Tente de novo mais tarde.`;
    await settle(deps.store, String(job.payload.messageId), 'failed', reason.slice(0, 500));
  };
}

export function registerReclameAquiCommands(jobs: JobRunner, deps: CommandJobDeps): void {
  // Retries follow HugMe's Retry-After (about 10 calls a minute, shared with polling).
  jobs.register(RA_COMMAND_JOB, commandJob(deps), {
    onDead: commandFailed(deps), policy: { maxAttempts: 8, baseDelayMs: 2_000, maxDelayMs: 5 * 60_000 }, concurrency: 2,
  });
}

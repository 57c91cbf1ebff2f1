import { upstreamText, type ConversationDoc, type MessageDoc } from '@atende/protocol';
import { isEnabled, type ChannelAccounts } from '../channelAccounts/service.js';
import type { MessageService } from '../conversations/messages.js';
import { PermanentFailure, RetryLater, type DeadLetterHandler, type JobDoc, type JobHandler } from '../jobs/types.js';
import type { DocStore, StoredDoc } from '../store/index.js';
import { liveContact } from '../contacts/live.js';
import { getWire } from '../store/wire.js';
import { mergeChannelMeta } from '../conversations/channelMeta.js';
import { type ChannelRegistry, UncertainSend, type OutboundRequest } from './adapter.js';
import { CustomerNames } from './customerNames.js';

/** Records each send attempt before it leaves, so a crash mid-send is never followed by a blind repeat. */
interface SendLogDoc extends StoredDoc {
  type: 'sendlog';
  state: 'in_flight' | 'idle' | 'sent';
  externalId: string | null;
  status: 'sent' | 'delivered' | null;
  updatedAt: number;
}

export const UNCERTAIN_REASON =
  'O envio foi interrompido e a mensagem pode ter chegado ao cliente. Confira antes de reenviar.';
export const DISABLED_REASON = 'O canal deste atendimento está desativado.';

export interface SendDeps {
  store: DocStore;
  accounts: ChannelAccounts;
  registry: ChannelRegistry;
  messages: MessageService;
  readMedia: OutboundRequest['readMedia'];
  /** Short-lived links for upstreams that fetch files by URL (publicMedia.ts); absent: none. */
  publicMediaUrl?: OutboundRequest['publicMediaUrl'];
}

/**
 * The `channel-send` job (R-OPS-02): one message to its channel. A send is never made twice:
 * the send log is written `in_flight` before the request leaves and `sent` with the upstream id
 * after; a job that finds its log `in_flight` (its node died mid-send) cannot know whether the
 * customer got the message, so it ends in the visible failed state for the agent to decide,
 * unless the channel dedupes sends itself.
 */
export function sendMessageJob(deps: SendDeps): JobHandler {
  return async (job) => {
    const messageId = String(job.payload.messageId);
    const message = await getWire<MessageDoc>(deps.store, messageId);
    if (!message || message.status !== 'queued') return; // sent already, or a resend superseded it
    const conversation = await getWire<ConversationDoc>(deps.store, message.conversationId);
    const contact = conversation && (await liveContact(deps.store, conversation.contactId));
    if (!conversation || !contact) throw new PermanentFailure('O atendimento desta mensagem não existe mais.');
    const account = await deps.accounts.find(conversation.channelAccountId);
    if (!account || !isEnabled(account)) throw new PermanentFailure(DISABLED_REASON);
    const adapter = deps.registry.forAccount(account);
    if (!adapter) throw new PermanentFailure(`O canal ${account.kind} ainda não envia mensagens.`);

    const sendKey = sendKeyOf(job);
    const logId = `sendlog:${sendKey}`;
    const log = (await deps.store.get(logId, { fresh: true })) as SendLogDoc | undefined;
    if (log?.state === 'sent') {
      await deps.messages.recordSent(messageId, log.externalId, log.status ?? 'sent');
      return;
    }
    if (log?.state === 'in_flight' && !adapter.idempotentSends) throw new PermanentFailure(UNCERTAIN_REASON);
    const inFlight = await writeLog(deps.store, log, { _id: logId, type: 'sendlog', state: 'in_flight', externalId: null, status: null, updatedAt: Date.now() });
    if (!inFlight) throw new RetryLater('another worker holds this send');

    let result;
    try {
      const shown = await asCustomersSeeIt(deps.store, message);
      // Each agent's message names its author while colleagues are invited (R-WS-05); the stored text stays as typed.
      result = await adapter.send({
        conversation, message: { ...shown, text: upstreamText(conversation, shown) }, contact, idempotencyKey: sendKey, readMedia: deps.readMedia, publicMediaUrl: deps.publicMediaUrl ?? (() => null),
      });
    } catch (error) {
      if (error instanceof UncertainSend && !adapter.idempotentSends) throw new PermanentFailure(UNCERTAIN_REASON);
      // The upstream answered (or was never reached): nothing was sent, so trying again is safe.
      await writeLog(deps.store, inFlight, { ...inFlight, state: 'idle', updatedAt: Date.now() });
      throw error;
    }
    await writeLog(deps.store, inFlight, { ...inFlight, state: 'sent', externalId: result.externalId, status: result.status, updatedAt: Date.now() });
    if (result.channelMeta) await mergeChannelMeta(deps.store, conversation.id, result.channelMeta);
    await deps.messages.recordSent(messageId, result.externalId, result.status);
  };
}

/**
 * The message as it leaves: an agent's carries the name customers see (their alias, R-WS-11,
 * issue 18) — in the author prefix upstream and as the widget's author — read now, so the alias
 * the author has when it is sent applies. The stored message keeps the real name for the desk.
 */
async function asCustomersSeeIt(store: DocStore, message: MessageDoc): Promise<MessageDoc> {
  if (message.direction !== 'out') return message;
  const name = await new CustomerNames(store).of(message.authorId);
  return name === undefined ? message : { ...message, authorName: name };
}

/**
 * The send attempt a job stands for: its own key, or, for a follow-up job enqueued because the
 * first one ended without its outcome recorded, the first job's key — so it reads that attempt's
 * log and never repeats a send that left.
 */
export const sendKeyOf = (job: JobDoc): string => (typeof job.payload.sendKey === 'string' ? job.payload.sendKey : job.key);

/**
 * The agent reads this on the failed message, with "Reenviar" next to it. The send log decides
 * first: a send the upstream took is recorded as sent (the job died after it), one that may have
 * left says so. Reasons are fixed sentences: upstream error texts can carry URLs with tokens and
 * stay in the job's `lastError`, which never replicates.
 */
export function sendFailed(deps: Pick<SendDeps, 'store' | 'messages'>): DeadLetterHandler {
  return async (job: JobDoc, error: Error) => {
    const messageId = String(job.payload.messageId);
    const log = (await deps.store.get(`sendlog:${sendKeyOf(job)}`, { fresh: true })) as SendLogDoc | undefined;
    if (log?.state === 'sent') {
      await deps.messages.recordSent(messageId, log.externalId, log.status ?? 'sent');
      return;
    }
    const reason = error instanceof PermanentFailure
      ? error.message
      : log?.state === 'in_flight'
        ? UNCERTAIN_REASON
        : `O canal não aceitou a mensagem depois de ${job.attempts} tentativas. Tente reenviar mais tarde.`;
    await deps.messages.recordFailed(messageId, reason);
  };
}

async function writeLog(store: DocStore, current: SendLogDoc | undefined, next: SendLogDoc): Promise<SendLogDoc | undefined> {
  const write: SendLogDoc = { ...next };
  if (current?._rev) write._rev = current._rev;
  else delete write._rev;
  const [result] = await store.bulkWrite([write]);
  return result?.ok ? { ...write, _rev: result.rev } : undefined;
}

import { conversationEventOf, RA_META, RA_MODERATION_PENDING, type ConversationDoc, type MessageDoc } from '@atende/protocol';
import type { ChannelAccounts } from '../../channelAccounts/service.js';
import { mergeChannelMeta } from '../../conversations/channelMeta.js';
import type { MessageService } from '../../conversations/messages.js';
import { PermanentFailure, RetryLater, type DeadLetterHandler, type JobHandler, type JobRunner } from '../../jobs/types.js';
import type { MediaService } from '../../media/service.js';
import type { DocStore, StoredDoc } from '../../store/index.js';
import { getWire } from '../../store/wire.js';
import type { ChannelRegistry } from '../adapter.js';
import { attachmentBytes } from '../jobs.js';
import { DISABLED_REASON } from '../outbound.js';
import { reclameAquiAccount } from './adapter.js';
import { ReclameAquiRefusal } from './client.js';
import { dropCommandSlot, RA_COMMAND_JOB } from './commands.js';

/**
 * The outbox job of a moderation or evaluation request (commands.ts): asks HugMe, then records
 * the outcome on the event message and, when accepted, on the complaint's `channelMeta`
 * (moderation pending with its reason; the evaluation request's time). 429, outages and expired
 * tokens are retried by the job policy; a refusal fails the message with a pt-BR sentence.
 * A call that may have reached HugMe (timeout, reset, a node that died mid-call) is repeated
 * (unlike a message, which would show twice): HugMe has no idempotency key, but a repeat is
 * harmless here — a repeated moderation is refused "already pending", which after such a call
 * means ours arrived (see `call`), and an evaluation request may be repeated (CHANNELS.md puts no
 * limit on it; the fake accepts it). A call HugMe is known to have accepted is not repeated: the
 * call log keeps that, and a retry (a node that died before recording it) only records it.
 */
export interface CommandJobDeps {
  store: DocStore;
  accounts: Pick<ChannelAccounts, 'find'>;
  registry: ChannelRegistry;
  media: Pick<MediaService, 'read'>;
  /** Records the outcome on the event message, as on any outgoing message (queued → sent or failed). */
  messages: Pick<MessageService, 'recordSent' | 'recordFailed'>;
  /** The clock of the call log and the evaluation request's time (tests inject one). */
  now?: () => number;
}

const COMMAND_GONE = 'O atendimento desta solicitação não existe mais.';

function commandJob(deps: CommandJobDeps): JobHandler {
  return async (job) => {
    const messageId = String(job.payload.messageId);
    const message = await getWire<MessageDoc>(deps.store, messageId);
    const event = message && conversationEventOf(message);
    if (!message || message.status !== 'queued' || !event) {
      // Its outcome is recorded already (a node died before the cleanup): only that is left.
      await dropSettled(deps.store, job.key, messageId);
      return;
    }
    const conversation = await getWire<ConversationDoc>(deps.store, message.conversationId);
    const ticketId = conversation?.channelMeta[RA_META.complaintId];
    if (!conversation || !ticketId) throw new PermanentFailure(COMMAND_GONE);
    const found = await reclameAquiAccount(deps.accounts, deps.registry, conversation.channelAccountId);
    if (!found) throw new PermanentFailure(DISABLED_REASON);
    const { adapter } = found;
    const now = deps.now ?? Date.now;

    let meta: Record<string, string>;
    if (event.event === 'raModerationRequested') {
      const file = await fileOf(deps, message);
      const request = { reason: event.reason, message: event.message, migrateTO: event.targetCompany ?? undefined, file };
      await call(deps.store, now, job.key, () => adapter.client.requestModeration(ticketId, request), RA_MODERATION_PENDING);
      meta = { [RA_META.moderationStatus]: 'pending', [RA_META.moderationReason]: event.reason };
    } else if (event.event === 'raEvaluationRequested') {
      const acceptedAt = await call(deps.store, now, job.key, () => adapter.client.requestEvaluation(ticketId), null);
      meta = { [RA_META.evaluationRequestedAt]: new Date(acceptedAt).toISOString() };
    } else {
      return;
    }
    // The complaint first: a crash before the message is marked leaves it queued, never "sent" without its effect.
    await mergeChannelMeta(deps.store, conversation.id, meta);
    await deps.messages.recordSent(messageId, null, 'sent');
    await dropSettled(deps.store, job.key, messageId);
  };
}

const callLogId = (key: string) => `racall:${key}`;

/**
 * Once the event message is sent or failed nothing needs its call log or its hold on the
 * conversation's slot: both are deleted, so they do not pile up (one per command otherwise).
 * While it is queued they stay — the crash guarantees above rest on them.
 */
async function dropSettled(store: DocStore, key: string, messageId: string): Promise<void> {
  const message = await getWire<MessageDoc>(store, messageId);
  const event = message && conversationEventOf(message);
  if (!message || message.status === 'queued') return;
  const log = await store.get(callLogId(key), { fresh: true });
  if (log?._rev && !log._deleted) await store.bulkWrite([{ _id: log._id, _rev: log._rev, _deleted: true }]);
  if (event?.event === 'raModerationRequested' || event?.event === 'raEvaluationRequested') {
    await dropCommandSlot(store, message.conversationId, event.event, messageId);
  }
}

/**
 * Whether a command's call to HugMe may have arrived without its answer reaching us, and when
 * HugMe accepted it (server-only, never replicated; deleted once the event message is settled).
 */
interface CallLogDoc extends StoredDoc {
  type: 'racall';
  state: 'in_flight' | 'answered';
  /** Set when HugMe accepted: a retry records the acceptance with this time instead of asking again. */
  acceptedAt?: number;
  updatedAt: number;
}

/**
 * One call to HugMe for the command `key`, logged `in_flight` before it leaves and `answered` once
 * HugMe accepted or refused it; answers when HugMe accepted it. A log that says accepted answers
 * without a call: HugMe would refuse the repeat of a moderation as "already pending" with no
 * in-flight call to read that as ours (R-CH-09). When the log says an earlier attempt got no
 * answer, HugMe's refusal `repeatMeansDone` (its answer to a repeat of that very request) means
 * the earlier one arrived: success.
 */
async function call(
  store: DocStore, now: () => number, key: string, request: () => Promise<void>, repeatMeansDone: string | null,
): Promise<number> {
  const logId = callLogId(key);
  const stored = (await store.get(logId, { fresh: true })) as CallLogDoc | undefined;
  const log = stored?._deleted ? undefined : stored;
  if (log?.state === 'answered' && log.acceptedAt !== undefined) return log.acceptedAt;
  const earlierUnanswered = log?.state === 'in_flight';
  const write = (current: CallLogDoc | undefined, state: CallLogDoc['state'], acceptedAt?: number) => writeCallLog(
    store, { _id: logId, type: 'racall', state, ...(acceptedAt === undefined ? {} : { acceptedAt }), updatedAt: now() }, current ?? stored,
  );
  const inFlight = await write(log, 'in_flight');
  if (!inFlight) throw new RetryLater('another worker is calling the Reclame Aqui for this request');
  const accepted = async () => {
    const acceptedAt = now();
    await write(inFlight, 'answered', acceptedAt);
    return acceptedAt;
  };
  try {
    await request();
  } catch (error) {
    // Only HugMe's own refusal says the request did not take. After a timeout, a reset or a 5xx it
    // may have; a 429 rarely did, but reading it as "may have" costs at most a pending moderation
    // recorded with our reason — when HugMe says one is pending, one is.
    if (!(error instanceof ReclameAquiRefusal)) throw error;
    if (earlierUnanswered && error.message === repeatMeansDone) return accepted();
    await write(inFlight, 'answered');
    throw error;
  }
  return accepted();
}

async function writeCallLog(store: DocStore, next: CallLogDoc, current: CallLogDoc | undefined): Promise<CallLogDoc | undefined> {
  if (current?._rev) next._rev = current._rev;
  const [result] = await store.bulkWrite([next]);
  return result?.ok ? { ...next, _rev: result.rev } : undefined;
}

async function fileOf(deps: CommandJobDeps, message: MessageDoc): Promise<{ bytes: Buffer; mimeType: string; name: string } | undefined> {
  const attachment = message.attachments[0];
  if (!attachment) return undefined;
  return { bytes: await attachmentBytes(deps.media, attachment), mimeType: attachment.mimeType, name: attachment.name || 'arquivo' };
}

/** The agent reads why on the event message; upstream texts stay in the job's `lastError`, which never replicates. */
function commandFailed(deps: Pick<CommandJobDeps, 'messages' | 'store'>): DeadLetterHandler {
  return async (job, error) => {
    const reason = error instanceof PermanentFailure
      ? error.message
      : `O Reclame Aqui não respondeu depois de ${job.attempts} tentativas. Tente de novo mais tarde.`;
    await deps.messages.recordFailed(String(job.payload.messageId), reason);
    await dropSettled(deps.store, job.key, String(job.payload.messageId));
  };
}

export function registerReclameAquiCommands(jobs: JobRunner, deps: CommandJobDeps): void {
  // Retries follow HugMe's Retry-After (about 10 calls a minute, shared with polling).
  jobs.register(RA_COMMAND_JOB, commandJob(deps), {
    onDead: commandFailed(deps), policy: { maxAttempts: 8, baseDelayMs: 2_000, maxDelayMs: 5 * 60_000 }, concurrency: 2,
  });
}

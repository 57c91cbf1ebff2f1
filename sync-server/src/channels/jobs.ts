import type { Attachment, ConversationDoc, MessageDoc } from '@atende/protocol';
import type { ChannelAccounts } from '../channelAccounts/service.js';
import type { MessageService } from '../conversations/messages.js';
import { SEND_JOB } from '../conversations/messages.js';
import { retagMessages } from '../conversations/retag.js';
import { RETAG_JOB } from '../conversations/service.js';
import { PermanentFailure, RetryLater, type JobRunner } from '../jobs/types.js';
import { storeRemoteMedia, type MediaService } from '../media/service.js';
import type { DocStore } from '../store/index.js';
import { liveContact } from '../contacts/live.js';
import { getWire, updateWire } from '../store/wire.js';
import type { ChannelRegistry } from './adapter.js';
import { MEDIA_DOWNLOAD_JOB } from './inbound.js';
import { sendFailed, sendMessageJob } from './outbound.js';

export interface ChannelJobDeps {
  store: DocStore;
  accounts: ChannelAccounts;
  registry: ChannelRegistry;
  messages: MessageService;
  media: MediaService;
}

/** The outbox's workers (R-OPS-02): channel sends, re-tagging after transfers, inbound media. */
export function registerChannelJobs(jobs: JobRunner, deps: ChannelJobDeps): void {
  const readMedia = async (attachment: Attachment): Promise<Buffer> => {
    const content = await deps.media.read(attachment.mediaId, 'file');
    if (!content) throw new PermanentFailure(`O arquivo ${attachment.name} não existe mais.`);
    return content.data;
  };
  jobs.register(SEND_JOB, sendMessageJob({ ...deps, readMedia }), { onDead: sendFailed(deps), concurrency: 16 });

  jobs.register(RETAG_JOB, async (job) => {
    const conversation = await getWire<ConversationDoc>(deps.store, String(job.payload.conversationId));
    if (conversation) await retagMessages(deps.store, conversation);
  });

  jobs.register(MEDIA_DOWNLOAD_JOB, async (job) => {
    const message = await getWire<MessageDoc>(deps.store, String(job.payload.messageId));
    const account = await deps.accounts.find(String(job.payload.channelAccountId));
    if (!message || !account) return;
    const adapter = deps.registry.forAccount(account);
    if (!adapter?.downloadMedia) throw new PermanentFailure(`${account.kind} cannot download media`);
    const refs = (job.payload.media as Array<{ ref: string; mimeType?: string; filename?: string }>) ?? [];
    const stored: Attachment[] = [];
    for (const ref of refs) {
      const file = await adapter.downloadMedia(ref.ref);
      stored.push(await storeRemoteMedia(deps.media, {
        bytes: file.bytes, filename: file.filename ?? ref.filename ?? 'arquivo', declaredMime: file.mimeType ?? ref.mimeType,
        channel: account.kind, uploadedBy: message.authorId ?? message.conversationId, conversationId: message.conversationId,
      }));
    }
    const { written } = await updateWire<MessageDoc>(deps.store, message.id, (m) =>
      m && m.attachments.length === 0 ? { ...m, attachments: stored, updatedAt: Math.max(Date.now(), m.updatedAt + 1) } : undefined,
    );
    if (!written && !(await getWire<MessageDoc>(deps.store, message.id))) throw new RetryLater('message not readable yet');
  });
}

/** The agent's typing shown to the customer where the channel supports it; best effort. */
export function typingToCustomer(deps: Pick<ChannelJobDeps, 'store' | 'accounts' | 'registry'>) {
  return (conversation: ConversationDoc, typing: boolean): void => {
    void (async () => {
      const account = await deps.accounts.find(conversation.channelAccountId);
      const adapter = account && deps.registry.forAccount(account);
      const contact = await liveContact(deps.store, conversation.contactId);
      if (adapter?.typing && contact) await adapter.typing(conversation, contact, typing);
    })().catch(() => undefined);
  };
}

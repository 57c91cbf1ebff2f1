import { MEDIA_ERROR, mediaErrorOf, type Attachment, type ContactDoc, type ConversationDoc, type MessageDoc } from '@atende/protocol';
import type { ChannelAccounts } from '../channelAccounts/service.js';
import type { MessageService } from '../conversations/messages.js';
import { SEND_JOB } from '../conversations/messages.js';
import { retagMessages } from '../conversations/retag.js';
import { RETAG_JOB } from '../conversations/service.js';
import { PermanentFailure, RetryLater, type DeadLetterHandler, type JobHandler, type JobRunner } from '../jobs/types.js';
import { storeRemoteMedia, type MediaService } from '../media/service.js';
import type { DocStore } from '../store/index.js';
import { liveContact } from '../contacts/live.js';
import { getWire, updateWire } from '../store/wire.js';
import { MediaTooLarge, type ChannelRegistry, type OutboundRequest } from './adapter.js';
import { CONTACT_PROFILE_JOB, MEDIA_DOWNLOAD_JOB, type ContactProfilePayload } from './inbound.js';
import { sendFailed, sendMessageJob } from './outbound.js';

export interface ChannelJobDeps {
  store: DocStore;
  accounts: ChannelAccounts;
  registry: ChannelRegistry;
  messages: MessageService;
  media: MediaService;
  /** Short-lived links to attachments for upstreams that fetch by URL (channels/publicMedia.ts). */
  publicMediaUrl?: OutboundRequest['publicMediaUrl'];
}

/** An attachment's bytes for an upstream call; a file gone meanwhile fails the job for good, saying which. */
export async function attachmentBytes(media: Pick<MediaService, 'read'>, attachment: Attachment): Promise<Buffer> {
  const content = await media.read(attachment.mediaId, 'file');
  if (!content) throw new PermanentFailure(`O arquivo ${attachment.name} não existe mais.`);
  return content.data;
}

/** The outbox's workers (R-OPS-02): channel sends, re-tagging after transfers, inbound media. */
export function registerChannelJobs(jobs: JobRunner, deps: ChannelJobDeps): void {
  const readMedia = (attachment: Attachment) => attachmentBytes(deps.media, attachment);
  jobs.register(SEND_JOB, sendMessageJob({ ...deps, readMedia }), { onDead: sendFailed(deps), concurrency: 16 });

  jobs.register(RETAG_JOB, async (job) => {
    const conversation = await getWire<ConversationDoc>(deps.store, String(job.payload.conversationId));
    if (conversation) await retagMessages(deps.store, conversation);
  });

  jobs.register(MEDIA_DOWNLOAD_JOB, mediaDownloadJob(deps), { onDead: mediaUnavailable(deps) });
  jobs.register(CONTACT_PROFILE_JOB, contactProfileJob(deps));
}

type MediaRef = { ref: string; mimeType?: string; filename?: string };

/**
 * Inbound files, fetched from the upstream after the webhook was acknowledged. A file the upstream
 * will not hand over for its size (`MediaTooLarge`) is said so on the message (`mediaError:
 * too_large`) and never retried; other refusals retry, then `mediaUnavailable` says so.
 */
function mediaDownloadJob(deps: ChannelJobDeps): JobHandler {
  return async (job) => {
    const message = await getWire<MessageDoc>(deps.store, String(job.payload.messageId));
    const account = await deps.accounts.find(String(job.payload.channelAccountId));
    if (!message || !account) return;
    const adapter = deps.registry.forAccount(account);
    if (!adapter?.downloadMedia) throw new PermanentFailure(`${account.kind} cannot download media`);
    const refs = (job.payload.media as MediaRef[] | undefined) ?? [];
    const stored: Attachment[] = [];
    let tooLarge = false;
    for (const ref of refs) {
      let file;
      try {
        file = await adapter.downloadMedia(ref.ref);
      } catch (error) {
        if (!(error instanceof MediaTooLarge)) throw error;
        tooLarge = true;
        continue;
      }
      stored.push(await storeRemoteMedia(deps.media, {
        bytes: file.bytes, filename: file.filename ?? ref.filename ?? 'arquivo', declaredMime: file.mimeType ?? ref.mimeType,
        channel: account.kind, uploadedBy: message.authorId ?? message.conversationId, conversationId: message.conversationId,
      }));
    }
    const { written } = await updateWire<MessageDoc>(deps.store, message.id, (m) => {
      if (!m || m.attachments.length > 0 || mediaErrorOf(m.payload)) return undefined;
      if (stored.length === 0 && !tooLarge) return undefined;
      const payload = tooLarge ? { ...m.payload, [MEDIA_ERROR]: 'too_large' } : m.payload;
      return { ...m, attachments: stored, payload, updatedAt: Math.max(Date.now(), m.updatedAt + 1) };
    });
    if (!written && !(await getWire<MessageDoc>(deps.store, message.id))) throw new RetryLater('message not readable yet');
  };
}

/** A download that failed for good: the message says "arquivo indisponível" instead of waiting forever. */
function mediaUnavailable(deps: Pick<ChannelJobDeps, 'store'>): DeadLetterHandler {
  return async (job) => {
    await updateWire<MessageDoc>(deps.store, String(job.payload.messageId), (m) =>
      m && m.attachments.length === 0 && !mediaErrorOf(m.payload)
        ? { ...m, payload: { ...m.payload, [MEDIA_ERROR]: 'unavailable' }, updatedAt: Math.max(Date.now(), m.updatedAt + 1) }
        : undefined,
    );
  };
}

/**
 * The customer's name and picture from the upstream's profile endpoint (Messenger, Instagram),
 * once per contact: the picture is stored as media readable by whoever sees the contact; the name
 * is set only while the contact has none (an agent's edit is never overwritten).
 */
function contactProfileJob(deps: ChannelJobDeps): JobHandler {
  return async (job) => {
    const { contactId, channelAccountId, address } = job.payload as unknown as ContactProfilePayload;
    const account = await deps.accounts.find(String(channelAccountId));
    const contact = await liveContact(deps.store, String(contactId));
    const adapter = account && deps.registry.forAccount(account);
    if (!account || !contact || !adapter?.fetchProfile) return;
    const profile = await adapter.fetchProfile(String(address));
    let pictureMediaId: string | undefined;
    if (profile.pictureUrl && !contact.pictureMediaId && adapter.downloadMedia) {
      try {
        const file = await adapter.downloadMedia(profile.pictureUrl);
        const picture = await storeRemoteMedia(deps.media, {
          bytes: file.bytes, filename: file.filename ?? 'foto', declaredMime: file.mimeType,
          channel: account.kind, uploadedBy: contact.id, pictureOf: contact.id,
        });
        // Whatever the link served, only a picture becomes the contact's picture (never a page or a script).
        if (picture.kind === 'image' && picture.mimeType !== 'image/svg+xml') pictureMediaId = picture.mediaId;
      } catch (error) {
        // A picture too large or refused for good (an address not allowed, a link gone) is no
        // picture, and the name still counts; a passing trouble is worth another try.
        if (!(error instanceof MediaTooLarge) && !(error instanceof PermanentFailure)) throw error;
      }
    }
    const name = profile.name?.trim().slice(0, 200) ?? '';
    await updateWire<ContactDoc>(deps.store, contact.id, (c) => {
      if (!c || c.type !== 'contact') return undefined;
      const placeholder = c.name === '' || c.name === c.addresses[account.kind];
      const rename = name !== '' && placeholder && c.name !== name;
      const picture = pictureMediaId !== undefined && !c.pictureMediaId;
      if (!rename && !picture) return undefined;
      return {
        ...c, ...(rename ? { name } : {}), ...(picture ? { pictureMediaId } : {}),
        updatedAt: Math.max(Date.now(), c.updatedAt + 1),
      };
    });
  };
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

import { createHash } from 'node:crypto';
import { DomainError } from '@atende/protocol';
import type { ChannelAccountDoc } from '../channelAccounts/service.js';
import type { ContactDirectory } from '../contacts/directory.js';
import type { InboundService } from '../conversations/inbound.js';
import type { MessageService } from '../conversations/messages.js';
import { newJob } from '../jobs/types.js';
import type { InboundEvent, TemplateStatusReport } from './adapter.js';

/** Where template review updates go (the WhatsApp template service). */
export interface TemplateStatusSink {
  applyStatus(account: ChannelAccountDoc, report: TemplateStatusReport): Promise<void>;
}

export const MEDIA_DOWNLOAD_JOB = 'media-download';
/** How long a status for an unknown upstream id is worth a redelivery. */
const STATUS_REDELIVERY_MS = 2 * 60_000;

/** Upstream ids can be long or hold any character: hashed per account into a message key. */
export function upstreamMessageKey(accountId: string, externalId: string): string {
  return `in-${createHash('sha256').update(`${accountId}|${externalId}`).digest('base64url').slice(0, 40)}`;
}

/**
 * Hands an adapter's parsed webhook events to the domain: messages are stored (with their media
 * downloads as outbox jobs) before the webhook is acknowledged; statuses update our messages.
 */
export class ChannelInbound {
  constructor(
    private readonly contacts: ContactDirectory,
    private readonly inbound: InboundService,
    private readonly messages: MessageService,
    private readonly templates?: TemplateStatusSink,
  ) {}

  async handle(account: ChannelAccountDoc, events: InboundEvent[]): Promise<void> {
    for (const event of events) {
      if (event.type === 'template') {
        await this.templates?.applyStatus(account, event.report);
        continue;
      }
      if (event.type === 'status') {
        const { externalId, status, error, at } = event.report;
        const applied = await this.messages.applyStatus(account._id, externalId, status, error);
        // Upstreams report within milliseconds of our send, possibly before its upstream id is
        // stored: ask for a redelivery (idempotent) instead of losing the status. An old unknown
        // id is a message sent outside Atende and is ignored.
        if (!applied && Date.now() - at < STATUS_REDELIVERY_MS) {
          throw new DomainError('unavailable', 'status_too_early', 'That message is not recorded yet; deliver the status again');
        }
        continue;
      }
      // Issue 11: edits and watermarks are applied by the channel core (in progress).
      if (event.type !== 'message') continue;
      const m = event.message;
      const contact = await this.contacts.contactFor(account.kind, m.address, { name: m.authorName });
      for (const alias of m.aliases ?? []) await this.contacts.alias(account.kind, alias, contact.id);
      const messageKey = upstreamMessageKey(account._id, m.externalId);
      await this.inbound.receive({
        account, contact, messageKey, authorName: m.authorName || contact.name, kind: m.kind, text: m.text,
        payload: m.payload, externalId: m.externalId,
        jobs: (message) =>
          m.media.length === 0
            ? []
            : [newJob(MEDIA_DOWNLOAD_JOB, messageKey, { messageId: message.id, channelAccountId: account._id, media: m.media })],
      });
    }
  }
}

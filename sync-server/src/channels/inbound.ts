import { createHash } from 'node:crypto';
import { DomainError, EDITED_AT, type ContactDoc, type MessageDoc } from '@atende/protocol';
import type { ChannelAccountDoc } from '../channelAccounts/service.js';
import type { ContactDirectory } from '../contacts/directory.js';
import type { InboundService } from '../conversations/inbound.js';
import type { MessageService } from '../conversations/messages.js';
import { newJob, type JobDoc } from '../jobs/types.js';
import type { ChannelAnswer } from '../ratings/service.js';
import type { ChannelAdapter, InboundEdit, InboundEvent, InboundMessage, TemplateStatusReport } from './adapter.js';

/** Where template review updates go (the WhatsApp template service). */
export interface TemplateStatusSink {
  applyStatus(account: ChannelAccountDoc, report: TemplateStatusReport): Promise<void>;
}

export const MEDIA_DOWNLOAD_JOB = 'media-download';
/** Fetches a customer's name and picture from the upstream's profile endpoint, once per contact. */
export const CONTACT_PROFILE_JOB = 'contact-profile';
/** How long a status for an unknown upstream id is worth a redelivery. */
const STATUS_REDELIVERY_MS = 2 * 60_000;

/** What of the account's adapter the inbound path needs beyond the parsed events. */
export type InboundAdapter = Pick<ChannelAdapter, 'fetchProfile'>;

/** Upstream ids can be long or hold any character: hashed per account into a message key. */
export function upstreamMessageKey(accountId: string, externalId: string): string {
  return `in-${createHash('sha256').update(`${accountId}|${externalId}`).digest('base64url').slice(0, 40)}`;
}

/** The profile job's payload: the contact, and the account whose upstream knows their address. */
export interface ContactProfilePayload {
  contactId: string;
  channelAccountId: string;
  address: string;
}

/**
 * The contact's profile job (one per contact: its id is fixed, so the copy queued with each later
 * message is a write conflict the inbound write ignores), while the contact still lacks a name or
 * a picture and the upstream has a profile endpoint.
 */
function profileJobs(adapter: InboundAdapter | undefined, account: ChannelAccountDoc, contact: ContactDoc, address: string): JobDoc[] {
  if (!adapter?.fetchProfile) return [];
  if (contact.name !== '' && contact.name !== address && contact.pictureMediaId) return [];
  const payload: ContactProfilePayload = { contactId: contact.id, channelAccountId: account._id, address };
  return [newJob(CONTACT_PROFILE_JOB, `profile-${contact.id.slice('contact:'.length)}`, { ...payload })];
}

/** Where rating answers go first (ratings/service.ts): true when taken as the rating. */
export interface RatingAnswers {
  answer(answer: ChannelAnswer): Promise<boolean>;
}

/**
 * Hands an adapter's parsed webhook events to the domain: messages are stored (with their media
 * downloads and the contact's profile fetch as outbox jobs) before the webhook is acknowledged;
 * statuses, watermarks and edits update the messages they name.
 */
export class ChannelInbound {
  constructor(
    private readonly contacts: ContactDirectory,
    private readonly inbound: InboundService,
    private readonly messages: MessageService,
    private readonly templates?: TemplateStatusSink,
    private readonly ratings?: RatingAnswers,
  ) {}

  async handle(account: ChannelAccountDoc, events: InboundEvent[], adapter?: InboundAdapter): Promise<void> {
    for (const event of events) {
      switch (event.type) {
        case 'template':
          await this.templates?.applyStatus(account, event.report);
          break;
        case 'status': {
          const { externalId, status, error, at } = event.report;
          const applied = await this.messages.applyStatus(account._id, externalId, status, error);
          // Upstreams report within milliseconds of our send, possibly before its upstream id is
          // stored: ask for a redelivery (idempotent) instead of losing the status. An old unknown
          // id is a message sent outside Atende and is ignored.
          if (!applied && Date.now() - at < STATUS_REDELIVERY_MS) {
            throw new DomainError('unavailable', 'status_too_early', 'That message is not recorded yet; deliver the status again');
          }
          break;
        }
        case 'statusUpTo': {
          const { address, status, at } = event.report;
          // A watermark for a customer we never heard from names none of our messages.
          const contact = await this.contacts.find(account.kind, address);
          if (contact) await this.messages.applyStatusUpTo(account._id, contact.id, status, at);
          break;
        }
        case 'edit':
          await this.edit(account, event.edit, adapter);
          break;
        case 'message':
          await this.message(account, event.message, adapter);
          break;
      }
    }
  }

  private async message(account: ChannelAccountDoc, m: InboundMessage, adapter: InboundAdapter | undefined): Promise<void> {
    // A customer the upstream names only through its profile endpoint starts unnamed; the profile job names them.
    const contact = await this.contacts.contactFor(account.kind, m.address, { name: m.authorName, unnamed: Boolean(adapter?.fetchProfile) });
    for (const alias of m.aliases ?? []) await this.contacts.alias(account.kind, alias, contact.id);
    const messageKey = upstreamMessageKey(account._id, m.externalId);
    // Issue 18: a rating button's answer is recorded on the conversation it names and stored as no
    // message; one that does not count (late, rated, unknown) goes on as the customer's message.
    if (m.ratingAnswer && this.ratings) {
      const answer: ChannelAnswer = { ...m.ratingAnswer, accountId: account._id, contactId: contact.id, channel: account.kind, messageKey };
      if (await this.ratings.answer(answer)) return;
    }
    await this.inbound.receive({
      account, contact, messageKey, authorName: m.authorName || contact.name, kind: m.kind, text: m.text,
      payload: m.payload, externalId: m.externalId,
      jobs: (message) => [
        ...(m.media.length === 0 ? [] : [newJob(MEDIA_DOWNLOAD_JOB, messageKey, { messageId: message.id, channelAccountId: account._id, media: m.media })]),
        ...profileJobs(adapter, account, contact, m.address),
      ],
    });
  }

  /**
   * The customer changed a message: the stored one takes the new text, its history kept
   * (`withEdit`; a redelivered edit changes nothing). An edit of a message we never stored (sent
   * before the channel was connected, or lost) is stored as a new message marked edited.
   */
  private async edit(account: ChannelAccountDoc, edit: InboundEdit, adapter: InboundAdapter | undefined): Promise<void> {
    const messageKey = upstreamMessageKey(account._id, edit.externalId);
    if (await this.messages.applyEdit(messageKey, edit.text, edit.at, edit.deleted)) return;
    // An unsend of a message we never stored: nothing to take back.
    if (edit.deleted) return;
    const payload: MessageDoc['payload'] = { [EDITED_AT]: edit.at };
    await this.message(account, {
      externalId: edit.externalId, address: edit.address, authorName: edit.authorName, kind: 'text', text: edit.text,
      media: [], payload, at: edit.at,
    }, adapter);
  }
}

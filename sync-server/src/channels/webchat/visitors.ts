import {
  RATING_REQUEST_PAYLOAD,
  conversationEventOf, conversationEventText, docId, teamAvailability, visitorEvent, ulid, webchatConfigOf, type ContactDoc, type MessageDoc, type TeamDoc,
  type VisitorMessage, type VisitorResponse, type WebchatArticle, type WebchatConfig,
} from '@atende/protocol';
import { visitorMessagesSelector } from '../../access/visitors.js';
import type { TokenSigner } from '../../auth/tokens.js';
import { DomainError } from '../../http/errors.js';
import type { DocStore, StoredDoc } from '../../store/index.js';
import { getWire, toStored, toWire } from '../../store/wire.js';
import { isEnabled, type ChannelAccountDoc } from '../../channelAccounts/service.js';
import { isGone } from '../../contacts/live.js';
import { CustomerNames } from '../customerNames.js';

export interface Visitor {
  visitorId: string;
  contactId: string;
  contact: ContactDoc;
  account: ChannelAccountDoc;
  name: string;
}

interface VisitorDoc extends StoredDoc {
  type: 'visitor';
  accountId: string;
  contactId: string;
}

/** The articles the widget of one website chat (`channel:<key>`) shows (content/articles.ts). */
export interface PublishedArticles {
  forAccount(accountId: string): Promise<WebchatArticle[]>;
}

const TOKEN_TTL_S = 30 * 24 * 3600;
const TRANSCRIPT_LIMIT = 1000;

/** Website-chat visitors (R-CH-02): each is a contact with a `webchat` address and a token. */
export class VisitorService {
  constructor(
    private readonly store: DocStore,
    private readonly signer: TokenSigner,
    /** The business-hours clock (R-RT-03); tests inject one. */
    private readonly now: () => number = Date.now,
  ) {}

  async account(accountId: string): Promise<ChannelAccountDoc> {
    const account = /^[A-Za-z0-9_-]{1,64}$/.test(accountId)
      ? ((await this.store.get(`channel:${accountId}`)) as ChannelAccountDoc | undefined)
      : undefined;
    if (!account || account.type !== 'channel' || account.kind !== 'webchat' || !isEnabled(account)) {
      throw new DomainError('not_found', 'unknown_account', 'No website chat with that id');
    }
    return account;
  }

  /** The admins' articles (R-RT-05, content/articles.ts); without them, only those an account keeps in its settings. */
  private articles: PublishedArticles | undefined;
  useArticles(source: PublishedArticles): void {
    this.articles = source;
  }

  /** What the widget shows before chatting: the pre-chat form and the articles (R-CH-02, R-RT-05). */
  async config(accountId: string): Promise<WebchatConfig> {
    const account = await this.account(accountId);
    // Outside the entry team's business hours the widget shows the team offline (R-RT-03).
    const team = await getWire<TeamDoc>(this.store, account.entryTeamId);
    const hours = team?.businessHours ?? null;
    const { online, nextOpening } = teamAvailability(hours, this.now());
    const config = webchatConfigOf(account.name, account.settings, { online, nextOpening, hours: hours && { timeZone: hours.timeZone, days: hours.days } });
    // The admins' articles first, then any an older account still keeps in its settings (R-RT-05).
    const published = this.articles ? await this.articles.forAccount(account._id) : [];
    return published.length > 0 ? { ...config, articles: [...published, ...config.articles] } : config;
  }

  async create(accountId: string, details: { name?: string; email?: string }): Promise<VisitorResponse> {
    const account = await this.account(accountId);
    const visitorId = ulid();
    const now = Date.now();
    const contact: ContactDoc = {
      id: docId('contact'), type: 'contact', createdAt: now, updatedAt: now,
      name: details.name?.trim() || 'Visitante', email: details.email ?? '',
      addresses: { webchat: visitorId }, customFields: {},
    };
    const visitor: VisitorDoc = { _id: `visitor:${visitorId}`, type: 'visitor', accountId: account._id, contactId: contact.id };
    const results = await this.store.bulkWrite([toStored(contact), visitor]);
    if (!results.every((r) => r.ok)) throw new Error('visitor could not be stored');
    const exp = Math.floor(now / 1000) + TOKEN_TTL_S;
    return { visitorId, token: this.signer.sign({ kind: 'visitor', vid: visitorId, exp }) };
  }

  async authenticate(token: string | undefined): Promise<Visitor | undefined> {
    const payload = token ? this.signer.verify(token) : undefined;
    if (!payload || payload.kind !== 'visitor' || typeof payload.vid !== 'string') return undefined;
    const visitor = (await this.store.get(`visitor:${payload.vid}`)) as VisitorDoc | undefined;
    if (!visitor) return undefined;
    const [account, contact] = await Promise.all([
      this.store.get(visitor.accountId) as Promise<ChannelAccountDoc | undefined>,
      this.store.get(visitor.contactId),
    ]);
    // A contact removed by an agent is gone for its visitor too (its document is a tombstone).
    if (!account || !contact || isGone(contact) || !isEnabled(account)) return undefined;
    const wire = toWire<ContactDoc>(contact);
    return { visitorId: payload.vid, contactId: visitor.contactId, contact: wire, account, name: wire.name || 'Visitante' };
  }

  async transcript(visitor: Visitor): Promise<VisitorMessage[]> {
    const selector = await visitorMessagesSelector(this.store, visitor.contactId, visitor.account._id);
    if (!selector) return [];
    const messages = await this.store.find({ selector, limit: TRANSCRIPT_LIMIT });
    const names = new CustomerNames(this.store);
    const shown = await Promise.all(messages.map(async (m) => toVisitorMessage(await asVisitorSeesIt(toWire<MessageDoc>(m), names))));
    return shown.sort((a, b) => a.createdAt - b.createdAt || a.id.localeCompare(b.id));
  }
}

/**
 * The message with the names the customer sees (R-WS-11, issue 18): an agent's alias as the
 * author of their messages and in "… entrou na conversa"-type notices. The stored message and
 * event keep the real name, for the desk and the reports.
 */
export async function asVisitorSeesIt(message: MessageDoc, names: CustomerNames): Promise<MessageDoc> {
  const event = conversationEventOf(message);
  if (event && (event.event === 'joined' || event.event === 'invited' || event.event === 'left')) {
    const agentName = await names.of(event.agentId);
    if (agentName === undefined) return message;
    const shown = { ...event, agentName };
    return { ...message, payload: shown, text: conversationEventText(shown) };
  }
  if (event || message.direction !== 'out') return message;
  const authorName = await names.of(message.authorId);
  return authorName === undefined ? message : { ...message, authorName };
}

export function toVisitorMessage(message: MessageDoc): VisitorMessage {
  const event = conversationEventOf(message);
  return {
    id: message.id,
    direction: event ? 'system' : message.direction === 'in' ? 'in' : 'out',
    // A transfer's note is for the agent who receives it, never the customer (R-WS-19).
    ...(event ? { event: visitorEvent(event) } : {}),
    authorName: message.authorName,
    text: message.text,
    createdAt: message.createdAt,
    attachments: message.attachments.map((a) => ({ mediaId: a.mediaId, name: a.name, mimeType: a.mimeType, size: a.size })),
    // The question after finish (issue 18): the widget answers it with stars.
    ...(typeof message.payload[RATING_REQUEST_PAYLOAD] === 'string' ? { ratingRequest: true } : {}),
  };
}

import { BoundedFiles, keepLast } from '../../simulators/http.js';
import { LoopbackSimulator } from '../../simulators/simulator.js';
import { profilePicture, solidPng } from '../../simulators/pictures.js';
import { CustomerThreads, type ThreadMedia, type ThreadMessage, type ThreadView } from '../../simulators/threads.js';
import { WebhookSender } from '../../whatsapp/simulator/webhookSender.js';
import {
  instagramAttachment, instagramRead, instagramText, messengerAttachment, messengerDelivery, messengerRead, messengerText,
  quickReplyTap, storyMention, storyReply,
} from './events.js';
import { FakeMetaGraph, type MetaPlatform, type MetaSenderAction, type MetaSent } from './fakeMetaGraph.js';
import { customerPage } from './page.js';

export interface MetaSimulatorOptions {
  pageId: string;
  igUserId: string;
  pageAccessToken: string;
  appSecret: string;
  /** Our server's webhook of the Messenger account and of the Instagram account. */
  webhookUrls: Record<MetaPlatform, string>;
  /** Waits between webhook attempts (tests shorten them). */
  backoffMs?: readonly number[];
  /** How long after a send Meta reports it delivered (Messenger); tests shorten it. */
  deliveryDelayMs?: number;
  log?: (message: string) => void;
}

/** Who writes: their page-scoped id (PSID on Messenger, IGSID on Instagram) and their name. */
export interface MetaCustomer { id: string; name: string }

/** Messenger and Instagram show the business typing for up to 20 s unless it stops or writes. */
export const TYPING_SHOWN_MS = 20_000;
const DELIVERY_DELAY_MS = 400;
/** The demo business's story customers answer ("Resposta ao story"). */
const BUSINESS_STORY_ID = '17900000000000001';

export const businessMediaUrl = (mid: string) => `/customer/media/${encodeURIComponent(mid)}`;
const MEDIA_KINDS: Record<string, ThreadMedia['kind']> = { image: 'image', video: 'video', audio: 'audio', file: 'document' };

/**
 * The Messenger and Instagram simulator (issue 11): the fake Graph Send API our adapters call
 * (fakeMetaGraph.ts) plus the customers' side — one page with a tab per platform where a person
 * writes to the demo page or its Instagram account. What they do reaches our server as Meta's
 * signed webhooks on each account's URL; the page's replies, typing and "seen" show there, and
 * the customer's reads (and, on Messenger, deliveries) are reported back by webhook.
 */
export class MetaSimulator extends LoopbackSimulator<FakeMetaGraph> {
  private readonly threads: Record<MetaPlatform, CustomerThreads> = { messenger: new CustomerThreads(), instagram: new CustomerThreads() };
  private readonly webhooks: Record<MetaPlatform, WebhookSender>;
  /** The profile each customer was last given (a new name gives a new profile). */
  private readonly profiled = new Map<string, string>();
  /** The business's files the page shows (the fake keeps the sends' bytes only in its bounded record). */
  private readonly files = new BoundedFiles<{ bytes: Buffer; mimeType: string }>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private storyUrl = '';

  constructor(private readonly options: MetaSimulatorOptions) {
    super(new FakeMetaGraph({
      appSecret: options.appSecret, pageAccessToken: options.pageAccessToken, pageId: options.pageId, igUserId: options.igUserId,
      pageName: 'Atende Demo', igUsername: 'atende.demo',
    }));
    const sender = (platform: MetaPlatform) => new WebhookSender({
      url: options.webhookUrls[platform], sign: (raw) => this.graph.sign(raw), label: `Meta simulator (${platform})`,
      ...(options.backoffMs ? { backoffMs: options.backoffMs } : {}), ...(options.log ? { log: options.log } : {}),
    });
    this.webhooks = { messenger: sender('messenger'), instagram: sender('instagram') };
    this.graph.pages = customerPage(this);
    this.unsubscribe = [this.graph.onSent((sent) => this.businessSent(sent)), this.graph.onSenderAction((action) => this.businessAction(action))];
  }

  /** The fake Graph (its origin is the page's; `baseUrl` is what our Messenger and Instagram accounts point at). */
  get graph(): FakeMetaGraph {
    return this.upstream;
  }

  override async start(): Promise<this> {
    await super.start();
    this.storyUrl = this.graph.addAttachment(await solidPng('#7c3aed', 90, 160), 'image/png');
    return this;
  }

  protected override stopping(): void {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    this.webhooks.messenger.stop();
    this.webhooks.instagram.stop();
  }

  thread(platform: MetaPlatform, id: string): ThreadView {
    keepLast(this.graph.calls);
    return this.threads[platform].view(id);
  }

  /** The platform that already knows this id, when it is the other one (ids are per platform). */
  otherPlatformOf(platform: MetaPlatform, id: string): MetaPlatform | undefined {
    const other: MetaPlatform = platform === 'messenger' ? 'instagram' : 'messenger';
    return this.threads[other].has(id) ? other : undefined;
  }

  /** A file of the business's messages, as the customer's app received it. */
  businessFile(mid: string): { bytes: Buffer; mimeType: string } | undefined {
    return this.files.get(mid);
  }

  customerWrites(platform: MetaPlatform, customer: MetaCustomer, text: string): Promise<ThreadMessage> {
    const event = platform === 'messenger'
      ? messengerText(this.options.pageId, customer.id, text)
      : instagramText(this.options.igUserId, customer.id, text);
    return this.customerSends(platform, customer, event, { text });
  }

  /** A photo: Meta puts it on its CDN and the webhook carries the link our server downloads. */
  async customerSendsImage(platform: MetaPlatform, customer: MetaCustomer, bytes: Buffer, mimeType: string, caption: string): Promise<ThreadMessage> {
    const url = this.graph.addAttachment(bytes, mimeType);
    const options = caption ? { text: caption } : {};
    const event = platform === 'messenger'
      ? messengerAttachment(this.options.pageId, customer.id, [{ type: 'image', url }], options)
      : instagramAttachment(this.options.igUserId, customer.id, [{ type: 'image', url }], options);
    return this.customerSends(platform, customer, event, { text: caption, media: { kind: 'image', url } });
  }

  /** Instagram: the customer mentions the business in their story (a picture of the story). */
  async customerMentionsInStory(customer: MetaCustomer): Promise<ThreadMessage> {
    const url = this.graph.addAttachment(await profilePicture(`${customer.name} story`), 'image/png');
    const event = storyMention(this.options.igUserId, customer.id, url);
    return this.customerSends('instagram', customer, event, { text: '', media: { kind: 'image', url }, label: 'Mencionou a empresa no story' });
  }

  /** Instagram: the customer answers the business's story. */
  customerRepliesToStory(customer: MetaCustomer, text: string): Promise<ThreadMessage> {
    const event = storyReply(this.options.igUserId, customer.id, text, { url: this.storyUrl, id: BUSINESS_STORY_ID });
    return this.customerSends('instagram', customer, event, { text, media: { kind: 'image', url: this.storyUrl }, label: 'Respondeu ao story da empresa' });
  }

  /**
   * The customer taps a quick reply (`payload`) of the business's message `messageId`: our server
   * gets the message Meta sends for it (the title as text, `quick_reply.payload`). Undefined when
   * the thread holds no such message or reply.
   */
  customerTapsQuickReply(platform: MetaPlatform, customer: MetaCustomer, messageId: string, payload: string): Promise<ThreadMessage> | undefined {
    const offered = this.threads[platform].find(customer.id, messageId);
    const choice = offered?.from === 'business' ? offered.choices?.find((c) => c.id === payload) : undefined;
    if (!choice) return undefined;
    const entryId = platform === 'messenger' ? this.options.pageId : this.options.igUserId;
    const event = quickReplyTap(platform === 'messenger' ? 'page' : 'instagram', entryId, customer.id, { title: choice.title, payload });
    return this.customerSends(platform, customer, event, { text: choice.title, label: 'Resposta rápida' });
  }

  /** The page showed these business messages: reported read as Meta does (Messenger: a watermark; Instagram: the last mid). */
  customerRead(platform: MetaPlatform, id: string, ids: readonly string[]): void {
    const unread = ids.map((mid) => this.threads[platform].find(id, mid)).filter((m): m is ThreadMessage => m?.from === 'business' && m.status !== 'read');
    if (unread.length === 0) return;
    for (const m of unread) m.status = 'read';
    const body = platform === 'messenger'
      ? messengerRead(this.options.pageId, id, Math.max(Date.now(), ...unread.map((m) => m.at)))
      : instagramRead(this.options.igUserId, id, unread.at(-1)?.id ?? '');
    void this.webhooks[platform].deliver(body);
  }

  private async customerSends(
    platform: MetaPlatform, customer: MetaCustomer, event: { mid: string; body: unknown }, shown: Pick<ThreadMessage, 'text' | 'media' | 'label'>,
  ): Promise<ThreadMessage> {
    await this.profile(platform, customer);
    const message = this.threads[platform].add(customer.id, { id: event.mid, from: 'customer', at: Date.now(), status: 'sending', ...shown }, customer.name);
    // The fake learns who wrote and when (their messaging window) before our server can answer.
    this.graph.observeWebhook(event.body);
    const accepted = await this.webhooks[platform].deliver(event.body);
    if (message.status === 'sending') message.status = accepted ? 'received' : 'failed';
    return { ...message };
  }

  /** The customer's public profile (`GET /{id}`): what our server fetches for the contact's name and picture. */
  private async profile(platform: MetaPlatform, customer: MetaCustomer): Promise<void> {
    const key = `${platform}:${customer.id}`;
    if (this.profiled.get(key) === customer.name) return;
    this.profiled.set(key, customer.name);
    const picture = this.graph.addAttachment(await profilePicture(customer.name), 'image/png');
    const [first = customer.name, ...rest] = customer.name.split(/\s+/);
    this.graph.addProfile(customer.id, platform === 'messenger'
      ? { first_name: first, last_name: rest.join(' '), profile_pic: picture }
      : { name: customer.name, username: customer.name.toLowerCase().normalize('NFD').replace(/[^a-z0-9]+/g, '.').replace(/^\.|\.$/g, ''), profile_pic: picture }, platform);
  }

  private businessSent(sent: MetaSent): void {
    keepLast(this.graph.sent);
    const attachment = sent.attachment;
    let media: ThreadMedia | undefined;
    if (attachment) {
      this.files.set(sent.mid, { bytes: attachment.bytes, mimeType: attachment.mimeType });
      media = { kind: MEDIA_KINDS[attachment.type] ?? 'document', url: businessMediaUrl(sent.mid), filename: attachment.filename ?? 'arquivo' };
    }
    const label = sent.tag ? `Enviada com a etiqueta ${sent.tag}` : undefined;
    const choices = sent.quickReplies?.map((q) => ({ id: q.payload, title: q.title }));
    this.threads[sent.platform].add(sent.recipientId, {
      id: sent.mid, from: 'business', at: sent.at, text: sent.text ?? '', status: 'sent', ...(media ? { media } : {}), ...(label ? { label } : {}),
      ...(choices?.length ? { choices } : {}),
    });
    // Messenger reports deliveries; Instagram only reads.
    if (sent.platform !== 'messenger') return;
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      const message = this.threads.messenger.find(sent.recipientId, sent.mid);
      if (message?.status === 'sent') message.status = 'delivered';
      void this.webhooks.messenger.deliver(messengerDelivery(this.options.pageId, sent.recipientId, Math.max(Date.now(), sent.at), [sent.mid]));
    }, this.options.deliveryDelayMs ?? DELIVERY_DELAY_MS);
    this.timers.add(timer);
  }

  private businessAction(action: MetaSenderAction): void {
    keepLast(this.graph.senderActions);
    for (const platform of ['messenger', 'instagram'] as const) {
      const threads = this.threads[platform];
      if (!threads.has(action.recipientId)) continue;
      if (action.action === 'typing_on') threads.typing(action.recipientId, action.at + TYPING_SHOWN_MS);
      else if (action.action === 'typing_off') threads.typing(action.recipientId, false);
      else threads.seenByBusiness(action.recipientId);
    }
  }
}

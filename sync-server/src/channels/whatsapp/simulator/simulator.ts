import { createHash } from 'node:crypto';
import { LoopbackSimulator } from '../../simulators/simulator.js';
import { FakeGraph, waInbound, waInteractiveReply, waStatuses, type FakeTemplate, type SentMessage } from './graph.js';
import { CustomerPhones, phoneMediaUrl, phoneView, type PhoneMessage, type PhoneThread } from './phones.js';
import { customerPage } from './page.js';
import { WebhookSender } from './webhookSender.js';

export interface SimulatorOptions {
  phoneNumberId: string;
  accessToken: string;
  appSecret: string;
  /** Our server's webhook for the simulated number. */
  webhookUrl: string;
  /** The number's templates, whatever their status (only approved ones can be sent). */
  templates?: readonly FakeTemplate[];
  wabaId?: string;
  displayPhoneNumber?: string;
  /** Waits between webhook attempts (tests shorten them). */
  backoffMs?: readonly number[];
  log?: (message: string) => void;
}

const RANK: Partial<Record<PhoneMessage['status'], number>> = { sent: 1, delivered: 2, read: 3 };

/**
 * The WhatsApp simulator (issue 10): the fake Graph endpoints our adapter calls, plus the
 * customers' side — a page on the same loopback server where a person writes as a customer from
 * a phone number and sees the business's messages. What the customer writes reaches our server
 * as Meta's signed `messages` webhook; every message the business sends is reported back as
 * sent and delivered at once, and read once the page has shown it.
 */
export class WhatsAppSimulator extends LoopbackSimulator<FakeGraph> {
  private readonly phones = new CustomerPhones();
  private readonly webhooks: WebhookSender;
  /** Per business message: its status reports, in order (sent → delivered → read). */
  private readonly reports = new Map<string, Promise<unknown>>();

  constructor(private readonly options: SimulatorOptions) {
    super(new FakeGraph({
      phoneNumberId: options.phoneNumberId, accessToken: options.accessToken, appSecret: options.appSecret,
      ...(options.wabaId ? { wabaId: options.wabaId } : {}), ...(options.displayPhoneNumber ? { displayPhoneNumber: options.displayPhoneNumber } : {}),
      verifiedName: 'Atende Demo',
    }));
    this.graph.templates.push(...(options.templates ?? []).map((t) => structuredClone(t)));
    this.webhooks = new WebhookSender({
      url: options.webhookUrl, sign: (raw) => this.graph.sign(raw),
      ...(options.backoffMs ? { backoffMs: options.backoffMs } : {}), ...(options.log ? { log: options.log } : {}),
    });
    this.graph.pages = customerPage(this);
    this.unsubscribe = [
      this.graph.onSent((sent) => this.businessSent(sent)),
      this.graph.onReadReceipt((receipt) => this.phones.businessRead(receipt.messageId, receipt.typingIndicator)),
    ];
  }

  /** The fake Graph endpoints (their origin is the page's; `baseUrl` is what our WhatsApp account points at). */
  get graph(): FakeGraph {
    return this.upstream;
  }

  protected override stopping(): void {
    this.webhooks.stop();
  }

  thread(phone: string): PhoneThread & { typing: boolean } {
    return this.phones.view(phone);
  }

  /** The customer writes text: our server gets it as a signed webhook. */
  customerWrites(phone: string, name: string, text: string): Promise<PhoneMessage> {
    return this.customerSends(phone, name, 'text', { text: { body: text } }, { text });
  }

  /** The customer sends a photo (with an optional caption); our server downloads it from the Graph endpoints. */
  customerSendsImage(phone: string, name: string, bytes: Buffer, mimeType: string, caption: string): Promise<PhoneMessage> {
    const id = this.graph.addMedia(bytes, mimeType);
    const sha256 = createHash('sha256').update(bytes).digest('base64');
    const image = { id, mime_type: mimeType, sha256, ...(caption ? { caption } : {}) };
    return this.customerSends(phone, name, 'image', { image }, { text: caption, media: { kind: 'image', url: phoneMediaUrl(id) } });
  }

  /**
   * The customer picks a row (or reply button) of the business's interactive message `messageId`:
   * our server gets Meta's `interactive` message with `list_reply` (`button_reply`) naming it.
   * Undefined when this number holds no such message or choice.
   */
  async customerPicks(phone: string, name: string, messageId: string, choiceId: string): Promise<PhoneMessage | undefined> {
    const offered = this.phones.find(phone, messageId);
    const choice = offered?.from === 'business' ? offered.choices?.find((c) => c.id === choiceId) : undefined;
    if (!offered || !choice) return undefined;
    const sent = this.graph.sent.find((s) => s.id === messageId);
    const kind = (sent?.body.interactive as { type?: unknown } | undefined)?.type === 'button' ? 'button_reply' : 'list_reply';
    const inbound = waInteractiveReply(this.options.phoneNumberId, phone, messageId, choice, { name, kind });
    return this.deliverCustomer(phone, name, inbound, { text: choice.title, label: 'Resposta' });
  }

  /** The page has shown these business messages: reported read (once each). */
  customerRead(phone: string, ids: readonly string[]): void {
    for (const id of ids) {
      const message = this.phones.find(phone, id);
      if (message?.from === 'business' && message.status !== 'read') this.report(phone, message, 'read');
    }
  }

  private async customerSends(
    phone: string, name: string, type: string, extra: Record<string, unknown>, shown: Pick<PhoneMessage, 'text' | 'media'>,
  ): Promise<PhoneMessage> {
    return this.deliverCustomer(phone, name, waInbound(this.options.phoneNumberId, phone, type, extra, { name }), shown);
  }

  private async deliverCustomer(
    phone: string, name: string, inbound: { id: string; body: unknown }, shown: Pick<PhoneMessage, 'text' | 'media' | 'label'>,
  ): Promise<PhoneMessage> {
    const message = this.phones.add(phone, { id: inbound.id, from: 'customer', at: Date.now(), status: 'sending', ...shown }, name);
    const accepted = await this.webhooks.deliver(inbound.body);
    // A read receipt may have come while the webhook was answered.
    if (message.status === 'sending') message.status = accepted ? 'received' : 'failed';
    return { ...message };
  }

  private businessSent(sent: SentMessage): void {
    const phone = sent.to.replace(/\D/g, '');
    const message = this.phones.add(phone, { id: sent.id, from: 'business', at: Date.now(), status: 'sent', ...phoneView(sent, this.graph.templates) });
    this.report(phone, message, 'sent');
    this.report(phone, message, 'delivered');
  }

  /** Moves the phone's tick forward (never back) and tells our server, after the earlier reports of that message. */
  private report(phone: string, message: PhoneMessage, status: 'sent' | 'delivered' | 'read'): void {
    if ((RANK[status] ?? 0) > (RANK[message.status] ?? 0)) message.status = status;
    const body = waStatuses(this.options.phoneNumberId, [{ id: message.id, status, recipient: phone }]);
    const previous = this.reports.get(message.id) ?? Promise.resolve();
    const next = previous.then(() => this.webhooks.deliver(body));
    this.reports.set(message.id, next);
    // Forget settled chains so the map stays small.
    void next.then(() => {
      if (this.reports.get(message.id) === next) this.reports.delete(message.id);
    });
  }
}

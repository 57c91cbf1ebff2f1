import { keepLast } from '../../simulators/http.js';
import { LoopbackSimulator } from '../../simulators/simulator.js';
import { CustomerThreads, type ThreadMessage, type ThreadView } from '../../simulators/threads.js';
import { callbackButtons } from './botKeyboards.js';
import { FakeBotApi, type BotChatAction, type BotSent } from './fakeBotApi.js';
import { customerPage } from './page.js';
import { tgDocumentUpdate, tgEditUpdate, tgPhotoUpdate, tgStartUpdate, tgTextUpdate, type TgUser } from './updates.js';

export interface TelegramSimulatorOptions {
  token: string;
  username?: string;
  firstName?: string;
  /** Waits between webhook attempts (tests shorten them). */
  backoffMs?: readonly number[];
}

/** Who writes: a Telegram user id (digits; their private chat has the same id) and a display name. */
export interface TelegramCustomer { id: string; name: string }

/** What became of the customer's action: the message as the chat shows it, and whether a webhook was set at all. */
export interface CustomerSent { message: ThreadMessage; webhookSet: boolean }

/** How long Telegram shows "typing…" after one sendChatAction (CHANNELS.md: ~5 s). */
export const TYPING_SHOWN_MS = 5_000;
/**
 * Customers' message ids start far from the fake's (which numbers the bot's sends from 1), so the
 * two never meet in one chat: upstream, a private chat numbers both sides in one sequence.
 */
const FIRST_CUSTOMER_MESSAGE_ID = 500_000;

const MAX_FILES = 2_000;

export const chatFileUrl = (fileId: string) => `/chat/files/${encodeURIComponent(fileId)}`;

/**
 * The Telegram simulator (issue 11): the fake Bot API our adapter calls (fakeBotApi.ts) plus the
 * customers' side — a page on the same loopback server where a person writes to the bot as a
 * Telegram user. What they do reaches our server as Telegram's updates, through the webhook our
 * server registered with setWebhook ("Testar conexão"); the bot's sends and typing show there.
 */
export class TelegramSimulator extends LoopbackSimulator<FakeBotApi> {
  private readonly chats = new CustomerThreads();
  private messageIds = FIRST_CUSTOMER_MESSAGE_ID;
  /** The types of the files the chats show (the fake keeps the bytes). */
  private readonly fileTypes = new Map<string, string>();

  constructor(options: TelegramSimulatorOptions) {
    super(new FakeBotApi({
      token: options.token, username: options.username ?? 'atende_demo_bot', firstName: options.firstName ?? 'Atende Demo',
      ...(options.backoffMs ? { backoffMs: options.backoffMs } : {}),
    }));
    this.bot.pages = customerPage(this);
    this.unsubscribe = [this.bot.onSent((sent) => this.botSent(sent)), this.bot.onChatAction((action) => this.botTyping(action))];
  }

  /** The fake Bot API (its origin is the page's; `baseUrl` is what our Telegram account points at). */
  get bot(): FakeBotApi {
    return this.upstream;
  }

  thread(userId: string): ThreadView {
    return this.chats.view(userId);
  }

  /** A file a chat shows (the customer's or the bot's), for the page. */
  chatFile(fileId: string): { bytes: Buffer; mimeType: string } | undefined {
    const bytes = this.bot.fileBytes(fileId);
    const mimeType = this.fileTypes.get(fileId);
    return bytes && mimeType ? { bytes, mimeType } : undefined;
  }

  customerWrites(customer: TelegramCustomer, text: string): Promise<CustomerSent> {
    const id = this.nextId();
    return this.deliver(customer, tgTextUpdate(userOf(customer), text, { message_id: id }), { id: String(id), text });
  }

  /** `/start <parameter>`, as a deep link `t.me/<bot>?start=<parameter>` opens the chat. */
  customerStarts(customer: TelegramCustomer, parameter: string): Promise<CustomerSent> {
    const id = this.nextId();
    const text = parameter ? `/start ${parameter}` : '/start';
    return this.deliver(customer, tgStartUpdate(userOf(customer), parameter || undefined, { message_id: id }), { id: String(id), text });
  }

  /** A photo (our server downloads the largest size through getFile) or any file as a document. */
  customerSendsFile(customer: TelegramCustomer, kind: 'photo' | 'document', file: { bytes: Buffer; mimeType: string; name: string }, caption: string): Promise<CustomerSent> {
    const stored = this.bot.addFile(file.bytes, file.mimeType, file.name);
    this.rememberType(stored.file_id, file.mimeType);
    const id = this.nextId();
    const options = { message_id: id };
    const update = kind === 'photo' ? tgPhotoUpdate(userOf(customer), stored, caption || undefined, options) : tgDocumentUpdate(userOf(customer), stored, caption || undefined, options);
    const media = { kind: kind === 'photo' ? 'image' as const : 'document' as const, url: chatFileUrl(stored.file_id), filename: file.name };
    return this.deliver(customer, update, { id: String(id), text: caption, media });
  }

  /**
   * The customer presses an inline button (`data`) under the bot's message `messageId`: our server
   * gets the callback_query update. Undefined when the chat holds no such message or button.
   */
  async customerPresses(customer: TelegramCustomer, messageId: string, data: string): Promise<CustomerSent | undefined> {
    const offered = this.chats.find(customer.id, messageId);
    const choice = offered?.from === 'business' ? offered.choices?.find((c) => c.id === data) : undefined;
    if (!choice) return undefined;
    const webhookSet = this.bot.webhook !== null;
    // Shown as the customer's tap; Telegram itself shows nothing in the chat for it.
    const message = this.chats.add(customer.id, { id: `press-${this.nextId()}`, from: 'customer', at: Date.now(), text: choice.title, label: 'Botão', status: 'sending' }, customer.name);
    const pressed = await this.bot.pressButton(userOf(customer), Number(messageId), data);
    message.status = pressed?.delivered ? 'received' : 'failed';
    return { message: { ...message }, webhookSet };
  }

  /** The customer edits their last message (its text, or a file's caption). Undefined when they wrote none. */
  async customerEdits(customer: TelegramCustomer, text: string): Promise<CustomerSent | undefined> {
    // A button press is no message of theirs: the last one they wrote (ids are Telegram's, digits).
    const lastId = this.chats.view(customer.id).messages.findLast((m) => m.from === 'customer' && /^\d+$/.test(m.id))?.id;
    const last = lastId === undefined ? undefined : this.chats.find(customer.id, lastId);
    if (!last) return undefined;
    const update = tgEditUpdate(userOf(customer), Number(last.id), text, { originalDate: Math.floor(last.at / 1000), field: last.media ? 'caption' : 'text' });
    last.text = text;
    last.label = 'Editada';
    const webhookSet = this.bot.webhook !== null;
    last.status = (await this.bot.deliver(update)) ? 'received' : 'failed';
    return { message: { ...last }, webhookSet };
  }

  private rememberType(fileId: string, mimeType: string): void {
    if (this.fileTypes.size >= MAX_FILES) this.fileTypes.delete(this.fileTypes.keys().next().value ?? '');
    this.fileTypes.set(fileId, mimeType);
  }

  private nextId(): number {
    return ++this.messageIds;
  }

  private async deliver(customer: TelegramCustomer, update: object, shown: Pick<ThreadMessage, 'id' | 'text' | 'media'>): Promise<CustomerSent> {
    const message = this.chats.add(customer.id, { ...shown, from: 'customer', at: Date.now(), status: 'sending' }, customer.name);
    const webhookSet = this.bot.webhook !== null;
    message.status = (await this.bot.deliver(update)) ? 'received' : 'failed';
    return { message: { ...message }, webhookSet };
  }

  private botSent(sent: BotSent): void {
    // The fake keeps a record for tests; a demo runs for days.
    keepLast(this.bot.calls);
    keepLast(this.bot.sent);
    const file = sent.file;
    if (file) this.rememberType(file.file_id, file.mimeType);
    const media = file
      ? { kind: sent.method === 'sendPhoto' ? 'image' as const : 'document' as const, url: chatFileUrl(file.file_id), filename: file.name }
      : undefined;
    const choices = callbackButtons(sent.replyMarkup).map((b) => ({ id: b.data, title: b.text }));
    this.chats.add(sent.chatId, {
      id: String(sent.messageId), from: 'business', at: sent.at, text: sent.text ?? sent.caption ?? '', status: 'sent',
      ...(media ? { media } : {}), ...(choices.length ? { choices } : {}),
    });
  }

  private botTyping(action: BotChatAction): void {
    keepLast(this.bot.chatActions);
    if (action.action === 'typing' && this.chats.has(action.chatId)) this.chats.typing(action.chatId, action.at + TYPING_SHOWN_MS);
  }
}

/** The Telegram user behind a customer: the name's first word is the first name, the rest the last name. */
function userOf(customer: TelegramCustomer): TgUser {
  const [first = customer.name, ...rest] = customer.name.trim().split(/\s+/);
  return { id: Number(customer.id), first_name: first, ...(rest.length ? { last_name: rest.join(' ') } : {}) };
}

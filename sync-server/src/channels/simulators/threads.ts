/**
 * The customers the simulators play (WhatsApp numbers, Telegram users, Messenger and Instagram
 * people): per customer, a name and the conversation with the business as their app shows it. In
 * memory and bounded — a demo tool, not a store. The pages poll `view()`.
 */
export type ThreadMessageStatus =
  /** The customer's message: on its way to our webhook / accepted there / given up / read by the business. */
  | 'sending' | 'received' | 'failed' | 'seen'
  /** The business's message: arrived / reported delivered / read by the customer (where the channel tells). */
  | 'sent' | 'delivered' | 'read';

export interface ThreadMedia {
  /** WhatsApp also has 'sticker' (shown as an image). */
  kind: 'image' | 'video' | 'audio' | 'document' | 'sticker';
  /** Where the page loads it: always on the simulator's own server (its CSP allows only 'self'). */
  url: string;
  filename?: string;
}

export interface ThreadMessage {
  id: string;
  from: 'customer' | 'business';
  /** Milliseconds. */
  at: number;
  text: string;
  media?: ThreadMedia;
  status: ThreadMessageStatus;
  /** A line above the message: "Editada", "Menção no story", "Resposta ao story", "Fora da janela: HUMAN_AGENT". */
  label?: string;
  /**
   * The business's message offers these to pick (WhatsApp list rows or reply buttons, Telegram
   * inline buttons, Messenger/Instagram quick replies): the page shows them as buttons.
   */
  choices?: ThreadChoice[];
}

/** One pickable answer of a business message: the id the upstream returns when picked, and its label. */
export interface ThreadChoice { id: string; title: string }

export interface CustomerThread<M extends ThreadMessage = ThreadMessage> {
  id: string;
  name: string;
  messages: M[];
  /** The business's typing indicator shows until then (ms). */
  typingUntil?: number;
}

export type ThreadView<M extends ThreadMessage = ThreadMessage> = Omit<CustomerThread<M>, 'typingUntil'> & { typing: boolean };

const MAX_MESSAGES = 200;
const MAX_CUSTOMERS = 1_000;

/** `M`: a channel's messages may carry more (WhatsApp's template name). */
export class CustomerThreads<M extends ThreadMessage = ThreadMessage> {
  private readonly threads = new Map<string, CustomerThread<M>>();

  /** The customer's thread, made on first use; the oldest customer is forgotten past the bound. */
  thread(id: string, name?: string): CustomerThread<M> {
    let thread = this.threads.get(id);
    if (!thread) {
      if (this.threads.size >= MAX_CUSTOMERS) this.threads.delete(this.threads.keys().next().value ?? '');
      thread = { id, name: name ?? '', messages: [] };
      this.threads.set(id, thread);
    }
    if (name) thread.name = name;
    return thread;
  }

  has(id: string): boolean {
    return this.threads.has(id);
  }

  /** A copy for the page, or an empty thread for a customer nothing happened to yet. */
  view(id: string, now = Date.now()): ThreadView<M> {
    const thread = this.threads.get(id);
    if (!thread) return { id, name: '', messages: [], typing: false };
    const { typingUntil, ...rest } = thread;
    const copy = (m: M): M => ({ ...m, ...(m.media ? { media: { ...m.media } } : {}), ...(m.choices ? { choices: m.choices.map((c) => ({ ...c })) } : {}) });
    return { ...rest, messages: thread.messages.map(copy), typing: (typingUntil ?? 0) > now };
  }

  add(id: string, message: M, name?: string): M {
    const thread = this.thread(id, name);
    thread.messages.push(message);
    if (message.from === 'business') delete thread.typingUntil;
    if (thread.messages.length > MAX_MESSAGES) thread.messages.splice(0, thread.messages.length - MAX_MESSAGES);
    return message;
  }

  find(id: string, messageId: string): M | undefined {
    return this.threads.get(id)?.messages.find((m) => m.id === messageId);
  }

  /** The customer's latest message (the one an edit changes). */
  lastFromCustomer(id: string): M | undefined {
    return this.threads.get(id)?.messages.findLast((m) => m.from === 'customer');
  }

  /** The thread holding the message `messageId`, whoever's it is (receipts name a message only). */
  threadOf(messageId: string): CustomerThread<M> | undefined {
    for (const thread of this.threads.values()) if (thread.messages.some((m) => m.id === messageId)) return thread;
    return undefined;
  }

  /** The business shows it is typing until `until`; false stops it. */
  typing(id: string, until: number | false): void {
    const thread = this.threads.get(id);
    if (!thread) return;
    if (until === false) delete thread.typingUntil;
    else thread.typingUntil = until;
  }

  /** The business read the customer's messages (all of them so far), as the app shows it. */
  seenByBusiness(id: string): void {
    for (const m of this.threads.get(id)?.messages ?? []) if (m.from === 'customer' && m.status === 'received') m.status = 'seen';
  }
}

import { renderSentTemplate } from './demoTemplates.js';
import type { FakeTemplate, SentMessage } from './graph.js';

/**
 * The customers' phones the simulator plays: per number, its name and the conversation with the
 * business as the phone shows it. Kept in memory and bounded (a demo tool, not a store).
 */
export type PhoneMessageStatus =
  /** The customer's message, on its way to our webhook / accepted there / given up / read by the business. */
  | 'sending' | 'received' | 'failed' | 'seen'
  /** The business's message, as the simulator reported it back by webhook. */
  | 'sent' | 'delivered' | 'read';

export interface PhoneMessage {
  id: string;
  from: 'customer' | 'business';
  /** Milliseconds. */
  at: number;
  text: string;
  /** A file the phone shows: a URL on the simulator (by media id) or the business's https link. */
  media?: { kind: string; url: string; filename?: string };
  /** The template's name, for the business's template messages. */
  template?: string;
  status: PhoneMessageStatus;
}

export interface PhoneThread {
  phone: string;
  name: string;
  messages: PhoneMessage[];
  /** The business's typing indicator shows until then (ms); WhatsApp drops it after 25 s or at its next message. */
  typingUntil?: number;
}

/** How long WhatsApp shows the business's typing indicator (CHANNELS.md). */
export const TYPING_SHOWN_MS = 25_000;

const MAX_MESSAGES_PER_PHONE = 200;
const MAX_PHONES = 1_000;
const MEDIA_KINDS = new Set(['image', 'audio', 'video', 'document', 'sticker']);

/** Where the page loads a file the simulator holds (the phone's own copy). */
export const phoneMediaUrl = (id: string) => `/phone/media/${encodeURIComponent(id)}`;

/** Only a web link may become an <img src>; anything else would be a script or a local file. */
function mediaUrl(media: { id?: unknown; link?: unknown }): string | undefined {
  if (typeof media.id === 'string') return phoneMediaUrl(media.id);
  if (typeof media.link === 'string' && /^https?:\/\//.test(media.link)) return media.link;
  return undefined;
}

/** A business message's Graph body as the phone shows it. */
export function phoneView(sent: SentMessage, templates: readonly FakeTemplate[]): Pick<PhoneMessage, 'text' | 'media' | 'template'> {
  const body = sent.body;
  if (sent.type === 'text') return { text: String((body.text as { body?: unknown } | undefined)?.body ?? '') };
  if (MEDIA_KINDS.has(sent.type)) {
    const media = (body[sent.type] ?? {}) as { id?: unknown; link?: unknown; caption?: unknown; filename?: unknown };
    const url = mediaUrl(media);
    const filename = typeof media.filename === 'string' ? media.filename : undefined;
    return {
      text: typeof media.caption === 'string' ? media.caption : '',
      ...(url ? { media: { kind: sent.type, url, ...(filename ? { filename } : {}) } } : {}),
    };
  }
  if (sent.type === 'template') {
    const request = (body.template ?? {}) as { name?: string; language?: { code?: string }; components?: [] };
    const template = templates.find((t) => t.name === request.name && t.language === request.language?.code);
    const shown = renderSentTemplate(template, request);
    const url = shown.image ? mediaUrl(shown.image) : undefined;
    return { text: shown.text, template: request.name ?? '', ...(url ? { media: { kind: 'image', url } } : {}) };
  }
  return { text: `[${sent.type}]` };
}

export class CustomerPhones {
  private readonly threads = new Map<string, PhoneThread>();

  /** The phone's thread, made on first use; the oldest phone is forgotten past the bound. */
  thread(phone: string, name?: string): PhoneThread {
    let thread = this.threads.get(phone);
    if (!thread) {
      if (this.threads.size >= MAX_PHONES) this.threads.delete(this.threads.keys().next().value ?? '');
      thread = { phone, name: name ?? '', messages: [] };
      this.threads.set(phone, thread);
    }
    if (name) thread.name = name;
    return thread;
  }

  /** A copy for the page, or an empty thread for a number nothing happened on yet. */
  view(phone: string, now = Date.now()): PhoneThread & { typing: boolean } {
    const thread = this.threads.get(phone);
    if (!thread) return { phone, name: '', messages: [], typing: false };
    const { typingUntil, ...rest } = thread;
    return { ...rest, messages: thread.messages.map((m) => ({ ...m })), typing: (typingUntil ?? 0) > now };
  }

  /**
   * The business read the customer's message (and maybe shows it is typing): that message and the
   * customer's earlier ones show as read, as on a phone. False when no phone holds that message.
   */
  businessRead(messageId: string, typing: boolean, now = Date.now()): boolean {
    for (const thread of this.threads.values()) {
      const at = thread.messages.findIndex((m) => m.id === messageId && m.from === 'customer');
      if (at < 0) continue;
      for (const m of thread.messages.slice(0, at + 1)) if (m.from === 'customer' && (m.status === 'received' || m.status === 'sending')) m.status = 'seen';
      if (typing) thread.typingUntil = now + TYPING_SHOWN_MS;
      return true;
    }
    return false;
  }

  add(phone: string, message: PhoneMessage, name?: string): PhoneMessage {
    const thread = this.thread(phone, name);
    thread.messages.push(message);
    if (message.from === 'business') delete thread.typingUntil;
    if (thread.messages.length > MAX_MESSAGES_PER_PHONE) thread.messages.splice(0, thread.messages.length - MAX_MESSAGES_PER_PHONE);
    return message;
  }

  find(phone: string, id: string): PhoneMessage | undefined {
    return this.threads.get(phone)?.messages.find((m) => m.id === id);
  }
}

import { CustomerThreads, type ThreadMedia, type ThreadMessage, type ThreadMessageStatus, type ThreadView } from '../../simulators/threads.js';
import { renderSentTemplate } from './demoTemplates.js';
import { checkInteractive } from './graphInteractive.js';
import type { FakeTemplate, SentMessage } from './graph.js';

/**
 * The customers' phones the simulator plays: the simulators' customer threads (per number, its
 * name and the conversation as the phone shows it), with WhatsApp's own parts: a business
 * template's name, the typing indicator a read receipt turns on, how a Graph send body shows.
 */
export type PhoneMessageStatus = ThreadMessageStatus;

export interface PhoneMessage extends ThreadMessage {
  /** The template's name, for the business's template messages. */
  template?: string;
}

/** The phone's thread as the page polls it (`phone`: the number, as the page of issue 10 reads it). */
export type PhoneThread = ThreadView<PhoneMessage> & { phone: string };

/** How long WhatsApp shows the business's typing indicator (CHANNELS.md). */
export const TYPING_SHOWN_MS = 25_000;

const MEDIA_KINDS = new Set<string>(['image', 'audio', 'video', 'document', 'sticker'] satisfies Array<ThreadMedia['kind']>);

/** Where the page loads a file the simulator holds (the phone's own copy). */
export const phoneMediaUrl = (id: string) => `/phone/media/${encodeURIComponent(id)}`;

/** Only a web link may become an <img src>; anything else would be a script or a local file. */
function mediaUrl(media: { id?: unknown; link?: unknown }): string | undefined {
  if (typeof media.id === 'string') return phoneMediaUrl(media.id);
  if (typeof media.link === 'string' && /^https?:\/\//.test(media.link)) return media.link;
  return undefined;
}

/** A business message's Graph body as the phone shows it. */
export function phoneView(sent: SentMessage, templates: readonly FakeTemplate[]): Pick<PhoneMessage, 'text' | 'media' | 'template' | 'choices' | 'label'> {
  const body = sent.body;
  if (sent.type === 'text') return { text: String((body.text as { body?: unknown } | undefined)?.body ?? '') };
  if (MEDIA_KINDS.has(sent.type)) {
    const media = (body[sent.type] ?? {}) as { id?: unknown; link?: unknown; caption?: unknown; filename?: unknown };
    const url = mediaUrl(media);
    const filename = typeof media.filename === 'string' ? media.filename : undefined;
    return {
      text: typeof media.caption === 'string' ? media.caption : '',
      ...(url ? { media: { kind: sent.type as ThreadMedia['kind'], url, ...(filename ? { filename } : {}) } } : {}),
    };
  }
  if (sent.type === 'template') {
    const request = (body.template ?? {}) as { name?: string; language?: { code?: string }; components?: [] };
    const template = templates.find((t) => t.name === request.name && t.language === request.language?.code);
    const shown = renderSentTemplate(template, request);
    const url = shown.image ? mediaUrl(shown.image) : undefined;
    return { text: shown.text, template: request.name ?? '', ...(url ? { media: { kind: 'image', url } } : {}) };
  }
  if (sent.type === 'interactive') {
    // Accepted by the fake, so well formed: the body, and the rows (or buttons) to pick from.
    const interactive = checkInteractive(body.interactive);
    if ('code' in interactive) return { text: '[interactive]' };
    const choices = interactive.choices.map(({ id, title }) => ({ id, title }));
    return { text: interactive.body, choices, ...(interactive.button ? { label: `Lista: ${interactive.button}` } : {}) };
  }
  return { text: `[${sent.type}]` };
}

export class CustomerPhones extends CustomerThreads<PhoneMessage> {
  /** A copy for the page, or an empty thread for a number nothing happened on yet. */
  override view(phone: string, now = Date.now()): PhoneThread {
    return { ...super.view(phone, now), phone };
  }

  /**
   * The business read the customer's message (and maybe shows it is typing): that message and the
   * customer's earlier ones show as read, as on a phone. False when no phone holds that message.
   */
  businessRead(messageId: string, typing: boolean, now = Date.now()): boolean {
    const thread = this.threadOf(messageId);
    const at = thread?.messages.findIndex((m) => m.id === messageId && m.from === 'customer') ?? -1;
    if (!thread || at < 0) return false;
    for (const m of thread.messages.slice(0, at + 1)) if (m.from === 'customer' && (m.status === 'received' || m.status === 'sending')) m.status = 'seen';
    if (typing) this.typing(thread.id, now + TYPING_SHOWN_MS);
    return true;
  }
}

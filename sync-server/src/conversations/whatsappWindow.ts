import { DomainError, serviceWindow, WHATSAPP_WINDOW_CLOSED, type ConversationDoc, type ServiceWindow } from '@atende/protocol';
import type { DocStore } from '../store/index.js';

/** Customer messages a conversation is searched for; a WhatsApp conversation rarely holds more. */
const SCAN_LIMIT = 2_000;

/**
 * The 24-hour window of a WhatsApp conversation (R-WA-05…07), from the customer's latest message's
 * own upstream timestamp (`payload.sentAt`, set by the adapter; the arrival time for messages
 * stored before it existed).
 */
export async function whatsappWindow(store: DocStore, conversation: ConversationDoc, now: number): Promise<ServiceWindow> {
  const inbound = await store.find({ selector: { type: 'message', conversationId: conversation.id, direction: 'in' }, limit: SCAN_LIMIT });
  let latest: number | null = null;
  for (const m of inbound) {
    const sentAt = (m.payload as Record<string, unknown> | undefined)?.sentAt;
    const at = typeof sentAt === 'number' ? sentAt : Number(m.createdAt);
    if (Number.isFinite(at) && (latest === null || at > latest)) latest = at;
  }
  return serviceWindow(latest, now);
}

/** Free text (and files) outside the window are refused here and never reach the upstream. */
export async function assertWhatsAppWindowOpen(store: DocStore, conversation: ConversationDoc, now: number): Promise<void> {
  if (conversation.channel !== 'whatsapp') return;
  const window = await whatsappWindow(store, conversation, now);
  if (!window.open) {
    throw new DomainError('conflict', WHATSAPP_WINDOW_CLOSED,
      'A janela de 24 horas do WhatsApp está fechada: só é possível enviar um template aprovado até o cliente responder.',
      { closesAt: window.closesAt });
  }
}

import { customerWroteAtOf, DomainError, serviceWindow, WHATSAPP_WINDOW_CLOSED, type ConversationDoc, type ServiceWindow } from '@atende/protocol';

/** The 24-hour window of a WhatsApp conversation (R-WA-05…07), from the customer's latest own timestamp. */
export function whatsappWindow(conversation: ConversationDoc, now: number): ServiceWindow {
  return serviceWindow(customerWroteAtOf(conversation), now);
}

/** Free text (and files) outside the window are refused here and never reach the upstream. */
export function assertWhatsAppWindowOpen(conversation: ConversationDoc, now: number): void {
  if (conversation.channel !== 'whatsapp') return;
  const window = whatsappWindow(conversation, now);
  if (!window.open) {
    throw new DomainError('conflict', WHATSAPP_WINDOW_CLOSED,
      'A janela de 24 horas do WhatsApp está fechada: só é possível enviar um template aprovado até o cliente responder.',
      { closesAt: window.closesAt });
  }
}

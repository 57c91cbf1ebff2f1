/**
 * WhatsApp's 24-hour customer-service window (R-WA-05…07, CHANNELS.md): each customer message
 * opens or refreshes it, counted from the message's own upstream `timestamp` (a webhook can
 * arrive late), never from its arrival. Outside it only approved templates may be sent.
 * Pure, with the clock passed in, so the header countdown, the composer and the server agree.
 */
export const WHATSAPP_WINDOW_MS = 24 * 60 * 60_000;

/** The server's refusal of free text outside the window: clients switch on this code. */
export const WHATSAPP_WINDOW_CLOSED = 'whatsapp_window_closed';

export interface ServiceWindow {
  open: boolean;
  /** When it closes (or closed); null when the customer never wrote. */
  closesAt: number | null;
  /** Milliseconds left, 0 once closed. */
  remainingMs: number;
}

/** The window after the customer's latest message written at `customerWroteAt` (upstream time, ms). */
export function serviceWindow(customerWroteAt: number | null | undefined, now: number): ServiceWindow {
  if (customerWroteAt === null || customerWroteAt === undefined || !Number.isFinite(customerWroteAt)) {
    return { open: false, closesAt: null, remainingMs: 0 };
  }
  const closesAt = customerWroteAt + WHATSAPP_WINDOW_MS;
  const remainingMs = Math.max(0, closesAt - now);
  return { open: remainingMs > 0, closesAt, remainingMs };
}

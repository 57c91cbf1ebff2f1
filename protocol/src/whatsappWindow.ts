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

/** The conversation's `channelMeta` key holding when the customer last wrote (upstream time, ms, as a string). */
export const CUSTOMER_WROTE_AT_META = 'customerWroteAt';

/**
 * When the customer of a conversation last wrote (ms), or null when they never did: the upstream
 * time the inbound summary keeps (`channelMeta.customerWroteAt`); conversations summarised before
 * it existed fall back to the arrival of the customer's latest message. Server and app read it here.
 */
export function customerWroteAtOf(conversation: { channelMeta: Record<string, string>; lastInboundAt: number | null }): number | null {
  const at = Number(conversation.channelMeta[CUSTOMER_WROTE_AT_META]);
  return Number.isFinite(at) && at > 0 ? at : conversation.lastInboundAt;
}

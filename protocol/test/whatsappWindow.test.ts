import { describe, expect, it } from 'vitest';
import { serviceWindow, WHATSAPP_WINDOW_MS } from '../src/index.js';

const HOUR = 60 * 60_000;
const wrote = Date.UTC(2026, 10, 28, 9, 0, 0);

describe('WhatsApp 24-hour customer-service window', () => {
  it('R-WA-05 a customer message opens the window for 24 hours from its own timestamp', () => {
    expect(serviceWindow(wrote, wrote + HOUR)).toEqual({ open: true, closesAt: wrote + WHATSAPP_WINDOW_MS, remainingMs: 23 * HOUR });
    expect(serviceWindow(wrote, wrote + WHATSAPP_WINDOW_MS - 1).open).toBe(true);
  });

  it('R-WA-06 the window closes exactly 24 hours after the message, whenever the webhook arrived', () => {
    // Delivered 3 h late: still counted from when the customer wrote.
    const arrivedLate = wrote + 3 * HOUR;
    expect(serviceWindow(wrote, arrivedLate).remainingMs).toBe(21 * HOUR);
    expect(serviceWindow(wrote, wrote + WHATSAPP_WINDOW_MS)).toEqual({ open: false, closesAt: wrote + WHATSAPP_WINDOW_MS, remainingMs: 0 });
  });

  it('R-WA-05 a newer customer message refreshes it; no customer message means closed', () => {
    expect(serviceWindow(wrote + 20 * HOUR, wrote + 30 * HOUR).open).toBe(true);
    expect(serviceWindow(null, wrote)).toEqual({ open: false, closesAt: null, remainingMs: 0 });
  });
});

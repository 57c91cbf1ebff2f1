import { describe, expect, it } from 'vitest';
import { HUMAN_AGENT_WINDOW_MS, mayReplyFreely, replyWindowOf, STANDARD_WINDOW_MS } from '../src/index.js';

const HOUR = 60 * 60_000;
const wrote = Date.UTC(2026, 10, 28, 9, 0, 0);
const tagged = { humanAgentTag: true };

describe('reply windows per channel (R-CH-05, R-WA-05)', () => {
  it('R-CH-05 Messenger and Instagram: inside 24 h the standard window, counted from the customer’s own time', () => {
    for (const channel of ['messenger', 'instagram'] as const) {
      expect(replyWindowOf(channel, wrote, wrote + HOUR)).toEqual({ mode: 'standard', closesAt: wrote + STANDARD_WINDOW_MS, remainingMs: 23 * HOUR });
    }
  });

  it('R-CH-05 past 24 h: HUMAN_AGENT up to 7 days only when the account allows it, then closed', () => {
    const day2 = wrote + 30 * HOUR;
    expect(replyWindowOf('messenger', wrote, day2)).toEqual({ mode: 'closed', closesAt: wrote + STANDARD_WINDOW_MS, remainingMs: 0 });
    expect(replyWindowOf('messenger', wrote, day2, tagged)).toEqual({
      mode: 'human_agent', closesAt: wrote + HUMAN_AGENT_WINDOW_MS, remainingMs: HUMAN_AGENT_WINDOW_MS - 30 * HOUR,
    });
    expect(replyWindowOf('instagram', wrote, wrote + HUMAN_AGENT_WINDOW_MS - 1, tagged).mode).toBe('human_agent');
    const past = replyWindowOf('instagram', wrote, wrote + HUMAN_AGENT_WINDOW_MS, tagged);
    expect(past).toEqual({ mode: 'closed', closesAt: wrote + HUMAN_AGENT_WINDOW_MS, remainingMs: 0 });
    expect(mayReplyFreely(past)).toBe(false);
  });

  it('R-WA-06 WhatsApp never takes the HUMAN_AGENT tag: closed after 24 h whatever the policy', () => {
    expect(replyWindowOf('whatsapp', wrote, wrote + 25 * HOUR, tagged).mode).toBe('closed');
    expect(replyWindowOf('whatsapp', wrote, wrote + HOUR).mode).toBe('standard');
  });

  it('R-CH-04 Telegram, the website chat and Reclame Aqui have no window; a windowed channel whose customer never wrote is closed', () => {
    for (const channel of ['telegram', 'webchat', 'reclameaqui'] as const) {
      expect(replyWindowOf(channel, null, wrote)).toEqual({ mode: 'free', closesAt: null, remainingMs: 0 });
    }
    expect(replyWindowOf('messenger', null, wrote, tagged)).toEqual({ mode: 'closed', closesAt: null, remainingMs: 0 });
    expect(mayReplyFreely(replyWindowOf('telegram', undefined, wrote))).toBe(true);
  });
});

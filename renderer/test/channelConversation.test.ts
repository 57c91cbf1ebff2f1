import { effectScope, ref, watch } from 'vue';
import { describe, expect, it, vi } from 'vitest';
import {
  CHANNEL_TEXT_MAX, conversationReplyWindow, HUMAN_AGENT_WINDOW_MS, REPLY_WINDOW_CLOSED, STANDARD_WINDOW_MS, withEdit,
  type ChannelKind, type MessageDoc,
} from '@atende/protocol';
import { mayWriteFreely, timeLeft, useReplyWindow, type WindowConversation } from '../src/components/replyWindow/replyWindow';
import { replyParts } from '../src/components/composer/oneFilePerMessage';
import { counterFrom, refusalReason, textLimit } from '../src/components/composer/textLimit';
import { externalLink, inboundMarks } from '../src/components/message/inbound';
import { messageContent } from '../src/components/message/content';

/**
 * Issue 11 on the conversation screen: Messenger's and Instagram's reply windows, each channel's
 * text limit and one file per message, and what Telegram, Messenger and Instagram add to a
 * customer's message (edits, /start links, stories, files that will not arrive).
 */
const HOUR = 3_600_000;
const noon = Date.UTC(2026, 10, 28, 15, 0, 0);
const conversationOn = (channel: ChannelKind, customerWroteAt: number | null): WindowConversation => ({
  channel, channelMeta: customerWroteAt === null ? {} : { customerWroteAt: String(customerWroteAt) }, lastInboundAt: null,
});
const TAG = { humanAgentTag: true };
const NO_TAG = { humanAgentTag: false };

describe('R-CH-05 the Messenger and Instagram reply window on the conversation screen', () => {
  it.each(['messenger', 'instagram'] as const)('R-CH-05 %s: 24 h of free replies, then closed when the account has no HUMAN_AGENT tag', (channel) => {
    const wrote = conversationOn(channel, noon - 3 * HOUR);
    expect(conversationReplyWindow(wrote, noon, NO_TAG)).toMatchObject({ mode: 'standard', remainingMs: 21 * HOUR });
    expect(mayWriteFreely(wrote, noon - 3 * HOUR + STANDARD_WINDOW_MS - 1, NO_TAG)).toBe(true);
    expect(conversationReplyWindow(wrote, noon - 3 * HOUR + STANDARD_WINDOW_MS, NO_TAG).mode).toBe('closed');
    expect(mayWriteFreely(wrote, noon - 3 * HOUR + STANDARD_WINDOW_MS, NO_TAG)).toBe(false);
  });

  it.each(['messenger', 'instagram'] as const)('R-CH-05 %s with the tag: replies go as human agent from 24 h to 7 days, then the composer closes', (channel) => {
    const wroteAt = noon - 30 * HOUR;
    const wrote = conversationOn(channel, wroteAt);
    const tagged = conversationReplyWindow(wrote, noon, TAG);
    expect(tagged).toEqual({ mode: 'human_agent', closesAt: wroteAt + HUMAN_AGENT_WINDOW_MS, remainingMs: wroteAt + HUMAN_AGENT_WINDOW_MS - noon });
    expect(mayWriteFreely(wrote, noon, TAG)).toBe(true);
    expect(mayWriteFreely(wrote, wroteAt + HUMAN_AGENT_WINDOW_MS - 1, TAG)).toBe(true);
    expect(conversationReplyWindow(wrote, wroteAt + HUMAN_AGENT_WINDOW_MS, TAG).mode).toBe('closed');
    expect(mayWriteFreely(wrote, wroteAt + HUMAN_AGENT_WINDOW_MS, TAG)).toBe(false);
  });

  it('R-CH-05 a customer who never wrote leaves the composer closed, tag or not; Telegram and the site chat have no window', () => {
    expect(mayWriteFreely(conversationOn('messenger', null), noon, TAG)).toBe(false);
    expect(mayWriteFreely(conversationOn('instagram', null), noon, NO_TAG)).toBe(false);
    expect(conversationReplyWindow(conversationOn('telegram', null), noon).mode).toBe('free');
    expect(mayWriteFreely(conversationOn('telegram', noon - 30 * 24 * HOUR), noon)).toBe(true);
    expect(mayWriteFreely(conversationOn('webchat', null), noon)).toBe(true);
  });

  it('R-CH-05 WhatsApp ignores the HUMAN_AGENT setting: closed at 24 h as before', () => {
    const wrote = conversationOn('whatsapp', noon - 30 * HOUR);
    expect(conversationReplyWindow(wrote, noon, TAG).mode).toBe('closed');
    expect(mayWriteFreely(wrote, noon, TAG)).toBe(false);
  });

  it('R-CH-05 the human-agent badge counts days and hours; the 24 h count keeps hours and minutes', () => {
    expect(timeLeft(5 * 24 * HOUR + 3 * HOUR + 59 * 60_000, true)).toEqual({ key: 'days', values: { d: 5, h: 3 } });
    expect(timeLeft(23 * HOUR + 10 * 60_000, true)).toEqual({ key: 'hours', values: { h: 23, m: 10 } });
    expect(timeLeft(24 * HOUR)).toEqual({ key: 'hours', values: { h: 24, m: 0 } });
  });

  it('R-CH-05 the live window changes mode at 24 h and closes at 7 days, following the account\'s setting', () => {
    vi.useFakeTimers({ now: noon });
    const scope = effectScope();
    try {
      const wroteAt = noon - STANDARD_WINDOW_MS + 60_000;
      const conversation = ref(conversationOn('messenger', wroteAt));
      const policy = ref(TAG);
      const modes: string[] = [];
      scope.run(() => {
        const window = useReplyWindow(conversation, (l) => l.key, () => policy.value);
        watch(window.mode, (mode) => modes.push(mode), { immediate: true, flush: 'sync' });
      });
      vi.advanceTimersByTime(61_000);
      expect(modes).toEqual(['standard', 'human_agent']);
      // The admin turns the tag off: the composer closes at once.
      policy.value = NO_TAG;
      expect(modes).toEqual(['standard', 'human_agent', 'closed']);
      policy.value = TAG;
      vi.setSystemTime(wroteAt + HUMAN_AGENT_WINDOW_MS);
      vi.advanceTimersByTime(1_000);
      expect(modes.at(-1)).toBe('closed');
    } finally {
      scope.stop();
      vi.useRealTimers();
    }
  });

  it('R-CH-05 a reply refused because the window closed shows the server\'s sentence, whatever its length', () => {
    const closed = { status: 409, code: REPLY_WINDOW_CLOSED, message: 'A janela de resposta do Instagram fechou: o cliente precisa escrever de novo.' };
    expect(refusalReason({ body: { text: 'Olá' }, error: closed }, 'instagram')).toEqual({ message: closed.message });
    expect(refusalReason({ body: { text: 'o'.repeat(1_500) }, error: closed }, 'instagram')).toEqual({ message: closed.message });
  });
});

describe('R-WS-04 R-CH-04 R-CH-05 each channel\'s text limit in the composer', () => {
  it('R-CH-05 Messenger counts against 2,000 and Instagram against 1,000; R-CH-04 Telegram against 4,096', () => {
    expect(CHANNEL_TEXT_MAX).toMatchObject({ messenger: 2000, instagram: 1000, telegram: 4096 });
    for (const channel of ['messenger', 'instagram', 'telegram'] as const) {
      const max = CHANNEL_TEXT_MAX[channel];
      expect(textLimit('x'.repeat(max), channel)).toMatchObject({ length: max, max, over: false, showCounter: true });
      expect(textLimit(`  ${'x'.repeat(max + 1)}  `, channel)).toMatchObject({ length: max + 1, max, over: true });
      expect(textLimit('Bom dia!', channel)).toMatchObject({ max, showCounter: false, over: false });
    }
    // 1,500 characters pass on Messenger and not on Instagram.
    expect(textLimit('x'.repeat(1_500), 'messenger').over).toBe(false);
    expect(textLimit('x'.repeat(1_500), 'instagram').over).toBe(true);
  });

  it('R-WS-04 the counter shows near each limit: 296 characters before it (as before on 4,096), a fifth of it on Instagram’s 1,000', () => {
    expect(counterFrom(4096)).toBe(3800);
    expect(counterFrom(2000)).toBe(1704);
    expect(counterFrom(1000)).toBe(800);
    expect(textLimit('x'.repeat(799), 'instagram').showCounter).toBe(false);
    expect(textLimit('x'.repeat(800), 'instagram').showCounter).toBe(true);
  });

  it('R-WS-04 a refusal for length names the channel\'s limit', () => {
    const refusal = { status: 400, code: 'text_too_long', message: 'O Instagram aceita até 1.000 caracteres por mensagem.' };
    expect(refusalReason({ body: { text: 'x'.repeat(1_001) }, error: refusal }, 'instagram')).toEqual({ key: 'tooLong', max: 1000 });
    expect(refusalReason({ body: { text: 'x'.repeat(2_001) }, error: refusal }, 'messenger')).toEqual({ key: 'tooLong', max: 2000 });
  });

  it.each(['telegram', 'messenger', 'instagram'] as const)('R-WS-04 %s takes one file per message: several files go as several messages, the text with the first', (channel) => {
    expect(replyParts(channel, 'segue', ['media:a', 'media:b'])).toEqual([
      { text: 'segue', mediaIds: ['media:a'] },
      { text: '', mediaIds: ['media:b'] },
    ]);
    expect(replyParts(channel, 'segue', ['media:a'])).toEqual([{ text: 'segue', mediaIds: ['media:a'] }]);
  });
});

type Shown = Pick<MessageDoc, 'kind' | 'text' | 'payload'>;
const message = (kind: MessageDoc['kind'], text: string, payload: MessageDoc['payload'] = {}): Shown => ({ kind, text, payload });

describe('R-CH-04 R-CH-05 what Telegram, Messenger and Instagram add to a message', () => {
  it('R-CH-04 an edited message is marked edited and keeps its earlier texts, oldest first', () => {
    const first = message('text', 'Pedido 123');
    const once = { ...first, ...withEdit(first, 'Pedido 1234', noon) };
    const twice = { ...once, ...withEdit(once, 'Pedido 12345', noon + 60_000) };
    expect(inboundMarks(first)).toMatchObject({ edited: false, previous: [] });
    expect(twice.text).toBe('Pedido 12345');
    expect(inboundMarks(twice)).toMatchObject({
      edited: true,
      previous: [{ text: 'Pedido 123', replacedAt: noon }, { text: 'Pedido 1234', replacedAt: noon + 60_000 }],
    });
    // An edit of a message never stored arrives with `editedAt` alone: still marked edited, nothing to show before.
    expect(inboundMarks(message('text', 'Oi', { editedAt: noon }))).toMatchObject({ edited: true, previous: [] });
  });

  it('R-CH-04 /start with a deep link\'s parameter becomes a chip; a bare /start stays text', () => {
    expect(inboundMarks(message('text', '/start promo-natal', { startParameter: 'promo-natal' })).startParameter).toBe('promo-natal');
    expect(inboundMarks(message('text', '/start')).startParameter).toBeNull();
    expect(messageContent(message('text', '/start promo-natal', { startParameter: 'promo-natal' }))).toEqual({ kind: 'text' });
  });

  it('R-CH-05 an Instagram story mention or reply is marked so, with its link only when it is http(s)', () => {
    expect(inboundMarks(message('image', '', { story: 'mention', storyUrl: 'https://lookaside.fbsbx.com/ig_messaging_cdn/?asset_id=1' })).story)
      .toEqual({ kind: 'mention', url: 'https://lookaside.fbsbx.com/ig_messaging_cdn/?asset_id=1' });
    expect(inboundMarks(message('text', 'Que lindo!', { story: 'reply', storyUrl: 'javascript:alert(1)' })).story).toEqual({ kind: 'reply', url: undefined });
    expect(inboundMarks(message('text', 'Oi', { story: 'other' })).story).toBeNull();
    expect(externalLink('file:///etc/passwd')).toBeUndefined();
    expect(externalLink('not a url')).toBeUndefined();
    expect(externalLink(null)).toBeUndefined();
  });

  it('R-CH-04 a file over the bot limit or refused for good says so instead of "a caminho"', () => {
    expect(inboundMarks(message('document', '', { mediaError: 'too_large' })).mediaError).toBe('too_large');
    expect(inboundMarks(message('image', 'foto', { mediaError: 'unavailable' })).mediaError).toBe('unavailable');
    expect(inboundMarks(message('image', '', { mediaError: 'lost' })).mediaError).toBeNull();
    expect(inboundMarks(message('image', '')).mediaError).toBeNull();
  });
});

import { describe, expect, it } from 'vitest';
import {
  CHANNEL_TEXT_MAX, channelTextLength, fitsChannelText, ONE_FILE_PER_MESSAGE, TOO_MANY_FILES, type ChannelKind, type MessageDoc,
} from '@atende/protocol';
import { replyParts } from '../src/components/composer/oneFilePerMessage';
import { refusalReason, textLimit } from '../src/components/composer/textLimit';
import { unreadCount } from '../src/components/conversation/readMarks';

/**
 * Issue 11: the composer counts text and splits files by the protocol's rules (the ones the
 * server refuses by), and shows the server's sentence for a reply with too many files.
 */
const CHANNELS: ChannelKind[] = ['webchat', 'whatsapp', 'telegram', 'messenger', 'instagram', 'reclameaqui'];

describe('R-WS-04 the composer counts and splits as the protocol does', () => {
  it('R-WS-04 the text limit agrees with channelTextLength / fitsChannelText on every channel, emoji and spaces included', () => {
    const samples = (max: number) => ['Bom dia!', `  ${'a'.repeat(max)}  `, 'a'.repeat(max + 1), `${'😀'.repeat(Math.floor(max / 2))}x`, '😀'.repeat(max / 2)];
    for (const channel of CHANNELS) {
      for (const text of samples(CHANNEL_TEXT_MAX[channel])) {
        expect(textLimit(text, channel)).toMatchObject({ length: channelTextLength(text), max: CHANNEL_TEXT_MAX[channel], over: !fitsChannelText(channel, text) });
      }
    }
  });

  it('R-WS-04 several files go one per message exactly on the protocol’s one-file channels', () => {
    for (const channel of CHANNELS) {
      const parts = replyParts(channel, 'segue', ['media:a', 'media:b']);
      expect(parts.length).toBe(ONE_FILE_PER_MESSAGE.has(channel) ? 2 : 1);
    }
  });

  it('R-WS-04 a 422 too_many_files shows the server’s sentence, even with a text over the limit', () => {
    const error = { status: 422, code: TOO_MANY_FILES, message: 'O Telegram envia um arquivo por mensagem: envie os arquivos separadamente.' };
    expect(refusalReason({ body: { text: 'segue' }, error }, 'telegram')).toEqual({ message: error.message });
    expect(refusalReason({ body: { text: 'x'.repeat(CHANNEL_TEXT_MAX.instagram + 1) }, error }, 'instagram')).toEqual({ message: error.message });
    // A refusal about the text itself still reads in the agent's language with the channel's limit.
    expect(refusalReason({ body: { text: 'x'.repeat(CHANNEL_TEXT_MAX.instagram + 1) }, error: { status: 422, code: 'text_too_long', message: '…' } }, 'instagram'))
      .toEqual({ key: 'tooLong', max: CHANNEL_TEXT_MAX.instagram });
  });
});

describe('R-WS-04 QA: unread badges and the agent’s own replies', () => {
  const at = (createdAt: number, direction: MessageDoc['direction']) => ({ createdAt, direction });

  it('R-WS-04 the agent’s replies never count as unread; only customer messages past the read mark do', () => {
    // The QA case: a Messenger conversation where, after the agent took it, only the agent wrote.
    const beforeTaking = [at(10, 'in'), at(20, 'in')];
    const afterTaking = [at(30, 'system'), at(40, 'out'), at(50, 'out')];
    expect(unreadCount(afterTaking, undefined)).toBe(0);
    // In a new browser session nothing is marked read on this machine yet: the 2 are the customer's earlier messages.
    expect(unreadCount([...beforeTaking, ...afterTaking], undefined)).toBe(2);
    expect(unreadCount([...beforeTaking, ...afterTaking], 20)).toBe(0);
  });
});

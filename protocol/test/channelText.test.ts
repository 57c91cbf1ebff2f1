import { describe, expect, it } from 'vitest';
import { CHANNEL_TEXT_MAX, channelTextLength, fitsChannelText, replyPolicyOf } from '../src/index.js';

describe('one count of a reply text per channel (composer, server, adapters)', () => {
  it('R-CH-05 the count is trimmed, so a trailing newline does not push a full text over the limit', () => {
    const full = 'a'.repeat(CHANNEL_TEXT_MAX.telegram);
    expect(channelTextLength(`${full}\n`)).toBe(4096);
    expect(fitsChannelText('telegram', `  ${full}\n`)).toBe(true);
    expect(fitsChannelText('telegram', `${full}b`)).toBe(false);
  });

  it('R-CH-05 the count is in UTF-16 units: an emoji counts 2, never fewer than upstream counts', () => {
    expect(channelTextLength('😀')).toBe(2);
    expect(fitsChannelText('instagram', '😀'.repeat(500))).toBe(true);
    expect(fitsChannelText('instagram', `${'😀'.repeat(500)}a`)).toBe(false);
    expect(fitsChannelText('messenger', 'a'.repeat(2001))).toBe(false);
  });
});

describe('replyPolicyOf', () => {
  it('R-CH-05 only humanAgentTag "on" lets replies go tagged HUMAN_AGENT', () => {
    expect(replyPolicyOf({ humanAgentTag: 'on' })).toEqual({ humanAgentTag: true });
    expect(replyPolicyOf({ humanAgentTag: 'off' })).toEqual({ humanAgentTag: false });
    expect(replyPolicyOf(undefined)).toEqual({ humanAgentTag: false });
  });
});

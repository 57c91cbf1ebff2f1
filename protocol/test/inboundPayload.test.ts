import { describe, expect, it } from 'vitest';
import { mediaErrorOf, previousTextsOf, startParameterOf, storyOf, withEdit } from '../src/index.js';

describe('inbound payload keys (R-CH-04, R-CH-05)', () => {
  it('R-CH-04 an edit keeps every earlier text in order; a redelivered or older edit changes nothing', () => {
    const original = { text: 'oi', payload: {} };
    const first = withEdit(original, 'olá', 2_000);
    expect(first).toEqual({ text: 'olá', payload: { 'previous.1': 'oi', 'previous.1.at': 2_000, editedAt: 2_000 } });
    const second = withEdit(first!, 'olá, tudo bem?', 3_000);
    expect(second?.text).toBe('olá, tudo bem?');
    expect(previousTextsOf(second!.payload)).toEqual([{ text: 'oi', replacedAt: 2_000 }, { text: 'olá', replacedAt: 3_000 }]);
    expect(withEdit(second!, 'outra', 3_000)).toBeNull();
    expect(withEdit(second!, 'antiga', 2_500)).toBeNull();
    expect(withEdit(original, 'oi', 5_000)).toBeNull();
  });

  it('R-CH-04 /start parameter, R-CH-05 stories and media errors are read only from well-formed values', () => {
    expect(startParameterOf({ startParameter: 'promo-7' })).toBe('promo-7');
    expect(startParameterOf({ startParameter: '' })).toBeNull();
    expect(storyOf({ story: 'mention', storyUrl: 'https://cdn.example/s.jpg' })).toEqual({ kind: 'mention', url: 'https://cdn.example/s.jpg' });
    expect(storyOf({ story: 'reply' })).toEqual({ kind: 'reply', url: null });
    expect(storyOf({ story: 'other' })).toBeNull();
    expect(mediaErrorOf({ mediaError: 'too_large' })).toBe('too_large');
    expect(mediaErrorOf({ mediaError: 'gone' })).toBeNull();
  });
});

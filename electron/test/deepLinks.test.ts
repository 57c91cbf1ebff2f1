import { describe, expect, it } from 'vitest';
import { findDeepLink, parseDeepLink } from '../src/main/deepLinks';

describe('R-DT-02 deep links', () => {
  it('opens a conversation by its key or its whole id', () => {
    expect(parseDeepLink('atende://conversation/01HXYZABC')).toEqual({ kind: 'conversation', id: 'conversation:01HXYZABC' });
    expect(parseDeepLink('atende://conversation/conversation:01HXYZABC')).toEqual({ kind: 'conversation', id: 'conversation:01HXYZABC' });
    expect(parseDeepLink('atende://conversation/demo-1/')).toEqual({ kind: 'conversation', id: 'conversation:demo-1' });
  });
  it('opens a contact', () => {
    expect(parseDeepLink('atende://contact/01HCONTACT')).toEqual({ kind: 'contact', id: 'contact:01HCONTACT' });
    expect(parseDeepLink('ATENDE://Contact/x_1.a@b')).toEqual({ kind: 'contact', id: 'contact:x_1.a@b' });
  });
  it.each([
    'atende://conversation/',
    'atende://conversation',
    'atende://conversations/1',
    'atende://settings/1',
    'atende://conversation/1/2',
    'atende://conversation/1?x=1',
    'atende://conversation/1#x',
    'atende://user@conversation/1',
    'atende:conversation/1',
    'atende:///conversation/1',
    'atende://conversation/contact:1',
    'atende://conversation/a b',
    `atende://conversation/${'a'.repeat(91)}`,
    ' atende://conversation/1',
  ])('refuses the malformed %s', (link) => {
    expect(parseDeepLink(link)).toBeUndefined();
  });
  it.each(['https://conversation/1', 'app://atende/conversation/1', 'file:///conversation/1', 'javascript:atende://conversation/1'])(
    'refuses other schemes: %s',
    (link) => {
      expect(parseDeepLink(link)).toBeUndefined();
    },
  );
  it.each(['atende://conversation/..', 'atende://conversation/.', 'atende://conversation/%2e%2e', 'atende://conversation/..%2f..%2fetc', 'atende://contact/../../x', 'atende://conversation/..\\x'])(
    'refuses traversal-like ids: %s',
    (link) => {
      expect(parseDeepLink(link)).toBeUndefined();
    },
  );
  it('finds the link among command-line switches', () => {
    const argv = ['C:\\Program Files\\Atende\\Atende.exe', '--allow-file-access-from-files', 'atende://contact/42'];
    expect(findDeepLink(argv)).toEqual({ kind: 'contact', id: 'contact:42' });
    expect(findDeepLink(['/usr/bin/atende', '--no-sandbox'])).toBeUndefined();
    expect(findDeepLink(['atende://nope/1', 'atende://conversation/7'])).toEqual({ kind: 'conversation', id: 'conversation:7' });
  });
});

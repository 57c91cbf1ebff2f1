import { describe, expect, it, vi } from 'vitest';
import type { MessageDoc } from '@atende/protocol';
import { attachmentView, formatCoordinate, mapLink, messageContent, quoteOf, QUOTE_MAX } from '../src/components/message/content';

// formatFileSize lives with the media fetcher, which imports the API client.
vi.mock('../src/net/api', () => ({ accessToken: async () => 'token', serverUrl: () => 'http://server', onSignedOut: () => () => undefined }));
const { formatFileSize } = await import('../src/net/media');

type Shown = Pick<MessageDoc, 'kind' | 'text' | 'payload'>;
const message = (kind: MessageDoc['kind'], text = '', payload: MessageDoc['payload'] = {}): Shown => ({ kind, text, payload });

/**
 * Every kind WhatsApp brings has its own rendering, chosen from the message's kind and the flat
 * payload the inbound adapter writes (sync-server/src/channels/whatsapp/inbound.ts).
 */
describe('R-CH-03 R-WS-02 message kind → what the transcript shows', () => {
  it('R-CH-03 media kinds show their files; plain text stays text', () => {
    for (const kind of ['image', 'audio', 'video', 'document', 'sticker'] as const) {
      expect(messageContent(message(kind, 'legenda'))).toEqual({ kind: 'media', media: kind });
    }
    expect(messageContent(message('text', 'Olá'))).toEqual({ kind: 'text' });
  });

  it('R-CH-03 a location carries its coordinates, name and address from the payload', () => {
    const shown = messageContent(message('location', 'Sé — Praça da Sé', { latitude: -23.55052, longitude: -46.633309, name: 'Sé', address: 'Praça da Sé' }));
    expect(shown).toEqual({ kind: 'location', latitude: -23.55052, longitude: -46.633309, name: 'Sé', address: 'Praça da Sé' });
    // A pin without a place: no name or address, coordinates still there; broken numbers are not coordinates.
    expect(messageContent(message('location', '', { latitude: 1, longitude: 'x' }))).toEqual({ kind: 'location', latitude: 1, longitude: undefined, name: '', address: '' });
  });

  it('R-CH-03 contact cards are the text lines, blank ones left out', () => {
    expect(messageContent(message('contacts', 'Ana +55 11 91234-5678\n\nBruno 5511988887777', { count: 2 }))).toEqual({
      kind: 'contacts', lines: ['Ana +55 11 91234-5678', 'Bruno 5511988887777'],
    });
  });

  it('R-CH-03 a reaction names its emoji and the message it answers; an empty emoji is a removed reaction', () => {
    expect(messageContent(message('reaction', '👍', { emoji: '👍', targetExternalId: 'wamid.1' }))).toEqual({ kind: 'reaction', emoji: '👍', targetExternalId: 'wamid.1' });
    expect(messageContent(message('reaction', '', { emoji: '' }))).toEqual({ kind: 'reaction', emoji: '', targetExternalId: undefined });
  });

  it('R-CH-03 interactive and button replies are marked as such, whatever WhatsApp called them', () => {
    expect(messageContent(message('text', 'Sim', { interactive: 'button_reply', replyId: 'yes' }))).toEqual({ kind: 'interactive', reply: 'button' });
    expect(messageContent(message('text', 'Sim', { interactive: 'button', replyId: 'yes' }))).toEqual({ kind: 'interactive', reply: 'button' });
    expect(messageContent(message('text', 'Boleto', { interactive: 'list_reply' }))).toEqual({ kind: 'interactive', reply: 'list' });
    expect(messageContent(message('text', 'Enviado', { interactive: null }))).toEqual({ kind: 'interactive', reply: 'other' });
  });

  it('R-WS-02 an unsupported message is shown as such with its upstream type and error code, never as plain text', () => {
    expect(messageContent(message('text', 'Mensagem de um tipo…', { unsupported: true, upstreamType: 'unsupported', errorCode: 131051 }))).toEqual({
      kind: 'unsupported', upstreamType: 'unsupported', errorCode: 131051,
    });
    expect(messageContent(message('text', '', { unsupported: true }))).toEqual({ kind: 'unsupported', upstreamType: '?', errorCode: undefined });
  });

  it('R-CH-03 a template keeps its name for the mark', () => {
    expect(messageContent(message('template', 'Olá Maria', { template: 'boas_vindas', language: 'pt_BR', 'body.1': 'Maria' }))).toEqual({ kind: 'template', name: 'boas_vindas' });
  });

  it('R-CH-03 a sticker message shows its picture as a sticker; other files by their own kind', () => {
    expect(attachmentView('sticker', { kind: 'image' })).toBe('sticker');
    expect(attachmentView('image', { kind: 'sticker' })).toBe('sticker');
    expect(attachmentView('image', { kind: 'image' })).toBe('picture');
    expect(attachmentView(undefined, { kind: 'image' })).toBe('picture');
    expect(attachmentView('document', { kind: 'document' })).toBe('document');
    expect(attachmentView('audio', { kind: 'audio' })).toBe('audio');
    expect(attachmentView('video', { kind: 'video' })).toBe('video');
  });
});

describe('R-CH-03 formats for cards and files', () => {
  it('R-CH-03 coordinates read in the user\'s number format (pt-BR decimal comma)', () => {
    expect(formatCoordinate(-23.55052, 'pt-BR')).toBe('-23,55052');
    expect(formatCoordinate(-46.6333094, 'pt-BR')).toBe('-46,633309');
    expect(formatCoordinate(-23.55052, 'en')).toBe('-23.55052');
    expect(formatCoordinate(10, 'pt-BR')).toBe('10,0');
  });

  it('R-CH-03 the map link centres OpenStreetMap on the point, in dot decimals, never an exponent', () => {
    expect(mapLink(-23.55052, -46.633309)).toBe('https://www.openstreetmap.org/?mlat=-23.55052&mlon=-46.633309#map=16/-23.55052/-46.633309');
    expect(mapLink(0.0000001, 10)).toBe('https://www.openstreetmap.org/?mlat=0&mlon=10#map=16/0/10');
    expect(mapLink(undefined, 10)).toBeUndefined();
    expect(mapLink(91, 0)).toBeUndefined();
    expect(mapLink(0, -181)).toBeUndefined();
  });

  it('R-CH-03 file sizes read as people say them', () => {
    expect(formatFileSize(512, 'pt-BR')).toBe('512 B');
    expect(formatFileSize(12 * 1024, 'pt-BR')).toBe('12 KB');
    expect(formatFileSize(3.4 * 1024 * 1024, 'pt-BR')).toBe('3,4 MB');
    expect(formatFileSize(3.4 * 1024 * 1024, 'en')).toBe('3.4 MB');
  });

  it('R-CH-03 a reacted-to message is quoted on one line, cut at a bound', () => {
    expect(quoteOf('Olá,\n  tudo bem?')).toBe('Olá, tudo bem?');
    const quoted = quoteOf('x'.repeat(200));
    expect(quoted).toHaveLength(QUOTE_MAX);
    expect(quoted.endsWith('…')).toBe(true);
  });
});

describe('messages older than their payload', () => {
  it('R-WS-02 a message stored before payload existed shows as its text (the long-history seed has none)', () => {
    const old = { kind: 'text', text: 'Mensagem antiga' } as unknown as Shown;
    expect(messageContent(old)).toMatchObject({ kind: 'text' });
  });
});

import { describe, expect, it } from 'vitest';
import {
  ChannelKind, checkFileForChannel, checkMedia, DomainError, MEDIA_LIMITS, MEDIA_MAX_BYTES, MEDIA_NAME_MAX, mediaKindOf, mimeTypeOfName, ONE_FILE_PER_MESSAGE, sanitizeMediaName,
} from '../src/index.js';

const MB = 1024 * 1024;

describe('media limits per channel', () => {
  it('R-CH-02 every channel has limits, and the server cap is the largest of them', () => {
    for (const channel of ChannelKind.options) {
      const limits = MEDIA_LIMITS[channel];
      expect(limits.mimeTypes.length).toBeGreaterThan(0);
      expect(limits.maxBytes).toBe(Math.max(...limits.rules.map((r) => r.maxBytes)));
    }
    expect(MEDIA_MAX_BYTES).toBe(100 * MB);
  });

  it('R-CH-02 WhatsApp caps pictures at 5 MB but documents at 100 MB', () => {
    expect(checkMedia('whatsapp', 'image/jpeg', 5 * MB)).toBeUndefined();
    const tooBig = checkMedia('whatsapp', 'image/jpeg', 5 * MB + 1);
    expect(tooBig).toBeInstanceOf(DomainError);
    expect(tooBig?.kind).toBe('too_large');
    expect(checkMedia('whatsapp', 'application/pdf', 90 * MB)).toBeUndefined();
    // issue 10: Meta sends JPEG and PNG as images; WebP only as a 512×512 sticker.
    expect(checkMedia('whatsapp', 'image/webp', 20 * 1024)?.kind).toBe('unsupported_type');
  });

  it('R-CH-02 a type the channel does not take is unsupported_type', () => {
    expect(checkMedia('reclameaqui', 'audio/mpeg', 1000)?.kind).toBe('unsupported_type');
    expect(checkMedia('webchat', 'application/x-msdownload', 10)?.kind).toBe('unsupported_type');
    expect(checkMedia('webchat', 'text/html', 10)?.kind).toBe('unsupported_type');
    expect(checkMedia('telegram', 'image/png', 10 * MB + 1)?.kind).toBe('too_large');
  });

  it('R-CH-02 Messenger takes images by URL up to 8 MB (Meta "Saving assets") and other files up to 25 MB', () => {
    expect(checkMedia('messenger', 'image/png', 8 * MB)).toBeUndefined();
    expect(checkMedia('messenger', 'image/gif', 8 * MB + 1)?.kind).toBe('too_large');
    expect(checkMedia('messenger', 'application/pdf', 25 * MB)).toBeUndefined();
    expect(checkMedia('messenger', 'video/mp4', 25 * MB + 1)?.kind).toBe('too_large');
  });

  it('R-CH-02 Instagram audio is aac, m4a, wav or mp4 only: an MP3 is refused', () => {
    expect(checkMedia('instagram', 'audio/mpeg', 1000)?.kind).toBe('unsupported_type');
    expect(checkMedia('instagram', 'audio/mp4', 1000)).toBeUndefined();
    expect(checkMedia('instagram', 'audio/wav', 25 * MB)).toBeUndefined();
  });

  it('R-CH-02 R-CH-07 WhatsApp, Telegram, Messenger, Instagram and Reclame Aqui (private messages) carry one file per message; the website chat several', () => {
    expect([...ONE_FILE_PER_MESSAGE].sort()).toEqual(['instagram', 'messenger', 'reclameaqui', 'telegram', 'whatsapp']);
    expect(ONE_FILE_PER_MESSAGE.has('webchat')).toBe(false);
  });

  it('R-CH-02 the kind follows the type', () => {
    expect(mediaKindOf('image/png')).toBe('image');
    expect(mediaKindOf('audio/ogg')).toBe('audio');
    expect(mediaKindOf('video/mp4')).toBe('video');
    expect(mediaKindOf('application/pdf')).toBe('document');
    expect(mediaKindOf('text/plain')).toBe('document');
  });
});

describe('checkFileForChannel (the composer, before uploading)', () => {
  it('R-WS-04 refuses by the browser-declared type and size, per channel', () => {
    expect(checkFileForChannel('webchat', { name: 'a.png', type: 'image/png', size: 20 * MB })).toBeUndefined();
    const big = checkFileForChannel('webchat', { name: 'a.png', type: 'image/png', size: 20 * MB + 1 });
    expect(big?.kind).toBe('too_large');
    expect(big?.extra).toMatchObject({ maxBytes: 20 * MB, channel: 'webchat' });
    expect(checkFileForChannel('whatsapp', { name: 'a.jpg', type: 'image/jpeg', size: 6 * MB })?.kind).toBe('too_large');
    expect(checkFileForChannel('whatsapp', { name: 'a.pdf', type: 'application/pdf', size: 6 * MB })).toBeUndefined();
    expect(checkFileForChannel('instagram', { name: 'a.pdf', type: 'application/pdf', size: 10 })?.kind).toBe('unsupported_type');
  });

  it('R-WS-04 an empty browser type is read from the extension; unknown ones are refused', () => {
    expect(mimeTypeOfName('Relatório.DOCX')).toBe('application/vnd.openxmlformats-officedocument.wordprocessingml.document');
    expect(mimeTypeOfName('sem-extensao')).toBeUndefined();
    expect(checkFileForChannel('webchat', { name: 'nota.txt', type: '', size: 10 })).toBeUndefined();
    expect(checkFileForChannel('webchat', { name: 'setup.exe', type: '', size: 10 })?.kind).toBe('unsupported_type');
    expect(checkFileForChannel('webchat', { name: 'a.txt', type: 'text/plain;charset=utf-8', size: 10 })).toBeUndefined();
  });
});

describe('sanitizeMediaName', () => {
  it('R-OPS-03 keeps only the last path segment and drops control and direction characters', () => {
    expect(sanitizeMediaName('C:\\Users\\ana\\foto.png', 'image/png')).toBe('foto.png');
    expect(sanitizeMediaName('../../etc/passwd', 'text/plain')).toBe('passwd.txt');
    expect(sanitizeMediaName('nota\u0000\r\n.pdf', 'application/pdf')).toBe('nota.pdf');
    // "fatura\u202Efdp.exe" displays as "fatura exe.pdf" in a right-to-left override.
    expect(sanitizeMediaName('fatura\u202Efdp.exe', 'application/pdf')).toBe('faturafdp.exe.pdf');
  });

  it('R-OPS-03 gives the name an extension matching the real type', () => {
    expect(sanitizeMediaName('notas.txt', 'image/png')).toBe('notas.txt.png');
    expect(sanitizeMediaName('FOTO.JPEG', 'image/jpeg')).toBe('FOTO.JPEG');
    expect(sanitizeMediaName('', 'application/pdf')).toBe('arquivo.pdf');
    expect(sanitizeMediaName('...', 'image/png')).toBe('arquivo.png');
    expect(sanitizeMediaName('dados', 'application/octet-stream')).toBe('dados');
  });

  it('R-OPS-03 is at most 255 characters and never splits a character', () => {
    const long = sanitizeMediaName(`${'ação😀'.repeat(100)}.pdf`, 'application/pdf');
    expect(long.length).toBeLessThanOrEqual(MEDIA_NAME_MAX);
    expect(long.endsWith('.pdf')).toBe(true);
    expect(long).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])/);
    const wrongType = sanitizeMediaName('x'.repeat(300), 'image/png');
    expect(wrongType.length).toBe(MEDIA_NAME_MAX);
    expect(wrongType.endsWith('.png')).toBe(true);
  });
});

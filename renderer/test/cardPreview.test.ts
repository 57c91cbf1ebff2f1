import { describe, expect, it } from 'vitest';
import { createI18n } from 'vue-i18n';
import type { Attachment, MessageDoc } from '@atende/protocol';
import { kindPreview } from '../src/components/conversation/preview';
import en from '../src/i18n/locales/en.json';
import ptBR from '../src/i18n/locales/pt-BR.json';

/** Issue 10 QA defect 4: a card whose last message has no text names the message's kind. */
const file = (kind: Attachment['kind'], name = ''): Attachment => ({ mediaId: 'media:01', name, mimeType: 'x/y', size: 1, kind, thumbnail: false });
const message = (kind: MessageDoc['kind'], attachments: Attachment[] = [], payload: MessageDoc['payload'] = {}) => ({ kind, attachments, payload });

const i18n = createI18n({ legacy: false, locale: 'pt-BR', messages: { 'pt-BR': ptBR, en } });
const { t } = i18n.global;
const shown = (m: ReturnType<typeof message>, locale: 'pt-BR' | 'en' = 'pt-BR') => {
  i18n.global.locale.value = locale;
  const preview = kindPreview(m);
  return preview ? t(`preview.${preview.key}`, preview.values ?? {}) : null;
};

describe('R-WS-02 the card’s last-message line for a message without text', () => {
  it('R-WS-02 names each WhatsApp kind in the agent’s language', () => {
    expect(shown(message('image', [file('image')]))).toBe('Foto');
    expect(shown(message('image', [file('image')]), 'en')).toBe('Photo');
    expect(shown(message('audio'))).toBe('Áudio');
    expect(shown(message('video'))).toBe('Vídeo');
    expect(shown(message('sticker'))).toBe('Figurinha');
    expect(shown(message('location'))).toBe('Localização');
    expect(shown(message('contacts'))).toBe('Contato');
  });

  it('R-WS-02 a document and a template carry their name when they have one', () => {
    expect(shown(message('document', [file('document', 'nota.pdf')]))).toBe('Documento: nota.pdf');
    // Before its file is fetched, WhatsApp's filename is in the payload.
    expect(shown(message('document', [], { filename: 'boleto.pdf' }))).toBe('Documento: boleto.pdf');
    expect(shown(message('document'))).toBe('Documento');
    expect(shown(message('template', [], { template: 'boas_vindas' }))).toBe('Template: boas_vindas');
  });

  it('R-WS-02 a file sent as a text message is named by the file’s kind; plain text names nothing', () => {
    expect(shown(message('text', [file('image', '')]))).toBe('Foto');
    expect(shown(message('text'))).toBeNull();
    expect(shown(message('event'))).toBeNull();
  });
});

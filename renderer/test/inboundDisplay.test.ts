import { describe, expect, it } from 'vitest';
import { createI18n } from 'vue-i18n';
import { DELETED, withEdit, type Attachment, type MessageDoc } from '@atende/protocol';
import { kindPreview } from '../src/components/conversation/preview';
import { inboundMarks, textPart } from '../src/components/message/inbound';
import ptBR from '../src/i18n/locales/pt-BR.json';

/**
 * Issue 11 fixes on the transcript: an Instagram unsend (the message emptied, `deleted: true`, its
 * text kept in the edit history), a story mention kept as its link only (no file, empty text), and
 * an edited caption whose earlier version had no text.
 */
const noon = Date.UTC(2026, 10, 28, 15, 0, 0);
type Shown = Pick<MessageDoc, 'kind' | 'text' | 'payload' | 'attachments'>;
const message = (kind: MessageDoc['kind'], text: string, payload: MessageDoc['payload'] = {}, attachments: Attachment[] = []): Shown =>
  ({ kind, text, payload, attachments });
const file: Attachment = { mediaId: 'media:01', name: 'nota.pdf', mimeType: 'application/pdf', size: 1, kind: 'document', thumbnail: false };
/** What MessageBody passes for a message shown as text (not a location, card, reaction or notice), files as given. */
const partOf = (m: Shown, pending = false) => textPart(m, inboundMarks(m), { ownKind: false, files: m.attachments.length, pending });

const i18n = createI18n({ legacy: false, locale: 'pt-BR', messages: { 'pt-BR': ptBR } });
const { t } = i18n.global;

/** The server's unsend (sync-server/src/conversations/upstreamUpdates.ts applyEdit): an edit to '' marked deleted. */
function unsent(m: Shown, at: number): Shown {
  const edited = withEdit(m, '', at);
  if (!edited) throw new Error('not an edit');
  return { ...m, ...edited, payload: { ...edited.payload, [DELETED]: true } };
}

describe('R-CH-05 an Instagram message the customer took back (unsend)', () => {
  it('R-CH-05 shows "Mensagem apagada pelo cliente" in place of the text, the earlier text behind the history control', () => {
    const original = message('text', 'Meu CPF é 123', { sentAt: noon });
    const taken = unsent(original, noon + 60_000);
    expect(partOf(original)).toBe('text');
    expect(partOf(taken)).toBe('deleted');
    expect(inboundMarks(taken)).toMatchObject({ deleted: true, edited: true, previous: [{ text: 'Meu CPF é 123', replacedAt: noon + 60_000, empty: false }] });
    expect(t('inbound.deleted')).toBe('Mensagem apagada pelo cliente');
    // The card's line names it too (the server's lastPreview is now empty).
    expect(kindPreview(taken)).toEqual({ key: 'deleted' });
  });

  it('R-CH-05 an unsent file says it was taken back instead of hiding behind its file (no empty or stale text)', () => {
    const taken = unsent(message('document', 'segue a nota', {}, [file]), noon);
    expect(partOf(taken)).toBe('deleted');
    expect(partOf(message('document', 'segue a nota', {}, [file]))).toBe('text');
  });
});

describe('R-CH-05 an Instagram story mention arrives as its link only (Meta forbids storing story media)', () => {
  const mention = message('text', '', { story: 'mention', storyUrl: 'https://lookaside.fbsbx.com/ig_messaging_cdn/?asset_id=1' });

  it('R-CH-05 shows the mark and "Abrir o story", with no empty bubble', () => {
    expect(inboundMarks(mention).story).toEqual({ kind: 'mention', url: 'https://lookaside.fbsbx.com/ig_messaging_cdn/?asset_id=1' });
    expect(partOf(mention)).toBe('none');
    expect(t('inbound.story.mention')).toBe('Mencionou você no story');
    expect(t('inbound.openStory')).toBe('Abrir o story');
    // Words the customer wrote with their story reply still show.
    expect(partOf(message('text', 'Que lindo!', { story: 'reply', storyUrl: 'https://example.com/s' }))).toBe('text');
    // A plain empty message keeps its bubble (nothing else would say it is there).
    expect(partOf(message('text', ''))).toBe('text');
  });

  it('R-CH-05 the card names a story mention, not an empty line', () => {
    expect(kindPreview(mention)).toEqual({ key: 'storyMention' });
    expect(t('preview.storyMention')).toBe('Mencionou você no story');
    expect(kindPreview(message('text', '', { story: 'reply' }))).toEqual({ key: 'storyReply' });
  });
});

describe('R-CH-04 an edited caption whose earlier version had no text', () => {
  it('R-CH-04 the history shows "(sem texto)" for the empty earlier version, not a blank line', () => {
    const document = message('document', '', {}, [file]);
    const captioned = { ...document, ...withEdit(document, 'Nota fiscal de outubro', noon) };
    expect(inboundMarks(captioned).previous).toEqual([{ text: '', replacedAt: noon, empty: true }]);
    const recaptioned = { ...captioned, ...withEdit(captioned, 'Nota de novembro', noon + 1) };
    expect(inboundMarks(recaptioned).previous.map((v) => v.empty)).toEqual([true, false]);
    expect(t('inbound.noText')).toBe('(sem texto)');
  });
});

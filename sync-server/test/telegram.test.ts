import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mediaErrorOf, previousTextsOf, startParameterOf, type MessageDoc } from '@atende/protocol';
import { TELEGRAM_UNSUPPORTED_TEXT } from '../src/channels/telegram/inbound.js';
import {
  tgAudioUpdate, tgContactUpdate, tgDocumentUpdate, tgEditUpdate, tgLocationUpdate, tgMessageUpdate, tgPhotoUpdate,
  tgStartUpdate, tgStickerUpdate, tgTextUpdate, tgVideoUpdate, tgVoiceUpdate,
} from '../src/channels/telegram/simulator/updates.js';
import { messagesWith } from './helpers.js';
import { externalIdOf, newCustomer, PDF, PNG, receive, startTelegramRig, type TelegramRig } from './telegramSetup.js';

/**
 * The Telegram channel's inbound side (issue 11) through the real server: the fake Bot API
 * (fakeBotApi.ts) delivers updates to the webhook the account registered, with its secret header.
 */
let rig: TelegramRig;
beforeAll(async () => {
  rig = await startTelegramRig();
});
afterAll(async () => rig.close());

const countMessages = async () => (await rig.server.store.find({ selector: { type: 'message' }, limit: 100_000 })).filter((m) => m.direction !== 'system').length;
const reread = async (id: string) => (await rig.server.store.get(id)) as unknown as MessageDoc;

describe('R-CH-04 Telegram webhook authenticity', () => {
  it('R-CH-04 a delivery with our secret header is stored; a wrong or missing one is 401 and nothing is stored', async () => {
    const customer = newCustomer();
    const before = await countMessages();
    const wrong = await rig.bot.deliverOnce(tgTextUpdate(customer, 'segredo errado'), 'not-our-secret-0123456789');
    expect(wrong.status).toBe(401);
    const missing = await rig.bot.deliverOnce(tgTextUpdate(customer, 'sem segredo'), null);
    expect(missing.status).toBe(401);
    expect(await countMessages()).toBe(before);
    const good = tgTextUpdate(customer, 'Olá, preciso de ajuda');
    expect((await rig.bot.deliverOnce(good)).status).toBe(200);
    expect(await messagesWith(rig.server, externalIdOf(good))).toHaveLength(1);
  });

  it('R-CH-11 the same update delivered three times is one message', async () => {
    const update = tgTextUpdate(newCustomer(), 'Repetida');
    for (let i = 0; i < 3; i++) expect(await rig.bot.deliver(update)).toBe(true);
    expect(await messagesWith(rig.server, externalIdOf(update))).toHaveLength(1);
  });

  it('R-CH-04 group chats and bots are acknowledged and ignored', async () => {
    const before = await countMessages();
    const customer = newCustomer();
    expect(await rig.bot.deliver(tgTextUpdate(customer, 'no grupo', { chat: { id: -100123, type: 'supergroup', title: 'Grupo' } }))).toBe(true);
    expect(await rig.bot.deliver(tgMessageUpdate({ ...customer, is_bot: true }, { text: 'sou um bot' }))).toBe(true);
    expect(await countMessages()).toBe(before);
  });
});

describe('R-CH-04 Telegram inbound message kinds', () => {
  it('R-CH-04 text: the contact is the private chat, named by first and last name', async () => {
    const customer = newCustomer('Bruna', 'Lima');
    const stored = await receive(rig, tgTextUpdate(customer, 'Oi!'));
    expect(stored).toMatchObject({ kind: 'text', text: 'Oi!', authorName: 'Bruna Lima', direction: 'in' });
    const contacts = await rig.server.store.find({ selector: { type: 'contact' }, limit: 100_000 });
    expect(contacts.filter((c) => (c.addresses as Record<string, string>).telegram === String(customer.id))).toHaveLength(1);
  });

  it('R-CH-04 photo (largest size downloaded), document, voice, audio and video arrive with their files', async () => {
    const customer = newCustomer();
    const photo = rig.bot.addFile(PNG, 'image/png');
    const doc = rig.bot.addFile(PDF, 'application/pdf', 'contrato.pdf');
    const voice = rig.bot.addFile(Buffer.from('OggS-voice'), 'audio/ogg');
    const audio = rig.bot.addFile(Buffer.from('ID3-audio'), 'audio/mpeg', 'musica.mp3');
    const video = rig.bot.addFile(Buffer.from('mp4-video'), 'video/mp4');
    const cases = [
      { update: tgPhotoUpdate(customer, photo, 'minha foto'), kind: 'image', text: 'minha foto', size: PNG.length },
      { update: tgDocumentUpdate(customer, doc, 'o contrato'), kind: 'document', text: 'o contrato', size: PDF.length },
      { update: tgVoiceUpdate(customer, voice), kind: 'audio', text: '', size: 10 },
      { update: tgAudioUpdate(customer, audio, 'Música'), kind: 'audio', text: '', size: 9 },
      { update: tgVideoUpdate(customer, video, 'vídeo'), kind: 'video', text: 'vídeo', size: 9 },
    ];
    const ids: string[] = [];
    for (const c of cases) {
      const stored = await receive(rig, c.update);
      expect([stored.kind, stored.text]).toEqual([c.kind, c.text]);
      ids.push(stored.id);
    }
    await rig.server.jobs.idle();
    for (const [i, id] of ids.entries()) {
      const message = await reread(id);
      expect(message.attachments.map((a) => a.size)).toEqual([cases[i]?.size]);
    }
    expect((await reread(ids[1] ?? '')).attachments[0]?.name).toBe('contrato.pdf');
    // The thumbnail (first size) is never asked for: only the largest.
    const asked = rig.bot.calls.filter((c) => c.method === 'getFile').map((c) => c.params.file_id);
    expect(asked).toContain(photo.file_id);
    expect(asked).not.toContain(`${photo.file_id}-thumb`);
  });

  it('R-CH-04 location and contact cards; an unknown kind (sticker) is kept with a marker', async () => {
    const customer = newCustomer();
    const location = await receive(rig, tgLocationUpdate(customer, -23.55, -46.63));
    expect(location).toMatchObject({ kind: 'location', payload: { latitude: -23.55, longitude: -46.63 } });
    const card = await receive(rig, tgContactUpdate(customer, { phone_number: '+5511999990000', first_name: 'Carlos', last_name: 'Dias' }));
    expect(card).toMatchObject({ kind: 'contacts', text: 'Carlos Dias +5511999990000' });
    const sticker = await receive(rig, tgStickerUpdate(customer));
    expect(sticker).toMatchObject({ kind: 'text', text: TELEGRAM_UNSUPPORTED_TEXT, payload: { unsupported: true, upstreamType: 'sticker' } });
  });

  it('R-CH-04 /start with a deep-link parameter keeps the parameter; plain /start is a message without one', async () => {
    const customer = newCustomer();
    const withParameter = await receive(rig, tgStartUpdate(customer, 'pedido-4521'));
    expect(withParameter.text).toBe('/start pedido-4521');
    expect(startParameterOf(withParameter.payload)).toBe('pedido-4521');
    const plain = await receive(rig, tgStartUpdate(customer));
    expect([plain.text, startParameterOf(plain.payload)]).toEqual(['/start', null]);
  });

  it('R-CH-04 a file over 20 MB is announced as too large, with no download', async () => {
    const customer = newCustomer();
    const big = rig.bot.addFile(Buffer.alloc(0), 'video/mp4', 'grande.mp4', 25 * 1024 * 1024);
    const getFiles = rig.bot.calls.filter((c) => c.method === 'getFile').length;
    const stored = await receive(rig, tgVideoUpdate(customer, big, 'vídeo grande'));
    await rig.server.jobs.idle();
    const message = await reread(stored.id);
    expect([message.attachments, mediaErrorOf(message.payload), message.text]).toEqual([[], 'too_large', 'vídeo grande']);
    expect(rig.bot.calls.filter((c) => c.method === 'getFile')).toHaveLength(getFiles);
  });

  it('R-CH-04 a file the update does not size but getFile refuses as too big ends as too large', async () => {
    const big = rig.bot.addFile(Buffer.alloc(0), 'application/pdf', 'enorme.pdf', 30 * 1024 * 1024);
    const update = tgMessageUpdate(newCustomer(), { document: { file_id: big.file_id, file_unique_id: big.file_unique_id, file_name: 'enorme.pdf', mime_type: 'application/pdf' } });
    const stored = await receive(rig, update);
    await rig.server.jobs.idle();
    const message = await reread(stored.id);
    expect([message.attachments, mediaErrorOf(message.payload)]).toEqual([[], 'too_large']);
  });
});

describe('R-CH-04 Telegram edited messages', () => {
  it('R-CH-04 an edit shows the new text, keeps the old one as history, and a redelivery changes nothing', async () => {
    const customer = newCustomer();
    const original = tgTextUpdate(customer, 'Meu pedido é 123');
    const stored = await receive(rig, original);
    const editDate = Math.floor(Date.now() / 1000) + 5;
    const edit = tgEditUpdate(customer, original.message.message_id, 'Meu pedido é 124', { editDate });
    expect(await rig.bot.deliver(edit)).toBe(true);
    expect(await rig.bot.deliver(edit)).toBe(true);
    const edited = await reread(stored.id);
    expect(edited.text).toBe('Meu pedido é 124');
    expect(edited.payload.editedAt).toBe(editDate * 1000);
    expect(previousTextsOf(edited.payload)).toEqual([{ text: 'Meu pedido é 123', replacedAt: editDate * 1000 }]);
    expect(await messagesWith(rig.server, externalIdOf(original))).toHaveLength(1);
  });
});

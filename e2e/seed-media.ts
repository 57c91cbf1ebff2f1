/**
 * Seeds one waiting WhatsApp conversation holding a message of every kind WhatsApp brings, shaped
 * as the inbound adapter stores them (sync-server/src/channels/whatsapp/inbound.ts), with real
 * stored files, straight into an embedded store folder before the server starts on it:
 * `node --import tsx e2e/seed-media.ts <dataDir>`.
 */
import type { Attachment, MessageDoc } from '@atende/protocol';
import { MediaService } from '../sync-server/src/media/service.js';
import { UNSUPPORTED_TEXT } from '../sync-server/src/channels/whatsapp/inbound.js';
import { EmbeddedStore } from '../sync-server/src/store/embedded.js';

const MEDIA_CONVERSATION = 'conversation:media-kinds';
/** The 1×1 PNG of e2e/files.ts (not imported: that module needs the Playwright runner). */
const PIXEL_PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==', 'base64');
const TINY_PDF = Buffer.from('%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n', 'latin1');

/** A tenth of a second of 8 kHz mono silence: a WAV the sniffer and the browser both accept. */
function silentWav(): Buffer {
  const samples = 800;
  const wav = Buffer.alloc(44 + samples);
  wav.write('RIFF', 0); wav.writeUInt32LE(36 + samples, 4); wav.write('WAVE', 8);
  wav.write('fmt ', 12); wav.writeUInt32LE(16, 16); wav.writeUInt16LE(1, 20); wav.writeUInt16LE(1, 22);
  wav.writeUInt32LE(8000, 24); wav.writeUInt32LE(8000, 28); wav.writeUInt16LE(1, 32); wav.writeUInt16LE(8, 34);
  wav.write('data', 36); wav.writeUInt32LE(samples, 40); wav.fill(128, 44);
  return wav;
}

const [dataDir] = process.argv.slice(2);
if (!dataDir) {
  console.error('usage: seed-media.ts <dataDir>');
  process.exit(2);
}

const store = new EmbeddedStore(dataDir);
const media = new MediaService(store);
const customer = 'contact:maria';
const stored = (filename: string, bytes: Buffer, kind?: Attachment['kind']): Promise<Attachment> =>
  media.upload({ bytes, filename, channel: 'whatsapp', uploadedBy: customer, conversationId: MEDIA_CONVERSATION, kind }, 'any');

const start = Date.now() - 60_000;
let n = 0;
type Seeded = Pick<MessageDoc, 'kind' | 'text'> & Partial<Pick<MessageDoc, 'attachments' | 'payload' | 'externalId' | 'direction'>>;
function message(m: Seeded) {
  n++;
  const at = start + n * 1000;
  const out = m.direction === 'out';
  return {
    _id: `message:media-${String(n).padStart(2, '0')}`, type: 'message', createdAt: at, updatedAt: at,
    conversationId: MEDIA_CONVERSATION, teamId: 'team:suporte', formerTeamIds: [], direction: out ? 'out' : 'in',
    authorId: out ? 'user:bruno' : customer, authorName: out ? 'Bruno Lima' : 'Maria Oliveira',
    attachments: [], visibility: 'public', status: out ? 'read' : 'delivered', error: null, externalId: `wamid.seed-${n}`,
    ...m, payload: { sentAt: at, ...m.payload },
  };
}

const messages = [
  message({ kind: 'text', text: 'Bom dia! Posso ajudar?', direction: 'out', externalId: 'wamid.greeting' }),
  message({ kind: 'image', text: 'Foto do produto', attachments: [await stored('produto.png', PIXEL_PNG)] }),
  message({ kind: 'audio', text: '', attachments: [await stored('voz.wav', silentWav())] }),
  // Bytes no sniffer knows, kept as the kind WhatsApp said (an inbound file is never refused).
  message({ kind: 'video', text: '', attachments: [await stored('clipe.mp4', Buffer.from('not really a video'), 'video')] }),
  message({ kind: 'document', text: '', attachments: [await stored('boleto.pdf', TINY_PDF)], payload: { filename: 'boleto.pdf' } }),
  // WhatsApp stickers are WebP pictures: the file is an image, the message says sticker.
  message({ kind: 'sticker', text: '', attachments: [await stored('figurinha.png', PIXEL_PNG)] }),
  message({
    kind: 'location', text: 'Catedral da Sé — Praça da Sé, São Paulo',
    payload: { latitude: -23.55052, longitude: -46.633309, name: 'Catedral da Sé', address: 'Praça da Sé, São Paulo' },
  }),
  message({ kind: 'contacts', text: 'Joana Prado +55 11 91234-5678', payload: { count: 1 } }),
  message({ kind: 'reaction', text: '👍', payload: { emoji: '👍', targetExternalId: 'wamid.greeting' } }),
  message({ kind: 'text', text: 'Sim, quero', payload: { interactive: 'button_reply', replyId: 'yes' } }),
  message({ kind: 'text', text: UNSUPPORTED_TEXT, payload: { unsupported: true, upstreamType: 'unsupported', errorCode: 131051 } }),
  message({
    kind: 'template', text: 'Olá Maria, seu pedido 123 saiu para entrega.', direction: 'out',
    payload: { template: 'pedido_enviado', language: 'pt_BR', 'body.1': 'Maria', 'body.2': '123' },
  }),
  // Its file is still being downloaded from WhatsApp.
  message({ kind: 'image', text: '' }),
];
const last = start + n * 1000;
const results = await store.bulkWrite([
  {
    _id: MEDIA_CONVERSATION, type: 'conversation', createdAt: start, updatedAt: last, contactId: customer,
    channel: 'whatsapp', channelAccountId: 'channel:whatsapp-seed', teamId: 'team:suporte', formerTeamIds: [], status: 'waiting',
    agentId: null, invitedAgentIds: [], protocol: '20261128-900010', startedBy: 'customer', waitingSince: start, takenAt: null,
    finishedAt: null, finishedBy: null, lastInboundAt: last, lastMessageAt: last, lastPreview: 'Todos os tipos do WhatsApp',
    disposition: null, finishNote: '', tags: [], transfers: [], ticketLinks: [], channelMeta: { customerWroteAt: String(last) },
  },
  ...messages,
]);
if (results.some((r) => !r.ok)) throw new Error(`seed failed: ${JSON.stringify(results.filter((r) => !r.ok))}`);
await store.close();

import { performance } from 'node:perf_hooks';
import { ContactDoc, ConversationDoc, MessageDoc } from '@atende/protocol';
import type { StoredDoc } from '../sync-server/src/store/index.js';
import { toStored } from '../sync-server/src/store/wire.js';
import type { BenchServer } from './server.js';

/**
 * The renderer benchmark's data set (issue 3, point 6): waiting conversations of team:suporte,
 * each with a few customer messages, sharing a pool of contacts. Written straight into the
 * store with `bulkWrite` (not over HTTP), contacts first, then conversations, then messages.
 */
export interface Workload {
  conversations: number;
  messagesPerConversation: number;
  contacts: number;
  /** 'waiting' for the benchmark; other values are for diagnosis (e.g. nothing to render). */
  status?: ConversationDoc['status'];
}

export const WORKLOAD: Workload = { conversations: 5_000, messagesPerConversation: 10, contacts: 500 };

const BATCH = 1_000;
const TEAM = 'team:suporte';
const ACCOUNT = 'channel:demo-site';
/** Every seeded id carries this prefix, so the page can count exactly these documents. */
export const PREFIX = 'bench-';

const pad = (n: number, width: number) => String(n).padStart(width, '0');
export const contactId = (c: number) => `contact:${PREFIX}${pad(c, 4)}`;
export const conversationId = (i: number) => `conversation:${PREFIX}${pad(i, 5)}`;
const messageId = (i: number, k: number) => `message:${PREFIX}${pad(i, 5)}-${pad(k, 2)}`;
const contactName = (c: number) => `Cliente Benchmark ${pad(c, 4)}`;

const TEXTS = [
  'Olá, boa tarde! Fiz um pedido na semana passada e ainda não recebi.',
  'O número do pedido é 4815162342, comprei pelo site.',
  'O rastreamento mostra que está parado no centro de distribuição.',
  'Vocês conseguem verificar se houve algum problema na entrega?',
  'Preciso do produto até sexta-feira, é um presente de aniversário.',
  'Também queria saber se posso trocar o endereço de entrega.',
  'Meu novo endereço é Rua das Flores, 123, apartamento 45.',
  'Se não for possível, prefiro cancelar e receber o reembolso.',
  'Aguardo retorno, obrigado pela atenção.',
  'Alguém pode me atender, por favor?',
];

function contact(c: number, t: number): ContactDoc {
  return {
    id: contactId(c), type: 'contact', createdAt: t, updatedAt: t, name: contactName(c),
    email: `cliente${pad(c, 4)}@example.com`, addresses: { whatsapp: `55119${pad(c, 8)}` }, customFields: {}, teamIds: [TEAM],
  };
}

/** Conversation `i` waits since `t + i` seconds, so the waiting list has a stable order. */
function conversation(i: number, w: Workload, t: number): ConversationDoc {
  const started = t + i * 1000;
  const last = started + (w.messagesPerConversation - 1) * 10;
  return {
    id: conversationId(i), type: 'conversation', createdAt: started, updatedAt: last,
    contactId: contactId(i % w.contacts), channel: 'webchat', channelAccountId: ACCOUNT, teamId: TEAM,
    formerTeamIds: [], status: w.status ?? 'waiting', agentId: null, invitedAgentIds: [],
    protocol: `20261121-${pad(i + 1, 6)}`, startedBy: 'customer', waitingSince: started, takenAt: null,
    finishedAt: null, finishedBy: null, lastInboundAt: last, lastMessageAt: last,
    lastPreview: TEXTS[(w.messagesPerConversation - 1) % TEXTS.length] ?? '', disposition: null, finishNote: '',
    tags: [], transfers: [], ticketLinks: [], channelMeta: {},
  };
}

function message(i: number, k: number, w: Workload, t: number): MessageDoc {
  const at = t + i * 1000 + k * 10;
  const c = i % w.contacts;
  return {
    id: messageId(i, k), type: 'message', createdAt: at, updatedAt: at, conversationId: conversationId(i),
    teamId: TEAM, formerTeamIds: [], direction: 'in', authorId: contactId(c), authorName: contactName(c),
    kind: 'text', text: TEXTS[k % TEXTS.length] ?? '', attachments: [], visibility: 'public', status: 'delivered',
    error: null, externalId: `${PREFIX}${pad(i, 5)}-${pad(k, 2)}`, payload: {},
  };
}

async function write(server: BenchServer, docs: StoredDoc[]): Promise<void> {
  for (let from = 0; from < docs.length; from += BATCH) {
    const results = await server.store.bulkWrite(docs.slice(from, from + BATCH));
    const failed = results.filter((r) => !r.ok);
    if (failed.length > 0) throw new Error(`seed: ${failed.length} writes failed, e.g. ${JSON.stringify(failed[0])}`);
  }
}

export interface SeedResult {
  contacts: number;
  conversations: number;
  messages: number;
  writeMs: number;
}

/** Writes the workload; every document is checked against the protocol's schema first. */
export async function seedWorkload(server: BenchServer, w: Workload = WORKLOAD): Promise<SeedResult> {
  // In the past, so every "waiting for" time is positive and the data predates the sign-in.
  const t = Date.now() - (w.conversations + 3600) * 1000;
  const contacts = Array.from({ length: w.contacts }, (_, c) => ContactDoc.parse(contact(c, t)));
  const conversations = Array.from({ length: w.conversations }, (_, i) => ConversationDoc.parse(conversation(i, w, t)));
  const started = performance.now();
  await write(server, contacts.map((d) => toStored(d)));
  await write(server, conversations.map((d) => toStored(d)));
  let messages = 0;
  // Messages are built batch by batch: 50,000 parsed documents at once are not needed in memory.
  const perBatch = Math.max(1, Math.floor(BATCH / w.messagesPerConversation));
  for (let from = 0; from < w.conversations; from += perBatch) {
    const docs: StoredDoc[] = [];
    for (let i = from; i < Math.min(w.conversations, from + perBatch); i++) {
      for (let k = 0; k < w.messagesPerConversation; k++) docs.push(toStored(MessageDoc.parse(message(i, k, w, t))));
    }
    await write(server, docs);
    messages += docs.length;
  }
  return {
    contacts: contacts.length, conversations: conversations.length, messages,
    writeMs: Math.round(performance.now() - started),
  };
}

import type { ConversationDoc, MessageDoc } from '@atende/protocol';
import type { DocStore } from '../src/store/index.js';
import { toStored } from '../src/store/wire.js';

/**
 * The reports' known data set (R-RT-06), written straight into the store. Dates are in 2025, far
 * from the demo's recent history. Local midnight of 2025-03-10 in America/Sao_Paulo (UTC−3, no
 * DST since 2019) is 03:00 UTC.
 */
export const DAY = '2025-03-10';
export const T0 = Date.parse('2025-03-10T03:00:00Z');
const S = 1000;
const H = 3_600_000;

export const NAMES = {
  teams: [['team:suporte', 'Suporte', false], ['team:comercial', 'Comercial', true]] as const,
  users: [['user:ana', 'Ana Souza', true], ['user:bruno', 'Bruno Lima', false]] as const,
  dispositions: [['disposition:rt-resolvido', 'Resolvido'], ['disposition:rt-venda', 'Venda']] as const,
  tags: [['tag:rt-vip', 'VIP'], ['tag:rt-duvida', 'Dúvida']] as const,
};

export function conversation(key: string, fields: Partial<ConversationDoc> & Pick<ConversationDoc, 'createdAt'>): ConversationDoc {
  return {
    id: `conversation:${key}`, type: 'conversation', contactId: `contact:${key}`, channel: 'webchat', channelAccountId: 'channel:demo-site',
    teamId: 'team:suporte', formerTeamIds: [], status: 'waiting', agentId: null, invitedAgentIds: [], protocol: key, startedBy: 'customer',
    waitingSince: null, takenAt: null, finishedAt: null, finishedBy: null, lastInboundAt: null, lastMessageAt: null, lastPreview: '',
    disposition: null, finishNote: '', tags: [], transfers: [], ticketLinks: [], channelMeta: {},
    firstResponseAt: null, queuedAt: null, firstTakenAt: null, rating: null,
    updatedAt: fields.createdAt, ...fields,
  };
}

const transfer = (at: number, from: string, to: string, toAgentId: string | null) => ({
  id: `t${at}`, at, byUserId: 'user:admin', fromTeamId: from, toTeamId: to, fromAgentId: null, toAgentId,
});

/** The day's conversations, each described by what it stands for in the figures. */
export function seedConversations(): ConversationDoc[] {
  const at = (hours: number) => T0 + hours * H;
  const c1 = at(10);
  const c4 = at(13);
  const c5 = at(14);
  return [
    // Answered, finished, two tags, a disposition, rated 5: wait 60 s, first response 120 s, handle 540 s.
    conversation('rt1', {
      createdAt: c1, contactId: 'contact:rt-maria', status: 'finished', agentId: 'user:ana', queuedAt: c1, firstTakenAt: c1 + 60 * S,
      firstResponseAt: c1 + 120 * S, finishedAt: c1 + 600 * S, disposition: 'disposition:rt-resolvido', tags: ['tag:rt-vip', 'tag:rt-duvida'],
      rating: { score: 5, comment: '', at: c1 + 700 * S, channel: 'webchat' },
    }),
    // Abandoned: finished by the timeout after 300 s in the queue, nobody wrote; no tag, no disposition.
    conversation('rt2', { createdAt: at(11), channel: 'whatsapp', status: 'finished', queuedAt: at(11), finishedAt: at(11) + 300 * S }),
    // Started by an agent (not received), one tag, still open.
    conversation('rt3', {
      createdAt: at(12), channel: 'whatsapp', teamId: 'team:comercial', startedBy: 'agent', status: 'active', agentId: 'user:bruno',
      firstTakenAt: at(12), firstResponseAt: at(12), tags: ['tag:rt-vip'],
    }),
    // Transferred from Suporte to Bruno in Comercial: wait 30 s, first response 90 s, handle 1,170 s, rated 3.
    conversation('rt4', {
      createdAt: c4, teamId: 'team:comercial', formerTeamIds: ['team:suporte'], status: 'finished', agentId: 'user:bruno', queuedAt: c4,
      firstTakenAt: c4 + 30 * S, firstResponseAt: c4 + 90 * S, finishedAt: c4 + 1200 * S, disposition: 'disposition:rt-venda',
      transfers: [transfer(c4 + 60 * S, 'team:suporte', 'team:comercial', 'user:bruno')],
      rating: { score: 3, comment: 'ok', at: c4 + 1300 * S, channel: 'webchat' },
    }),
    // Reopened: Maria wrote again after rt1 was finished — a new conversation, open: wait 45 s, first response 200 s.
    conversation('rt5', {
      createdAt: c5, contactId: 'contact:rt-maria', status: 'active', agentId: 'user:ana', queuedAt: c5, firstTakenAt: c5 + 45 * S,
      firstResponseAt: c5 + 200 * S,
    }),
    // One minute before the day: the day before (local 23:59).
    conversation('rt6', { createdAt: T0 - 60 * S, queuedAt: T0 - 60 * S }),
    // The day's last minute (local 23:59) and the next day's first one.
    conversation('rt7', { createdAt: at(24) - 60 * S, channel: 'telegram', teamId: 'team:comercial', queuedAt: at(24) - 60 * S }),
    conversation('rt8', { createdAt: at(24), queuedAt: at(24) }),
    // Stored before issue 16 (no figures' timestamps): its first agent message (150 s) is looked up.
    legacy(),
  ];
}

function legacy(): ConversationDoc {
  const { firstResponseAt: _r, queuedAt: _q, firstTakenAt: _t, rating: _g, ...old } = conversation('rt9', {
    createdAt: T0 + 15 * H, status: 'finished', agentId: 'user:ana', takenAt: T0 + 15 * H + 20 * S, finishedAt: T0 + 15 * H + 900 * S,
  });
  return old as ConversationDoc;
}

/** rt9's messages: the bot's greeting (not an agent), a private note, then Ana's first answer at 150 s. */
export function legacyMessages(): MessageDoc[] {
  const base = T0 + 15 * H;
  const message = (key: string, fields: Partial<MessageDoc>): MessageDoc => ({
    id: `message:${key}`, type: 'message', conversationId: 'conversation:rt9', teamId: 'team:suporte', formerTeamIds: [], direction: 'out',
    authorId: null, authorName: '', kind: 'text', text: 'oi', attachments: [], visibility: 'public', status: 'sent', error: null,
    externalId: null, payload: {}, createdAt: base, updatedAt: base, ...fields,
  });
  return [
    message('rt9-in', { direction: 'in', authorId: 'contact:rt9', createdAt: base }),
    message('rt9-bot', { createdAt: base + 10 * S }),
    message('rt9-note', { authorId: 'user:ana', visibility: 'private', createdAt: base + 100 * S }),
    message('rt9-ana', { authorId: 'user:ana', createdAt: base + 150 * S }),
    message('rt9-ana2', { authorId: 'user:ana', createdAt: base + 400 * S }),
  ];
}

/** The names the rows resolve to: an archived team and a disabled user keep theirs. */
export async function writeNames(store: DocStore, options: { teamsAndUsers: boolean }): Promise<void> {
  const now = T0;
  const docs: object[] = [];
  if (options.teamsAndUsers) {
    for (const [id, name, archived] of NAMES.teams) docs.push({ id, type: 'team', name, dispositionRequired: false, archived, createdAt: now, updatedAt: now });
    for (const [id, name, disabled] of NAMES.users) {
      docs.push({ id, type: 'user', name, email: `${id.slice(5)}@rt.local`, role: 'agent', teamIds: ['team:suporte'], maxConcurrent: 5, disabled, createdAt: now, updatedAt: now });
    }
  }
  for (const [id, name] of NAMES.dispositions) docs.push({ id, type: 'disposition', teamId: 'team:suporte', name, createdAt: now, updatedAt: now });
  for (const [id, name] of NAMES.tags) docs.push({ id, type: 'tag', name, color: '#336699', createdAt: now, updatedAt: now });
  await writeAll(store, docs as Array<{ id: string }>);
}

export async function writeAll(store: DocStore, docs: ReadonlyArray<{ id: string }>): Promise<void> {
  const results = await store.bulkWrite(docs.map((d) => toStored(d)));
  const failed = results.find((r) => !r.ok);
  if (failed) throw new Error(`seed ${failed.id}: ${failed.ok ? '' : failed.reason}`);
}

/** Rewrites a stored conversation (a later change of it). */
export async function change(store: DocStore, id: string, fields: Partial<ConversationDoc>): Promise<void> {
  const stored = await store.get(id, { fresh: true });
  if (!stored?._rev) throw new Error(`${id} is not stored`);
  const [result] = await store.bulkWrite([{ ...stored, ...fields, updatedAt: Date.now() }]);
  if (!result?.ok) throw new Error(`change ${id}: ${result?.ok === false ? result.reason : ''}`);
}

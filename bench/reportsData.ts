import { addFigures, emptyTotals, figuresOf, REPORT_NONE, startOfLocalDay, type ConversationDoc, type ReportGroup, type Totals } from '@atende/protocol';
import type { DocStore, StoredDoc } from '../sync-server/src/store/index.js';

/**
 * The reports bench's organisation (issue 16, R-RT-06): about 1,000,000 messages in ~15-message
 * conversations over the last DAYS local days, written straight into a store. Deterministic (a
 * seeded PRNG): the same workload and last day give the same documents. While writing it keeps
 * what a correct report must answer (per local day and team: the figures' Totals, and per group
 * key the number of conversations), so the bench never times a wrong answer.
 */
export interface ReportsWorkload {
  messages: number;
  messagesPerConversation: number;
  days: number;
  teams: number;
  agentsPerTeam: number;
  timeZone: string;
}

const messagesFromEnv = Number.parseInt(process.env.BENCH_REPORTS_MESSAGES ?? '', 10);
export const REPORTS_WORKLOAD: ReportsWorkload = {
  messages: Number.isFinite(messagesFromEnv) && messagesFromEnv > 0 ? messagesFromEnv : 1_000_000,
  messagesPerConversation: 15,
  days: 90,
  teams: 4,
  agentsPerTeam: 10,
  timeZone: 'America/Sao_Paulo',
};

/** Per local day: the figures per team, and per team × group × key the conversations counted. */
export interface DayExpectation {
  teams: Record<string, Totals>;
  rows: Record<string, Record<ReportGroup, Record<string, number>>>;
}

export interface GeneratedData {
  workload: ReportsWorkload;
  /** First and last generated local day (YYYY-MM-DD). */
  firstDay: string;
  lastDay: string;
  conversations: number;
  messages: number;
  documents: number;
  writeMs: number;
  teamIds: string[];
  days: Record<string, DayExpectation>;
}

/** mulberry32: small, fast and good enough to draw a workload. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

const MIN = 60_000;
const CHANNELS = [['whatsapp', 40], ['webchat', 20], ['instagram', 12], ['messenger', 10], ['telegram', 10], ['reclameaqui', 8]] as const;
const TEAM_WEIGHTS = [35, 30, 20, 15, 10, 5];
// Conversations per local hour: a working day's shape, quiet at night.
const HOUR_WEIGHTS = [1, 1, 1, 1, 1, 2, 4, 8, 14, 18, 18, 16, 12, 14, 17, 17, 15, 12, 9, 7, 5, 4, 3, 2];
const DISPOSITIONS = ['resolvido', 'duvida', 'reclamacao', 'venda', 'sem-retorno'];
const TAGS = ['financeiro', 'entrega', 'cancelamento', 'troca', 'urgente', 'vip', 'boleto', 'cadastro'];
const PHRASES = [
  'Olá, bom dia! Preciso de ajuda com meu pedido.', 'Meu boleto venceu, consigo uma segunda via?', 'Claro, vou verificar para você.',
  'Pode me informar o número do pedido, por favor?', 'O pedido 48213 ainda não chegou.', 'Obrigado pelo retorno!',
  'Já encaminhei para o setor responsável.', 'Consegue me enviar uma foto do produto?', 'Segue o comprovante em anexo.',
  'Posso ajudar em algo mais?', 'Gostaria de cancelar a assinatura.', 'Perfeito, resolvido. Tenha um ótimo dia!',
];

export const teamId = (t: number) => `team:rb-${t}`;
export const agentId = (t: number, a: number) => `user:rb-${t}-${a}`;
const pad = (n: number, width: number) => String(n).padStart(width, '0');

/** Teams, staff (agents, a supervisor of teams 0 and 1, an admin), channels, dispositions and tags: what labels resolve from. */
function organisation(w: ReportsWorkload, now: number): StoredDoc[] {
  const base = { createdAt: now, updatedAt: now };
  const docs: StoredDoc[] = [];
  for (let t = 0; t < w.teams; t++) {
    docs.push({ _id: teamId(t), type: 'team', name: `Equipe ${t + 1}`, dispositionRequired: false, ...base });
    for (let a = 0; a < w.agentsPerTeam; a++) {
      docs.push({
        _id: agentId(t, a), type: 'user', name: `Agente ${t + 1}.${a + 1}`, email: `rb-${t}-${a}@bench.local`, role: 'agent',
        teamIds: [teamId(t)], maxConcurrent: 5, ...base,
      });
    }
    DISPOSITIONS.forEach((d) => docs.push({ _id: `disposition:rb-${t}-${d}`, type: 'disposition', teamId: teamId(t), name: d, ...base }));
  }
  docs.push({ _id: 'user:rb-supervisor', type: 'user', name: 'Supervisora', email: 'rb-supervisor@bench.local', role: 'supervisor', teamIds: [teamId(0), teamId(1)], maxConcurrent: 5, ...base });
  docs.push({ _id: 'user:rb-admin', type: 'user', name: 'Admin', email: 'rb-admin@bench.local', role: 'admin', teamIds: [], maxConcurrent: 5, ...base });
  for (const [kind] of CHANNELS) docs.push({ _id: `channel:rb-${kind}`, type: 'channel', kind, name: kind, entryTeamId: teamId(0), ...base });
  TAGS.forEach((tag) => docs.push({ _id: `tag:rb-${tag}`, type: 'tag', name: tag, color: '#336699', ...base }));
  return docs;
}

function weighted<T>(random: () => number, items: ReadonlyArray<readonly [T, number]>): T {
  const total = items.reduce((s, [, w]) => s + w, 0);
  let r = random() * total;
  for (const [item, w] of items) {
    r -= w;
    if (r < 0) return item;
  }
  return items[items.length - 1]![0];
}

/** The local days from `lastDay` back `days` days, oldest first. */
export function localDays(lastDay: string, days: number): string[] {
  const end = Date.parse(`${lastDay}T12:00:00Z`);
  return Array.from({ length: days }, (_, i) => new Date(end - (days - 1 - i) * 86_400_000).toISOString().slice(0, 10));
}

interface Draft {
  conversation: ConversationDoc;
  messages: number;
  /** When the conversation's last message is due. */
  endAt: number;
}

/** One conversation: channel, team, lifecycle and the figures' timestamps, as the server would have set them. */
function draftConversation(random: () => number, w: ReportsWorkload, index: number, createdAt: number, messages: number): Draft {
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)]!;
  const channel = weighted(random, CHANNELS);
  let team = weighted(random, TEAM_WEIGHTS.slice(0, w.teams).map((weight, t) => [t, weight] as const));
  const formerTeamIds: string[] = [];
  const byAgent = channel !== 'reclameaqui' && random() < 0.06;
  const outcome = byAgent ? 'agent' : weighted(random, [['served', 87], ['abandoned', 7], ['bot', 3], ['active', 2], ['waiting', 1]] as const);
  const viaBot = !byAgent && (channel === 'whatsapp' || channel === 'webchat') && random() < 0.35;
  const queuedAt = byAgent || outcome === 'bot' ? null : createdAt + (viaBot ? Math.round((30 + random() * 150) * 1000) : 0);
  const waited = Math.round(Math.min(120 * MIN, -Math.log(1 - random()) * 4 * MIN));
  const taken = outcome === 'served' || outcome === 'active' || outcome === 'agent';
  const firstTakenAt = byAgent ? createdAt : taken && queuedAt !== null ? queuedAt + waited : null;
  let agent: string | null = taken ? agentId(team, Math.floor(random() * w.agentsPerTeam)) : null;
  const firstResponseAt = byAgent ? createdAt : firstTakenAt === null ? null : firstTakenAt + Math.round((10 + random() * 170) * 1000);
  const handle = Math.round((3 + random() * 42) * MIN);
  const finished = outcome !== 'active' && outcome !== 'waiting';
  const finishedAt = !finished ? null
    : firstTakenAt !== null ? firstTakenAt + handle
      : (queuedAt ?? createdAt) + (outcome === 'bot' ? 4 * MIN : waited + 30 * MIN);
  const transfers: ConversationDoc['transfers'] = [];
  if (taken && firstTakenAt !== null && agent !== null && random() < 0.12) {
    const toTeam = w.teams > 1 && random() < 0.3 ? (team + 1 + Math.floor(random() * (w.teams - 1))) % w.teams : team;
    const toAgent = agentId(toTeam, Math.floor(random() * w.agentsPerTeam));
    transfers.push({ id: `t-${index}`, at: firstTakenAt + Math.round(handle / 2), byUserId: agent, fromTeamId: teamId(team), toTeamId: teamId(toTeam), fromAgentId: agent, toAgentId: toAgent });
    if (toTeam !== team) formerTeamIds.push(teamId(team));
    team = toTeam;
    agent = toAgent;
  }
  const served = finished && agent !== null;
  const tagCount = weighted(random, [[0, 35], [1, 45], [2, 20]] as const);
  const tags = [...new Set(Array.from({ length: tagCount }, () => `tag:rb-${pick(TAGS)}`))];
  const rated = served && random() < 0.35;
  const endAt = finishedAt ?? (firstResponseAt ?? createdAt) + handle;
  const status = finished ? 'finished' : outcome === 'waiting' ? 'waiting' : 'active';
  const conversation: ConversationDoc = {
    id: `conversation:rb-${pad(index, 6)}`, type: 'conversation', createdAt, updatedAt: endAt, contactId: `contact:rb-${pad(index % 40_000, 5)}`,
    channel, channelAccountId: `channel:rb-${channel}`, teamId: teamId(team), formerTeamIds, status, agentId: agent, invitedAgentIds: [],
    protocol: `RB${pad(index, 8)}`, startedBy: byAgent ? 'agent' : 'customer', waitingSince: status === 'waiting' ? queuedAt : null,
    takenAt: status === 'active' ? firstTakenAt : null, finishedAt, finishedBy: served ? agent : null,
    lastInboundAt: createdAt, lastMessageAt: endAt, lastPreview: pick(PHRASES), disposition: served && random() < 0.85 ? `disposition:rb-${team}-${pick(DISPOSITIONS)}` : null,
    finishNote: '', tags, transfers, ticketLinks: [], channelMeta: {}, firstResponseAt, queuedAt, firstTakenAt,
    rating: rated ? { score: weighted(random, [[1, 5], [2, 5], [3, 10], [4, 30], [5, 50]] as const), comment: random() < 0.3 ? 'Atendimento rápido.' : '', at: endAt + 2 * MIN, channel } : null,
  };
  return { conversation, messages, endAt };
}

/** Its messages: the customer first, the agent's first reply exactly at firstResponseAt, then both in turn. */
function messagesOf(random: () => number, d: Draft): StoredDoc[] {
  const c = d.conversation;
  const docs: StoredDoc[] = [];
  const span = Math.max(d.messages, d.endAt - c.createdAt);
  let answered = c.startedBy === 'agent';
  for (let j = 0; j < d.messages; j++) {
    let at = c.createdAt + Math.floor((span * j) / d.messages);
    let out = j === 0 ? c.startedBy === 'agent' : answered && random() < 0.5;
    if (!answered && c.firstResponseAt != null && at >= c.firstResponseAt) {
      at = c.firstResponseAt;
      out = true;
      answered = true;
    }
    const system = j === 1 && c.firstTakenAt != null && !out;
    const text = system ? 'Conversa assumida' : PHRASES[Math.floor(random() * PHRASES.length)]!;
    docs.push({
      _id: `message:rb-${c.id.slice(16)}-${pad(j, 3)}`, type: 'message', createdAt: at, updatedAt: at, conversationId: c.id, teamId: c.teamId,
      formerTeamIds: c.formerTeamIds, direction: system ? 'system' : out ? 'out' : 'in',
      authorId: system ? null : out ? (c.agentId ?? null) : c.contactId, authorName: system ? '' : out ? 'Agente' : 'Cliente',
      kind: system ? 'event' : 'text', text, attachments: [], visibility: 'public', status: out ? 'delivered' : 'read', error: null,
      externalId: null, payload: {},
    });
  }
  return docs;
}

function expectOf(days: Record<string, DayExpectation>, day: string, c: ConversationDoc): void {
  const entry = (days[day] ??= { teams: {}, rows: {} });
  addFigures((entry.teams[c.teamId] ??= emptyTotals()), figuresOf(c));
  const rows = (entry.rows[c.teamId] ??= { team: {}, agent: {}, channel: {}, disposition: {}, tag: {} });
  const count = (group: ReportGroup, key: string) => { rows[group][key] = (rows[group][key] ?? 0) + 1; };
  count('team', c.teamId);
  count('agent', c.agentId ?? REPORT_NONE);
  count('channel', c.channel);
  count('disposition', c.disposition ?? REPORT_NONE);
  for (const tag of c.tags.length > 0 ? c.tags : [REPORT_NONE]) count('tag', tag);
}

const BATCH = 5_000;

/** Writes the organisation and every conversation with its messages, oldest first, in batches; returns what reports must say. */
export async function generateReportsData(store: DocStore, w: ReportsWorkload, lastDay: string, progress: (line: string) => void): Promise<GeneratedData> {
  const random = prng(16);
  const dayList = localDays(lastDay, w.days);
  const dayWeights = dayList.map((day) => [0, 6].includes(new Date(`${day}T12:00:00Z`).getUTCDay()) ? 0.4 : 1);
  const conversations = Math.max(1, Math.round(w.messages / w.messagesPerConversation));
  const weightSum = dayWeights.reduce((a, b) => a + b, 0);
  const perDay = dayWeights.map((dw) => Math.floor((conversations * dw) / weightSum));
  perDay[perDay.length - 1]! += conversations - perDay.reduce((a, b) => a + b, 0);
  const days: Record<string, DayExpectation> = {};
  const started = performance.now();
  let batch: StoredDoc[] = organisation(w, Date.now());
  let written = 0;
  let messages = 0;
  let index = 0;
  let pairedDelta = 0;
  const flush = async () => {
    const results = await store.bulkWrite(batch);
    const failed = results.find((r) => !r.ok);
    if (failed) throw new Error(`reports bench: write of ${failed.id} failed`);
    const before = written;
    written += batch.length;
    batch = [];
    if (Math.floor(written / 100_000) > Math.floor(before / 100_000)) {
      progress(`${written.toLocaleString('en')} docs (${Math.round(written / ((performance.now() - started) / 1000)).toLocaleString('en')}/s)`);
    }
  };
  for (let d = 0; d < dayList.length; d++) {
    const day = dayList[d]!;
    const dayStart = startOfLocalDay(w.timeZone, day);
    const times = Array.from({ length: perDay[d]! }, () => {
      const hour = weighted(random, HOUR_WEIGHTS.map((hw, h) => [h, hw] as const));
      return dayStart + hour * 60 * MIN + Math.floor(random() * 60 * MIN);
    }).sort((a, b) => a - b);
    for (const createdAt of times) {
      // Between 5 and 25 messages, in pairs that sum to twice the mean; the last conversation takes the rest.
      const delta = index % 2 === 0 ? (pairedDelta = Math.floor(random() * 21) - 10) : -pairedDelta;
      const count = index === conversations - 1 ? Math.max(1, w.messages - messages) : w.messagesPerConversation + delta;
      const draft = draftConversation(random, w, index, createdAt, count);
      const { id, ...rest } = draft.conversation;
      batch.push({ _id: id, ...rest }, ...messagesOf(random, draft));
      expectOf(days, day, draft.conversation);
      messages += count;
      index++;
      if (batch.length >= BATCH) await flush();
    }
  }
  if (batch.length > 0) await flush();
  return {
    workload: w, firstDay: dayList[0]!, lastDay, conversations, messages, documents: written, writeMs: Math.round(performance.now() - started),
    teamIds: Array.from({ length: w.teams }, (_, t) => teamId(t)), days,
  };
}

import {
  localDateOf, startOfLocalDay, transition, type ChannelKind, type ContactDoc, type ConversationDoc, type ConversationEvent, type ConversationRating, type MessageDoc, type Transfer,
} from '@atende/protocol';
import { eventMessage, finishedEvent, joinedEvent, movedEvent, type PendingEvent } from '../conversations/events.js';
import { previewOf } from '../conversations/summary.js';
import { HISTORY_CUSTOMERS, OUTREACH_SCRIPT, RATING_COMMENTS, SALES_SCRIPTS, SUPPORT_SCRIPTS, type Line } from './historyScripts.js';

/**
 * The demo's past (history.ts writes it): two weeks of finished conversations, generated from a
 * fixed seed so every run plans the same ids, people, channels and words; only the times follow
 * `now`. Each conversation goes through the pure lifecycle (protocol/src/lifecycle.ts) with
 * events dated in the past, so its fields are what the live commands would have left.
 */

export const HISTORY_DAYS = 14;
export const HISTORY_PER_DAY = 14;
export const HISTORY_SIZE = HISTORY_DAYS * HISTORY_PER_DAY;
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

export const historyConversationId = (n: number): string => `conversation:demo-h${String(n).padStart(3, '0')}`;

export interface HistoryPlan {
  contacts: ContactDoc[];
  /** Oldest first; `protocol` is empty: numbers are the store's to hand out (history.ts). */
  conversations: ConversationDoc[];
  messages: MessageDoc[];
}

interface Person { id: string; name: string }
const ANA: Person = { id: 'user:ana', name: 'Ana Souza' };
const BRUNO: Person = { id: 'user:bruno', name: 'Bruno Lima' };
const CARLA: Person = { id: 'user:carla', name: 'Carla Mendes' };
const SUPORTE = 'team:suporte';
const COMERCIAL = 'team:comercial';
const STAFF: Readonly<Record<string, readonly Person[]>> = { [SUPORTE]: [ANA, BRUNO], [COMERCIAL]: [CARLA] };
const ACCOUNTS: Readonly<Record<Exclude<ChannelKind, 'reclameaqui'>, string>> = {
  webchat: 'channel:demo-site', whatsapp: 'channel:demo-whatsapp', telegram: 'channel:demo-telegram',
  messenger: 'channel:demo-messenger', instagram: 'channel:demo-instagram',
};
type Kind = keyof typeof ACCOUNTS;
const KINDS = Object.keys(ACCOUNTS) as Kind[];
const CHANNEL_WEIGHTS: Readonly<Record<string, ReadonlyArray<readonly [Kind, number]>>> = {
  [SUPORTE]: [['webchat', 40], ['whatsapp', 35], ['telegram', 10], ['messenger', 8], ['instagram', 7]],
  [COMERCIAL]: [['whatsapp', 50], ['webchat', 30], ['instagram', 20]],
};
const DISPOSITIONS: Readonly<Record<string, ReadonlyArray<readonly [string | null, number]>>> = {
  [SUPORTE]: [['disposition:duvida', 50], ['disposition:tecnico', 30], [null, 20]],
  [COMERCIAL]: [['disposition:venda', 45], [null, 55]],
};
const TAGS = ['tag:reclamacao', 'tag:urgente', 'tag:financeiro'] as const;
const SCORES: ReadonlyArray<readonly [number, number]> = [[1, 5], [2, 7], [3, 13], [4, 30], [5, 45]];

/** mulberry32: small, fast, and the same sequence on every machine. */
function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

class Dice {
  constructor(readonly next: () => number) {}
  chance(p: number): boolean { return this.next() < p; }
  between(min: number, max: number): number { return Math.round(min + this.next() * (max - min)); }
  pick<T>(items: readonly T[]): T { return items[Math.floor(this.next() * items.length)] as T; }
  weighted<T>(items: ReadonlyArray<readonly [T, number]>): T {
    let roll = this.next() * items.reduce((sum, [, w]) => sum + w, 0);
    for (const [item, weight] of items) if ((roll -= weight) < 0) return item;
    return (items[items.length - 1] as readonly [T, number])[0];
  }
}

/** One customer per history contact, each reached on one channel (the index picks it). */
function contactsOf(createdAt: number): ContactDoc[] {
  return HISTORY_CUSTOMERS.map((name, i) => {
    const n = String(i + 1).padStart(2, '0');
    const kind = KINDS[i % KINDS.length] as Kind;
    const slug = name.toLowerCase().normalize('NFD').replace(/[^a-z ]/g, '').replace(/ +/g, '.');
    const address = { webchat: `demo-visitor-${n}`, whatsapp: `55119700000${n}`, telegram: `70000000${n}`, messenger: `26000000000${n}`, instagram: `178400000000${n}` }[kind];
    return {
      id: `contact:demo-h${n}`, type: 'contact', name, email: i % 3 === 2 ? '' : `${slug}@example.com`,
      addresses: { [kind]: address }, customFields: {}, teamIds: [], createdAt, updatedAt: createdAt,
    };
  });
}

const apply = (c: ConversationDoc, event: ConversationEvent): ConversationDoc => {
  const result = transition(c, event);
  if (!result.ok) throw new Error(`demo history ${c.id}: ${event.type} refused (${result.error.message})`);
  return result.next;
};

interface Shape {
  id: string;
  createdAt: number;
  team: string;
  kind: Kind;
  contact: ContactDoc;
  /** A WhatsApp conversation an agent started (no queue). */
  outreach: boolean;
  abandoned: boolean;
  transfer: 'none' | 'team' | 'colleague';
}

/** The conversation's story as lifecycle events and its messages, in time order. */
function play(shape: Shape, dice: Dice): { conversation: ConversationDoc; lines: Array<{ at: number; line: Line; by: Person | null }>; events: PendingEvent[] } {
  const staff = STAFF[shape.team] as readonly Person[];
  const first = dice.pick(staff);
  const at0 = shape.createdAt;
  let c: ConversationDoc = {
    id: shape.id, type: 'conversation', createdAt: at0, updatedAt: at0, contactId: shape.contact.id, channel: shape.kind,
    channelAccountId: ACCOUNTS[shape.kind], teamId: shape.transfer === 'team' ? SUPORTE : shape.team, formerTeamIds: [],
    status: shape.outreach ? 'active' : 'waiting', agentId: shape.outreach ? first.id : null, invitedAgentIds: [], protocol: '',
    startedBy: shape.outreach ? 'agent' : 'customer', waitingSince: shape.outreach ? null : at0, takenAt: shape.outreach ? at0 : null,
    finishedAt: null, finishedBy: null, lastInboundAt: null, lastMessageAt: null, lastPreview: '', disposition: null, finishNote: '',
    tags: [], transfers: [], ticketLinks: [], channelMeta: {},
    ...(shape.outreach ? { firstTakenAt: at0 } : { queuedAt: at0 }),
  };
  const events: PendingEvent[] = [];
  const lines: Array<{ at: number; line: Line; by: Person | null }> = [];
  const say = (at: number, line: Line, by: Person | null) => lines.push({ at, line, by });
  const script = shape.outreach ? OUTREACH_SCRIPT : dice.pick(shape.team === COMERCIAL ? SALES_SCRIPTS : SUPPORT_SCRIPTS);

  if (shape.abandoned) {
    say(at0, script[0] as Line, null);
    if (dice.chance(0.5)) say(at0 + dice.between(1, 4) * MINUTE, { who: 'c', text: 'Alguém aí?' }, null);
    // Nobody took it: the team's session timeout finished it (byUserId null).
    c = apply(c, { type: 'finish', byUserId: null, disposition: null, note: '', at: at0 + dice.between(12, 30) * MINUTE });
    events.push(finishedEvent(c));
    return { conversation: c, lines, events };
  }

  let t = at0;
  let holder = first;
  if (!shape.outreach) {
    // Queue waits are mostly short, with a long tail (minutes, not hours: the demo's queue is small).
    t += 15_000 + Math.round(dice.next() ** 2 * 9 * MINUTE);
    const claimer = shape.transfer === 'team' ? dice.pick(STAFF[SUPORTE] as readonly Person[]) : first;
    holder = claimer;
    c = apply(c, { type: 'claim', agentId: claimer.id, at: t });
    events.push(joinedEvent(c, claimer));
  }
  const [opening, ...rest] = script;
  if (shape.outreach) say(t, opening as Line, holder);
  else say(at0, opening as Line, null);
  t += shape.outreach ? dice.between(2, 20) * MINUTE : dice.between(15, 90) * 1000;
  rest.forEach((line, i) => {
    if (i === 1 && shape.transfer !== 'none') {
      const moved = handOver(c, shape.transfer, holder, dice, t);
      c = moved.conversation;
      events.push(...moved.events);
      holder = moved.holder;
      t = moved.at;
    }
    say(t, line, line.who === 'a' ? holder : null);
    t += dice.between(40, 240) * 1000;
  });
  const disposition = dice.weighted(DISPOSITIONS[shape.team] as ReadonlyArray<readonly [string | null, number]>);
  c = apply(c, { type: 'finish', byUserId: holder.id, disposition, note: '', at: t });
  events.push(finishedEvent(c));
  return { conversation: c, lines, events };
}

/** A transfer in the middle of the talk: to Comercial's queue (then Carla takes it) or to a colleague. */
function handOver(
  c: ConversationDoc, kind: 'team' | 'colleague', holder: Person, dice: Dice, at: number,
): { conversation: ConversationDoc; events: PendingEvent[]; holder: Person; at: number } {
  const id = `${c.id.slice('conversation:'.length)}-t1`;
  const toComercial = kind === 'team';
  const next = toComercial ? CARLA : holder.id === ANA.id ? BRUNO : ANA;
  let moved = apply(c, toComercial
    ? { type: 'transfer', id, byUserId: holder.id, toTeamId: COMERCIAL, toAgentId: null, note: 'Cliente quer falar de planos.', at }
    : { type: 'transfer', id, byUserId: holder.id, toTeamId: SUPORTE, toAgentId: next.id, at });
  const events = [movedEvent(moved.transfers[moved.transfers.length - 1] as Transfer, moved.transfers.length - 1, false)];
  if (!toComercial) return { conversation: moved, events, holder: next, at: at + dice.between(30, 120) * 1000 };
  const taken = at + dice.between(1, 6) * MINUTE;
  moved = apply(moved, { type: 'claim', agentId: next.id, at: taken });
  events.push(joinedEvent(moved, next));
  return { conversation: moved, events, holder: next, at: taken + dice.between(20, 90) * 1000 };
}

/**
 * When the n-th conversation of a day began: office hours (08:00–20:00) on past days; today, the
 * hours since midnight (at most 8), ending 45 minutes ago so every one is finished by now —
 * or, in the first hour of the day, the 6 hours before.
 */
function startOf(day: number, slot: number, now: number, timeZone: string, dice: Dice): number {
  if (day === 0) {
    const end = now - 45 * MINUTE;
    const since = end - Math.max(startOfLocalDay(timeZone, localDateOf(timeZone, now)), now - 8 * HOUR);
    const span = since >= 30 * MINUTE ? since : 6 * HOUR;
    return end - span + Math.round((slot / HISTORY_PER_DAY) * span) + dice.between(0, 60) * 1000;
  }
  const opening = startOfLocalDay(timeZone, localDateOf(timeZone, now - day * 24 * HOUR)) + 8 * HOUR;
  return opening + Math.round((slot / HISTORY_PER_DAY) * 12 * HOUR) + dice.between(0, 40) * MINUTE;
}

export function planHistory(now: number, timeZone: string): HistoryPlan {
  const dice = new Dice(seeded(16));
  const contacts = contactsOf(now - (HISTORY_DAYS + 1) * 24 * HOUR);
  const byKind = (kind: Kind) => contacts.filter((contact) => contact.addresses[kind] !== undefined);
  const conversations: ConversationDoc[] = [];
  const messages: MessageDoc[] = [];
  for (let n = 0; n < HISTORY_SIZE; n++) {
    const day = HISTORY_DAYS - 1 - Math.floor(n / HISTORY_PER_DAY);
    const team = dice.chance(0.65) ? SUPORTE : COMERCIAL;
    const kind = dice.weighted(CHANNEL_WEIGHTS[team] as ReadonlyArray<readonly [Kind, number]>);
    const roll = dice.next();
    const shape: Shape = {
      id: historyConversationId(n + 1), createdAt: startOf(day, n % HISTORY_PER_DAY, now, timeZone, dice), team, kind,
      contact: dice.pick(byKind(kind)),
      outreach: kind === 'whatsapp' && roll < 0.12,
      abandoned: roll >= 0.12 && roll < 0.21,
      transfer: roll >= 0.21 && roll < 0.33 ? (team === COMERCIAL ? 'team' : 'colleague') : 'none',
    };
    const { conversation, lines, events } = play(shape, dice);
    const written = lines.map(({ at, line, by }, i): MessageDoc => ({
      id: `message:${shape.id.slice('conversation:'.length)}-${String(i + 1).padStart(2, '0')}`, type: 'message',
      createdAt: at, updatedAt: at, conversationId: conversation.id, teamId: conversation.teamId, formerTeamIds: conversation.formerTeamIds,
      direction: line.who === 'c' ? 'in' : 'out', authorId: by ? by.id : shape.contact.id, authorName: by ? by.name : shape.contact.name,
      kind: 'text', text: line.text.replace('{agente}', (by?.name ?? '').split(' ')[0] ?? ''), attachments: [], visibility: 'public',
      status: line.who === 'c' ? 'delivered' : 'read', error: null, externalId: null, payload: {},
    }));
    const lastIn = written.filter((m) => m.direction === 'in').at(-1);
    const last = written.at(-1);
    const firstAnswer = written.find((m) => m.direction === 'out');
    const final: ConversationDoc = {
      ...conversation,
      lastInboundAt: lastIn?.createdAt ?? null, lastMessageAt: last?.createdAt ?? null, lastPreview: last ? previewOf(last) : '',
      tags: dice.chance(0.45) ? [...new Set([dice.pick(TAGS), ...(dice.chance(0.25) ? [dice.pick(TAGS)] : [])])] : [],
      ...(firstAnswer ? { firstResponseAt: firstAnswer.createdAt } : {}),
    };
    const rating = ratingOf(final, dice);
    if (rating) Object.assign(final, { rating, tags: rating.score === 5 && dice.chance(0.5) ? [...final.tags, 'tag:elogio'] : final.tags });
    conversations.push(final);
    messages.push(...written, ...events.map((event) => ({
      ...eventMessage(final, event), formerTeamIds: final.formerTeamIds,
    })));
    for (const team of [final.teamId, ...final.formerTeamIds]) {
      if (!shape.contact.teamIds?.includes(team)) shape.contact.teamIds = [...(shape.contact.teamIds ?? []), team];
    }
  }
  return { contacts: contacts.filter((contact) => (contact.teamIds ?? []).length > 0), conversations, messages };
}

/** Nearly half of the answered website, WhatsApp and Telegram conversations got a rating, a minute after the finish. */
function ratingOf(c: ConversationDoc, dice: Dice): ConversationRating | undefined {
  const rated = c.firstResponseAt != null && ['webchat', 'whatsapp', 'telegram'].includes(c.channel) && dice.chance(0.45);
  if (!rated || c.finishedAt === null) return undefined;
  const score = dice.weighted(SCORES);
  const comment = dice.chance(0.4) ? dice.pick(RATING_COMMENTS[score] ?? ['']) : '';
  return { score, comment, at: c.finishedAt + MINUTE, channel: c.channel };
}

import { expect } from 'vitest';
import type { ConversationDoc, MessageDoc } from '@atende/protocol';
import { ReclameAquiAdapter } from '../src/channels/reclameaqui/adapter.js';
import { toWire } from '../src/store/wire.js';
import { call } from './helpers.js';
import { complaint, conversationsOf, type ReclameAquiRig } from './reclameaquiSetup.js';
import { until } from './until.js';

/** What the moderation and evaluation tests share: a taken complaint, the commands, their settling. */
let complaints = 0;
let commands = 0;

export const commandId = () => `ra-command-${Date.now().toString(36)}-${++commands}`;

/** A consumer filed a complaint; the poll made it a conversation and `token`'s agent took it. */
export async function complaintTaken(rig: ReclameAquiRig, token: string): Promise<{ ticketId: number; conversationId: string }> {
  const ticket = rig.hugme.fileComplaint(complaint(1000 + ++complaints));
  await rig.poller().poll(rig.accountId);
  const [conversation] = await conversationsOf(rig, ticket.id);
  if (!conversation) throw new Error('complaint not stored');
  expect((await call(rig.server, 'POST', `/api/conversations/${conversation.id}/claim`, { token, body: {} })).status).toBe(200);
  rig.hugme.calls.length = 0;
  return { ticketId: ticket.id, conversationId: conversation.id };
}

/** `POST /api/conversations/:id/reclameaqui/<what>` as the agent's client sends it. */
export function command(rig: ReclameAquiRig, token: string, conversationId: string, what: 'moderation' | 'evaluation', body: Record<string, unknown>) {
  return call<{ message: MessageDoc } & Record<string, unknown>>(rig.server, 'POST', `/api/conversations/${conversationId}/reclameaqui/${what}`, { token, body });
}

/** The event message once its job settled it (sent or failed). */
export const settled = (rig: ReclameAquiRig, id: string) =>
  until(async () => toWire<MessageDoc>((await rig.server.store.get(id))!), (m) => m.status !== 'queued');

export const conversation = async (rig: ReclameAquiRig, id: string) => toWire<ConversationDoc>((await rig.server.store.get(id))!);

/** Event messages of a conversation (direction 'system', kind 'event') of one event type. */
export async function eventsOf(rig: ReclameAquiRig, conversationId: string, event: string): Promise<MessageDoc[]> {
  const docs = await rig.server.store.find({ selector: { type: 'message', conversationId }, limit: 1000 });
  return docs.map((d) => toWire<MessageDoc>(d)).filter((m) => m.kind === 'event' && (m.payload as { event?: string }).event === event);
}

/** An upload by `token`'s user, as the composer does before attaching. */
export async function upload(rig: ReclameAquiRig, token: string, bytes: Buffer, type: string, name: string): Promise<string> {
  const form = new FormData();
  form.append('file', new Blob([new Uint8Array(bytes)], { type }), name);
  const res = await fetch(`${rig.server.url}/api/media`, { method: 'POST', headers: { authorization: `Bearer ${token}` }, body: form });
  expect(res.status).toBe(201);
  return ((await res.json()) as { id: string }).id;
}

/**
 * The node dies once right after HugMe answered a command: the job's first write of `metaKey` on
 * the complaint's channelMeta fails, so neither the complaint nor the event message is recorded,
 * and the job runs again as after a takeover. The returned function restores the store.
 */
export function crashBeforeRecording(rig: ReclameAquiRig, conversationId: string, metaKey: string): () => void {
  const store = rig.server.store;
  const original = store.bulkWrite;
  let crashed = false;
  store.bulkWrite = async (docs, options) => {
    const recording = docs.some((d) => d._id === conversationId && (d.channelMeta as Record<string, string> | undefined)?.[metaKey] !== undefined);
    if (recording && !crashed) {
      crashed = true;
      throw new Error('the node died before recording the outcome');
    }
    return original.call(store, docs, options);
  };
  return () => {
    store.bulkWrite = original;
  };
}

/** Whether a server-only document is gone (never written, or deleted). */
export async function gone(rig: ReclameAquiRig, id: string): Promise<boolean> {
  const doc = await rig.server.store.get(id, { fresh: true });
  return !doc || doc._deleted === true;
}

/**
 * The line between the server and the fake HugMe, for what the fake cannot do itself: hold a call
 * (its command stays queued meanwhile) or lose a call's answer after HugMe acted on it (a reset,
 * as after a timeout: the client reads it as an uncertain send).
 */
export interface HugMeLine {
  /** The next call to a path ending with `path` waits until the returned function is called. */
  hold(path: string): () => void;
  /** The next call to a path ending with `path` reaches HugMe, but its answer never arrives. */
  loseAnswer(path: string): void;
}

/**
 * A second Reclame Aqui account on the same fake company whose calls go through a HugMeLine;
 * `rig` with that account (polls and complaints) comes back. Every other account keeps calling
 * HugMe directly: the line passes anything it was not told about.
 */
export async function accountOnLine(rig: ReclameAquiRig): Promise<{ rig: ReclameAquiRig; line: HugMeLine }> {
  const holds: Array<{ path: string; gate: Promise<void> }> = [];
  const losses: string[] = [];
  const take = <T>(list: T[], match: (item: T) => boolean): T | undefined => {
    const i = list.findIndex(match);
    return i < 0 ? undefined : list.splice(i, 1)[0];
  };
  const fetcher: typeof fetch = async (input, init) => {
    const path = new URL(input instanceof Request ? input.url : String(input)).pathname;
    const held = take(holds, (h) => path.endsWith(h.path));
    if (held) await held.gate;
    const res = await fetch(input, init);
    if (take(losses, (l) => path.endsWith(l)) === undefined) return res;
    await res.arrayBuffer();
    throw new TypeError('fetch failed', { cause: { code: 'ECONNRESET' } });
  };
  rig.server.registry.register('reclameaqui', (account) => new ReclameAquiAdapter(account, { fetcher }));
  const account = await rig.createAccount();
  const line: HugMeLine = {
    hold(path) {
      let open!: () => void;
      holds.push({ path, gate: new Promise<void>((resolve) => { open = resolve; }) });
      return () => open();
    },
    loseAnswer(path) {
      losses.push(path);
    },
  };
  return { rig: { ...rig, accountId: account.id }, line };
}

import { ClientFrame, VisitorFrame } from '@atende/protocol';
import { FrameClient, nextNew } from '../helpers.js';
import { everyone, type Cells } from './cells.js';
import type { Caller, MatrixContext } from './context.js';

/**
 * WebSocket frames × callers (issue 14 point 4). An outcome is what the socket answered:
 * `welcome`, `pong`, `ok` (nothing but the answer to a ping sent after it), or `error:<code>`
 * (an `unauthenticated` error must also close the socket with 4401).
 */
export type FrameOutcome = 'welcome' | 'pong' | 'ok' | `error:${string}`;
export type SocketKind = 'agent' | 'visitor';

export interface FrameRow {
  socket: SocketKind;
  /** The frame's `type`; `foreign` rows send the other socket's frame of that type. */
  type: string;
  foreign?: true;
  ids: string;
  frame(ctx: MatrixContext): Record<string, unknown>;
  expect: Cells<FrameOutcome>;
}

const UNAUTHENTICATED = 'error:unauthenticated';
/** Agent socket: a token that is not a live agent session gets nowhere (hello refused, socket closed 4401). */
const agentSocket = (o: FrameOutcome): Cells<FrameOutcome> => ({ ...everyone<FrameOutcome>(UNAUTHENTICATED), ...roles(o) });
const roles = (o: FrameOutcome) => ({ agentOwn: o, supervisorOwn: o, adminOwn: o, agentOther: o, supervisorOther: o, adminOther: o });
/** Visitor socket: only a visitor token opens it. */
const visitorSocket = (o: FrameOutcome): Cells<FrameOutcome> => ({ ...everyone<FrameOutcome>(UNAUTHENTICATED), visitor: o, visitorOther: o });

export const FRAMES: readonly FrameRow[] = [
  // Without a token there is no hello to say: one without its token is not a hello frame.
  { socket: 'agent', type: 'hello', ids: 'R-AUTH-04', expect: { ...agentSocket('welcome'), none: 'error:invalid_frame' }, frame: () => ({ type: 'hello' }) },
  { socket: 'agent', type: 'presence.set', ids: 'R-SV-01', expect: agentSocket('ok'), frame: () => ({ type: 'presence.set', status: 'online' }) },
  // Typing in a conversation held by agentOwn: its participants only; another team's agent learns nothing of it.
  { socket: 'agent', type: 'typing', ids: 'R-WS-17', frame: (ctx) => ({ type: 'typing', conversationId: ctx.heldShared.conversationId, typing: true }),
    expect: { ...agentSocket('error:forbidden'), agentOwn: 'ok', agentOther: 'error:not_found' } },
  // Viewing (R-WS-17 collision): whoever sees the conversation; another team's agent learns nothing of it.
  { socket: 'agent', type: 'viewing', ids: 'R-WS-17', frame: (ctx) => ({ type: 'viewing', conversationId: ctx.heldShared.conversationId, viewing: true }),
    expect: { ...agentSocket('ok'), agentOther: 'error:not_found' } },
  { socket: 'agent', type: 'ping', ids: 'R-NET-02', expect: agentSocket('pong'), frame: () => ({ type: 'ping' }) },
  { socket: 'agent', type: 'pong', ids: 'R-NET-02', expect: agentSocket('ok'), frame: () => ({ type: 'pong' }) },
  // A visitor's typing frame (no conversation) is not an agent frame.
  { socket: 'agent', type: 'typing', foreign: true, ids: 'R-WS-17', expect: { ...agentSocket('error:invalid_frame'), none: 'error:invalid_frame' },
    frame: () => ({ type: 'typing', typing: true }) },

  { socket: 'visitor', type: 'typing', ids: 'R-CH-02', expect: visitorSocket('ok'), frame: () => ({ type: 'typing', typing: true }) },
  { socket: 'visitor', type: 'ping', ids: 'R-CH-02', expect: visitorSocket('pong'), frame: () => ({ type: 'ping' }) },
  { socket: 'visitor', type: 'pong', ids: 'R-CH-02', expect: visitorSocket('ok'), frame: () => ({ type: 'pong' }) },
  // An agent's frames on the visitor socket: typing into a conversation by id, presence, a hello with a token.
  { socket: 'visitor', type: 'typing', foreign: true, ids: 'R-CH-02', expect: visitorSocket('error:invalid_frame'),
    frame: (ctx) => ({ type: 'typing', conversationId: ctx.heldShared.conversationId, typing: true }) },
  { socket: 'visitor', type: 'hello', foreign: true, ids: 'R-CH-02', expect: visitorSocket('error:unknown_frame'),
    frame: (ctx) => ({ type: 'hello', token: ctx.token('adminOwn') }) },
  { socket: 'visitor', type: 'presence.set', foreign: true, ids: 'R-CH-02', expect: visitorSocket('error:unknown_frame'),
    frame: () => ({ type: 'presence.set', status: 'online' }) },
];

/** The frame types each socket accepts, from the protocol's schemas: each needs its own row. */
export function frameTypes(): Record<SocketKind, string[]> {
  const typesOf = (union: { options: ReadonlyArray<{ shape: { type: { value: unknown } } }> }) =>
    union.options.map((o) => String(o.shape.type.value));
  return { agent: typesOf(ClientFrame), visitor: typesOf(VisitorFrame) };
}

/** A bound on waiting for an answer (a loaded CI machine is slow), not a timing assertion. */
const ANSWER_MS = 20_000;
const wsUrl = (ctx: MatrixContext) => ctx.server.url.replace(/^http/, 'ws');

/** Opens the socket as the caller and sends the row's frame; answers the outcome. */
export async function frameOutcome(ctx: MatrixContext, row: FrameRow, caller: Caller): Promise<FrameOutcome> {
  const token = ctx.token(caller, row.socket);
  let client: FrameClient;
  let frame = row.frame(ctx);
  if (row.socket === 'agent') {
    client = await FrameClient.open(`${wsUrl(ctx)}/ws`);
    if (row.type === 'hello' && !row.foreign) {
      // The hello itself: with the caller's token, or (no token) without one.
      frame = token ? { type: 'hello', token } : { type: 'hello' };
    } else if (token) {
      // A caller with a token says hello first; a refused hello ends the cell there.
      const answer = nextNew(client, (f) => f.type === 'welcome' || f.type === 'error', ANSWER_MS);
      client.send({ type: 'hello', token });
      const first = await answer;
      if (first.type === 'error') return settle(client, `error:${String(first.code)}`);
    }
  } else {
    const query = token ? `?token=${encodeURIComponent(token)}` : '';
    client = await FrameClient.open(`${wsUrl(ctx)}/ws/webchat${query}`);
    const first = await client.next((f) => f.type === 'welcome' || f.type === 'error', ANSWER_MS);
    if (first.type === 'error') return settle(client, `error:${String(first.code)}`);
  }
  return settle(client, await answerTo(client, frame));
}

/**
 * What the socket answered to `frame`: a malformed frame follows it as a fence (its
 * `malformed_frame` error comes back in order), so "nothing" is told without waiting on a clock.
 */
async function answerTo(client: FrameClient, frame: Record<string, unknown>): Promise<FrameOutcome> {
  const mark = client.frames.length;
  const fence = nextNew(client, (f) => f.type === 'error' && f.code === 'malformed_frame', ANSWER_MS);
  const closed = client.closedPromise(ANSWER_MS).catch(() => undefined);
  client.send(frame);
  client.send('fence, not json');
  await Promise.race([fence, closed]);
  const answers = client.frames.slice(mark).filter((f) => !(f.type === 'error' && f.code === 'malformed_frame'));
  const error = answers.find((f) => f.type === 'error');
  if (error) return `error:${String(error.code)}`;
  if (answers.some((f) => f.type === 'welcome')) return 'welcome';
  return answers.some((f) => f.type === 'pong') ? 'pong' : 'ok';
}

/** An `unauthenticated` answer must come with the 4401 close; then the socket is done. */
async function settle(client: FrameClient, outcome: FrameOutcome): Promise<FrameOutcome> {
  if (outcome === UNAUTHENTICATED) {
    const { code } = await client.closedPromise(ANSWER_MS);
    if (code !== 4401) return `error:unauthenticated but closed ${code}`;
  }
  client.close();
  return outcome;
}

import type { ChaosClient } from './client.js';
import type { AckedCommand, Ledger } from './ledger.js';

/**
 * The final state read back over HTTP after the last restart, held against everything the server
 * acknowledged: each message once, in its author's order, none left queued; each command in effect.
 */

interface StoredMessage {
  id: string;
  conversationId: string;
  text: string;
  status: string;
  direction: string;
  createdAt: number;
}

interface StoredConversation {
  id: string;
  status: string;
  agentId: string | null;
  finishCommandId?: string | null;
  transfers: Array<{ id: string; toAgentId: string | null }>;
}

export interface FinalState {
  conversations: Map<string, StoredConversation>;
  /** Each conversation's transcript in the order the server gives it. */
  transcripts: Map<string, StoredMessage[]>;
}

export interface Findings {
  lost: string[];
  doubled: string[];
  outOfOrder: string[];
  queued: string[];
  commandsBroken: string[];
  visitorTranscripts: string[];
}

async function answered(client: ChaosClient, route: string, token: string): Promise<Record<string, unknown>> {
  const outcome = await client.call('GET', route, { token, budgetMs: 10_000 });
  if (outcome.kind !== 'ack') throw new Error(`GET ${route}: ${outcome.kind === 'unknown' ? outcome.reason : `${outcome.status} ${JSON.stringify(outcome.body)}`}`);
  return outcome.body;
}

/** Every conversation the admin replicates (both demo teams), then each one's transcript. */
export async function readFinalState(client: ChaosClient, adminToken: string): Promise<FinalState> {
  const conversations = new Map<string, StoredConversation>();
  let checkpoint: unknown = null;
  for (let page = 0; page < 100; page++) {
    const query = `?limit=500${checkpoint ? `&checkpoint=${encodeURIComponent(JSON.stringify(checkpoint))}` : ''}`;
    const body = await answered(client, `/api/sync/conversations/pull${query}`, adminToken);
    const documents = body.documents as Array<StoredConversation & { _deleted?: boolean }>;
    for (const doc of documents) if (!doc._deleted) conversations.set(doc.id, doc);
    checkpoint = body.checkpoint;
    if (documents.length < 500) break;
  }
  const transcripts = new Map<string, StoredMessage[]>();
  const ids = [...conversations.keys()];
  // A few at a time: quicker on a loaded machine, without becoming a load test of its own.
  const reader = async () => {
    for (let id = ids.shift(); id !== undefined; id = ids.shift()) {
      const body = await answered(client, `/api/conversations/${encodeURIComponent(id)}/messages`, adminToken);
      transcripts.set(id, body.messages as StoredMessage[]);
    }
  };
  await Promise.all([reader(), reader(), reader(), reader()]);
  return { conversations, transcripts };
}

/** Messages (not lifecycle notices) still waiting for their send: none may stay so. */
export function queuedMessages(state: FinalState): string[] {
  return [...state.transcripts.values()].flat().filter((m) => m.status === 'queued').map((m) => `${m.id} (${m.direction}) in ${m.conversationId}`);
}

export function checkMessages(ledger: Ledger, state: FinalState): Pick<Findings, 'lost' | 'doubled' | 'outOfOrder'> {
  const where = new Map<string, Array<{ conversationId: string; index: number }>>();
  for (const [conversationId, messages] of state.transcripts) {
    messages.forEach((m, index) => where.set(m.id, [...(where.get(m.id) ?? []), { conversationId, index }]));
  }
  const lost: string[] = [];
  const doubled: string[] = [];
  // Per conversation and author, the transcript positions in acknowledgement order.
  const positions = new Map<string, Array<{ index: number; messageId: string }>>();
  for (const acked of [...ledger.messages].sort((a, b) => a.seq - b.seq)) {
    const found = where.get(acked.messageId) ?? [];
    if (found.length === 0) {
      lost.push(acked.messageId);
      continue;
    }
    if (found.length > 1) doubled.push(`${acked.messageId} stored ${found.length} times`);
    const [first] = found;
    if (!first) continue;
    const transcript = state.transcripts.get(first.conversationId) ?? [];
    const copies = transcript.filter((m) => m.text === acked.text);
    if (copies.length > 1) doubled.push(`${acked.messageId}: its text appears ${copies.length} times (${copies.map((m) => m.id).join(', ')})`);
    const key = `${first.conversationId} ${acked.author}`;
    positions.set(key, [...(positions.get(key) ?? []), { index: first.index, messageId: acked.messageId }]);
  }
  const outOfOrder: string[] = [];
  for (const [key, list] of positions) {
    for (let i = 1; i < list.length; i++) {
      const before = list[i - 1];
      const after = list[i];
      if (before && after && after.index <= before.index) outOfOrder.push(`${key}: ${after.messageId} before ${before.messageId}`);
    }
  }
  return { lost, doubled, outOfOrder };
}

/** The effect of the last acknowledged command per conversation holds; every acknowledged transfer is in the history. */
export function checkCommands(ledger: Ledger, state: FinalState): string[] {
  const broken: string[] = [];
  const byConversation = new Map<string, AckedCommand[]>();
  for (const c of ledger.commands) byConversation.set(c.conversationId, [...(byConversation.get(c.conversationId) ?? []), c]);
  for (const [id, commands] of byConversation) {
    if (ledger.uncertain.has(id)) continue;
    const conversation = state.conversations.get(id);
    if (!conversation) {
      broken.push(`${id}: acknowledged ${commands.length} commands but the conversation is gone`);
      continue;
    }
    for (const t of commands.filter((c) => c.kind === 'transfer')) {
      if (!conversation.transfers.some((entry) => entry.id === t.commandId && entry.toAgentId === t.toAgentId)) {
        broken.push(`${id}: acknowledged transfer ${t.commandId} to ${t.toAgentId} is not in its history`);
      }
    }
    const last = [...commands].sort((a, b) => a.sentSeq - b.sentSeq).at(-1);
    if (!last) continue;
    const now = `status ${conversation.status}, agent ${conversation.agentId}`;
    if (last.kind === 'finish') {
      if (conversation.status !== 'finished' || conversation.finishCommandId !== last.commandId) {
        broken.push(`${id}: acknowledged finish ${last.commandId}, but ${now}, finish ${conversation.finishCommandId}`);
      }
    } else {
      const holder = last.kind === 'claim' ? last.agentId : last.toAgentId;
      if (conversation.status !== 'active' || conversation.agentId !== holder) {
        broken.push(`${id}: acknowledged ${last.kind} ${last.commandId} leaves it with ${holder}, but ${now}`);
      }
    }
  }
  return broken;
}

/** The customer's side: each acknowledged visitor message once in their own transcript, in the order sent. */
export async function checkVisitorTranscripts(client: ChaosClient, ledger: Ledger): Promise<string[]> {
  const problems: string[] = [];
  for (const visitor of ledger.visitors) {
    const body = await answered(client, '/api/webchat/messages', visitor.token);
    const ids = (body.messages as Array<{ id: string }>).map((m) => m.id);
    const mine = ledger.messages.filter((m) => m.author === visitor.visitorId).sort((a, b) => a.seq - b.seq);
    let last = -1;
    for (const acked of mine) {
      const at = ids.indexOf(acked.messageId);
      if (at < 0 || ids.lastIndexOf(acked.messageId) !== at) problems.push(`${visitor.visitorId}: ${acked.messageId} shown ${ids.filter((i) => i === acked.messageId).length} times`);
      else if (at <= last) problems.push(`${visitor.visitorId}: ${acked.messageId} out of order`);
      last = Math.max(last, at);
    }
  }
  return problems;
}

import { setTimeout as sleep } from 'node:timers/promises';
import type { ChaosClient } from './client.js';
import type { Ledger } from './ledger.js';

/**
 * The mixed traffic of a chaos run: website visitors writing, agents discovering conversations
 * by replication pull (as the app does), claiming, replying, transferring and finishing. Every
 * loop stops by itself: at its own count, when told, or at the run's hard stop.
 */

export interface Agent {
  userId: string;
  token: string;
}

interface ConversationView {
  id: string;
  status: string;
  agentId: string | null;
  updatedAt: number;
}

const between = (min: number, max: number) => min + Math.random() * (max - min);
const pick = <T>(items: readonly T[]): T | undefined => items[Math.floor(Math.random() * items.length)];

/** Client ids the protocol accepts ([A-Za-z0-9_-]{8,64}), unique per run. */
export function idMaker(runTag: string): (what: string) => string {
  let n = 0;
  return (what) => `chaos${runTag}${what}${(n++).toString(36)}`;
}

export interface VisitorPlan {
  index: number;
  /** At least this many messages; more while `keepGoing()` says so, never more than `maxMessages`. */
  minMessages: number;
  maxMessages: number;
  keepGoing: () => boolean;
  hardStop: number;
}

export async function runVisitor(client: ChaosClient, ledger: Ledger, newId: (what: string) => string, plan: VisitorPlan): Promise<void> {
  const created = await client.call('POST', '/api/webchat/demo-site/visitors', { body: { name: `Visitante ${plan.index}` } });
  if (created.kind !== 'ack') {
    ledger.unanswered.push({ what: `visitor ${plan.index}`, reason: created.kind === 'unknown' ? created.reason : String(created.status) });
    return;
  }
  const visitor = { visitorId: String(created.body.visitorId), token: String(created.body.token) };
  ledger.visitors.push(visitor);
  for (let k = 0; k < plan.maxMessages && Date.now() < plan.hardStop; k++) {
    if (k >= plan.minMessages && !plan.keepGoing()) break;
    await sleep(between(250, 900));
    const id = newId(`v${plan.index}m`);
    const text = `Visitante ${plan.index}, mensagem ${k} (${id})`;
    const sent = await client.call('POST', '/api/webchat/messages', { token: visitor.token, body: { id, text } });
    if (sent.kind === 'ack') {
      const message = sent.body.message as { id: string };
      ledger.message({ messageId: message.id, text, author: visitor.visitorId, visitorToken: visitor.token });
    } else if (sent.kind === 'refused') {
      ledger.refusedMessages.push({ id, status: sent.status, body: sent.body });
    } else {
      ledger.unanswered.push({ what: `visitor message ${id}`, reason: sent.reason });
    }
  }
}

export interface AgentPlan {
  me: Agent;
  colleagues: readonly Agent[];
  /** Conversations held at once before claiming more (below the seat limit of 5). */
  holdAtMost: number;
  stop: () => boolean;
  hardStop: number;
}

/** One agent's working loop: its view of the conversations comes from its own replication pull. */
export async function runAgent(client: ChaosClient, ledger: Ledger, newId: (what: string) => string, plan: AgentPlan): Promise<void> {
  const { me } = plan;
  const views = new Map<string, ConversationView>();
  const replies = new Map<string, number>();
  const claimTried = new Set<string>();
  let checkpoint: unknown = null;
  const see = (doc: Record<string, unknown>) => {
    const id = String(doc.id);
    const known = views.get(id);
    const view = { id, status: String(doc.status), agentId: (doc.agentId as string | null) ?? null, updatedAt: Number(doc.updatedAt) };
    // A pull answered before our own command's write must not bring back the older state.
    if (!known || view.updatedAt >= known.updatedAt) views.set(id, view);
  };
  const act = async (kind: 'claim' | 'transfer' | 'finish', conversationId: string, body: Record<string, unknown>, toAgentId?: string) => {
    const commandId = String(body.id);
    const sentSeq = ledger.now();
    const outcome = await client.call('POST', `/api/conversations/${conversationId}/${kind}`, { token: me.token, body });
    if (outcome.kind === 'ack') {
      ledger.command({ kind, conversationId, agentId: me.userId, commandId, sentSeq, ...(toAgentId ? { toAgentId } : {}) });
      see(outcome.body.conversation as Record<string, unknown>);
    } else if (outcome.kind === 'refused') {
      ledger.refusedCommands++;
    } else {
      ledger.unanswered.push({ what: `${kind} ${conversationId}`, reason: outcome.reason });
      ledger.uncertain.add(conversationId);
    }
  };

  while (!plan.stop() && Date.now() < plan.hardStop) {
    const pulled = await client.call('GET', `/api/sync/conversations/pull?limit=200${checkpoint ? `&checkpoint=${encodeURIComponent(JSON.stringify(checkpoint))}` : ''}`, {
      token: me.token, budgetMs: 1500,
    });
    if (pulled.kind === 'ack') {
      for (const doc of pulled.body.documents as Array<Record<string, unknown>>) if (doc._deleted !== true) see(doc);
      checkpoint = pulled.body.checkpoint;
    }
    const held = [...views.values()].filter((c) => c.status === 'active' && c.agentId === me.userId && !ledger.uncertain.has(c.id));
    const waiting = [...views.values()].filter((c) => c.status === 'waiting' && !claimTried.has(c.id));
    const claimable = held.length < plan.holdAtMost ? pick(waiting) : undefined;
    if (claimable) {
      claimTried.add(claimable.id);
      await act('claim', claimable.id, { id: newId('claim') });
    }
    const target = pick(held);
    if (target) await work(target.id);
    await sleep(between(80, 250));
  }

  async function work(conversationId: string): Promise<void> {
    const sent = replies.get(conversationId) ?? 0;
    const roll = Math.random();
    if (sent < 1 || (sent < 3 && roll < 0.4)) {
      const id = newId('r');
      const text = `Resposta ${sent} de ${me.userId} (${id})`;
      const outcome = await client.call('POST', `/api/conversations/${conversationId}/messages`, { token: me.token, body: { id, text } });
      replies.set(conversationId, sent + 1);
      if (outcome.kind === 'ack') {
        ledger.message({ messageId: String((outcome.body.message as { id: string }).id), text, author: me.userId });
      } else if (outcome.kind === 'unknown') {
        ledger.unanswered.push({ what: `reply ${id}`, reason: outcome.reason });
      }
      return;
    }
    const colleague = pick(plan.colleagues);
    if (roll < 0.7 && colleague) {
      // The receiver's replies start again: it answers in its own name.
      replies.delete(conversationId);
      await act('transfer', conversationId, { id: newId('t'), toAgentId: colleague.userId, note: 'caos' }, colleague.userId);
    } else {
      await act('finish', conversationId, { id: newId('f'), note: 'caos' });
    }
  }
}

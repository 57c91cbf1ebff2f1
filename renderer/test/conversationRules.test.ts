import { describe, expect, it } from 'vitest';
import type { ConversationDoc, UserDoc } from '@atende/protocol';
import { offersResend, panelActions, takesOnOpen } from '../src/components/conversation/rules';
import { messageMigrations } from '../src/db/schemas';

const NOW = 1_700_000_000_000;
const user = (id: string, patch: Partial<UserDoc> = {}): UserDoc => ({
  id, type: 'user', createdAt: NOW, updatedAt: NOW, name: id, email: `${id}@example.com`, role: 'agent',
  teamIds: ['team:suporte'], maxConcurrent: 5, ...patch,
});
const conversation = (patch: Partial<ConversationDoc>): ConversationDoc => ({
  id: 'conversation:c1', type: 'conversation', createdAt: NOW, updatedAt: NOW, contactId: 'contact:x', channel: 'whatsapp',
  channelAccountId: 'channel:wa', teamId: 'team:suporte', formerTeamIds: [], status: 'waiting', agentId: null,
  invitedAgentIds: [], protocol: '20240101-000001', startedBy: 'customer', waitingSince: NOW, takenAt: null,
  finishedAt: null, finishedBy: null, lastInboundAt: NOW, lastMessageAt: NOW, lastPreview: 'oi', disposition: null,
  finishNote: '', tags: [], transfers: [], ticketLinks: [], channelMeta: {}, ...patch,
});

const ana = user('user:ana');
const bruno = user('user:bruno');
const chefe = user('user:chefe', { role: 'supervisor', teamIds: ['team:suporte'] });
const active = conversation({ status: 'active', agentId: ana.id, takenAt: NOW });

describe('conversation controls follow the protocol rule (issue 7 point 1)', () => {
  it('R-WS-04 R-WS-05 R-WS-06 the holder writes, transfers, finishes and resends; a teammate does none of it', () => {
    expect(panelActions(ana, active)).toEqual({ reply: true, transfer: true, finish: true, resend: true });
    expect(panelActions(bruno, active)).toEqual({ reply: false, transfer: false, finish: false, resend: false });
    expect(panelActions(undefined, active)).toEqual({ reply: false, transfer: false, finish: false, resend: false });
  });

  it('R-WS-04 an invited collaborator writes and resends but does not transfer or finish', () => {
    const invited = conversation({ ...active, invitedAgentIds: [bruno.id] });
    expect(panelActions(bruno, invited)).toEqual({ reply: true, transfer: false, finish: false, resend: true });
  });

  it('R-WS-05 R-WS-06 a supervisor transfers and finishes their team’s conversations but writes in none', () => {
    expect(panelActions(chefe, active)).toEqual({ reply: false, transfer: true, finish: true, resend: false });
  });

  it('R-SV-04 another team’s supervisor sees the conversation but is offered no action on it', () => {
    const watcher = user('user:sol', { role: 'supervisor', teamIds: ['team:comercial'] });
    expect(panelActions(watcher, active)).toEqual({ reply: false, transfer: false, finish: false, resend: false });
  });

  it('R-WS-06 a finished conversation (a pop-out keeps showing it) offers no action', () => {
    const finished = conversation({ ...active, status: 'finished', finishedAt: NOW });
    expect(panelActions(ana, finished)).toEqual({ reply: false, transfer: false, finish: false, resend: false });
  });

  it('R-WS-02 opening a waiting card takes it; opening one’s own or another’s active conversation does not', () => {
    expect(takesOnOpen(ana, conversation({}))).toBe(true);
    expect(takesOnOpen(ana, active)).toBe(false);
    expect(takesOnOpen(bruno, active)).toBe(false);
    expect(takesOnOpen(user('user:vendas', { teamIds: ['team:vendas'] }), conversation({}))).toBe(false);
    expect(takesOnOpen(undefined, conversation({}))).toBe(false);
  });
});

describe('failed sends (issue 7 point 2)', () => {
  it('R-WS-04 "Reenviar" is offered only for a failed outgoing message, to a user who may resend', () => {
    expect(offersResend({ direction: 'out', status: 'failed' }, true)).toBe(true);
    expect(offersResend({ direction: 'out', status: 'failed' }, false)).toBe(false);
    for (const status of ['queued', 'sent', 'delivered', 'read'] as const) {
      expect(offersResend({ direction: 'out', status }, true), status).toBe(false);
    }
    expect(offersResend({ direction: 'in', status: 'failed' }, true)).toBe(false);
  });

  it('R-WS-04 a message stored by an older replica gains an empty payload on migration', () => {
    const stored = { id: 'message:m1', text: 'oi', attachments: [] } as unknown as Parameters<typeof messageMigrations[1]>[0];
    expect(messageMigrations[1](stored)).toMatchObject({ id: 'message:m1', payload: {} });
    expect(messageMigrations[1]({ ...stored, payload: { lat: 1 } }).payload).toEqual({ lat: 1 });
  });
});

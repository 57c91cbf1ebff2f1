import { describe, expect, it } from 'vitest';
import type { ConversationDoc, PresenceStatus, Transfer, UserDoc } from '@atende/protocol';
import { inviteCandidates } from '../src/components/invite/candidates';
import { arrivingTransfer, noteForReceiver } from '../src/components/invite/transferNote';
import { traceLine } from '../src/components/conversation/transcript';

const NOW = 1_700_000_000_000;
const user = (key: string, name: string, patch: Partial<UserDoc> = {}): UserDoc => ({
  id: `user:${key}`, type: 'user', createdAt: NOW, updatedAt: NOW, name, email: `${key}@example.com`, role: 'agent',
  teamIds: ['team:suporte'], maxConcurrent: 5, ...patch,
});
const conversation = (patch: Partial<ConversationDoc>): ConversationDoc => ({
  id: 'conversation:c1', type: 'conversation', createdAt: NOW, updatedAt: NOW, contactId: 'contact:x', channel: 'webchat',
  channelAccountId: 'channel:w', teamId: 'team:suporte', formerTeamIds: [], status: 'active', agentId: 'user:ana',
  invitedAgentIds: [], protocol: '20240101-000001', startedBy: 'customer', waitingSince: NOW, takenAt: NOW,
  finishedAt: null, finishedBy: null, lastInboundAt: NOW, lastMessageAt: NOW, lastPreview: 'oi', disposition: null,
  finishNote: '', tags: [], transfers: [], ticketLinks: [], channelMeta: {}, ...patch,
});
const transfer = (patch: Partial<Transfer>): Transfer => ({
  id: 't1', at: NOW, byUserId: 'user:ana', fromTeamId: 'team:suporte', toTeamId: 'team:suporte', fromAgentId: 'user:ana', toAgentId: null, ...patch,
});

describe('R-WS-05 the invite dialog lists colleagues by live status', () => {
  const users = [
    user('ana', 'Ana Souza'),
    user('zeca', 'Zeca Offline'),
    user('bruno', 'Bruno Lima'),
    user('paula', 'Paula Pausa', { pause: { typeId: 'pauseType:cafe', name: 'Café', since: NOW, maxMinutes: 15 } }),
    user('carla', 'Carla Mendes', { role: 'supervisor', teamIds: ['team:comercial'] }),
    user('diego', 'Diego Ramos', { teamIds: ['team:comercial'] }),
    user('eva', 'Eva Já', {}),
  ];
  const presence = new Map<string, PresenceStatus>([
    ['user:bruno', 'online'], ['user:paula', 'online'], ['user:carla', 'paused'], ['user:diego', 'online'],
  ]);

  it('R-WS-05 online first, then paused, then offline; never me, the owner, those already in, or other teams’ agents', () => {
    const c = conversation({ invitedAgentIds: ['user:eva'] });
    const listed = inviteCandidates(users, c, 'user:ana', presence).map((x) => [x.user.name, x.status]);
    expect(listed).toEqual([
      ['Bruno Lima', 'online'],
      ['Carla Mendes', 'paused'],
      // A pause on the user document reads as paused even while the socket still says online.
      ['Paula Pausa', 'paused'],
      ['Zeca Offline', 'offline'],
    ]);
  });

  it('R-WS-05 R-WS-09 a colleague in a pause stays listed but cannot be chosen, with the pause as the reason', () => {
    const listed = inviteCandidates(users, conversation({}), 'user:ana', presence);
    expect(listed.find((x) => x.user.id === 'user:paula')).toMatchObject({ status: 'paused', pausedAs: 'Café' });
    // Only the pause on the user document refuses (the server's rule); the others may be chosen.
    expect(listed.filter((x) => x.pausedAs !== null).map((x) => x.user.id)).toEqual(['user:paula']);
  });

  it('R-WS-05 a supervisor inviting does not list themselves, and lists the owner never', () => {
    const listed = inviteCandidates(users, conversation({}), 'user:carla', presence).map((x) => x.user.id);
    expect(listed).not.toContain('user:carla');
    expect(listed).not.toContain('user:ana');
  });
});

describe('R-WS-19 transfer notes reach their receiver', () => {
  const bruno = { id: 'user:bruno', teamIds: ['team:suporte'] };

  it('R-WS-19 a transfer to me by someone else arrives; my own transfer or one to someone else does not', () => {
    const toBruno = transfer({ toAgentId: 'user:bruno', note: 'Cliente VIP' });
    expect(arrivingTransfer(conversation({ agentId: 'user:bruno', transfers: [toBruno] }), bruno)).toBe(toBruno);
    expect(arrivingTransfer(conversation({ agentId: 'user:carla', transfers: [transfer({ toAgentId: 'user:carla' })] }), bruno)).toBeUndefined();
    expect(arrivingTransfer(conversation({ agentId: 'user:ana', transfers: [transfer({ byUserId: 'user:bruno', toAgentId: 'user:ana' })] }), bruno))
      .toBeUndefined();
  });

  it('R-WS-19 a return to my team’s queue arrives to me while it waits; not once taken, not for another team', () => {
    const back = transfer({ note: 'Retornar à tarde' });
    expect(arrivingTransfer(conversation({ status: 'waiting', agentId: null, transfers: [back] }), bruno)).toBe(back);
    expect(arrivingTransfer(conversation({ status: 'active', agentId: 'user:carla', transfers: [back] }), bruno)).toBeUndefined();
    const away = transfer({ toTeamId: 'team:comercial' });
    expect(arrivingTransfer(conversation({ status: 'waiting', agentId: null, teamId: 'team:comercial', transfers: [away] }), bruno)).toBeUndefined();
  });

  it('R-WS-19 the note stays on top for the receiver until they answer or dismiss it', () => {
    const back = transfer({ id: 't9', note: 'Retornar à tarde', at: NOW });
    const mine = conversation({ agentId: 'user:bruno', transfers: [back] });
    expect(noteForReceiver(mine, 'user:bruno', [], new Set())).toBe(back);
    expect(noteForReceiver(mine, 'user:bruno', [{ direction: 'in', authorId: null, createdAt: NOW + 5 }], new Set())).toBe(back);
    expect(noteForReceiver(mine, 'user:bruno', [{ direction: 'out', authorId: 'user:bruno', createdAt: NOW + 5 }], new Set())).toBeUndefined();
    expect(noteForReceiver(mine, 'user:bruno', [], new Set(['t9']))).toBeUndefined();
    // Not for whoever wrote it, nor for a transfer without a note.
    expect(noteForReceiver(conversation({ agentId: 'user:ana', transfers: [back] }), 'user:ana', [], new Set())).toBeUndefined();
    expect(noteForReceiver(conversation({ agentId: 'user:bruno', transfers: [transfer({})] }), 'user:bruno', [], new Set())).toBeUndefined();
  });

  it('R-WS-19 the forwarding history shows the note with its line; R-WS-05 invitations read as trace lines', () => {
    const t = (key: string, params?: Record<string, unknown>) => `${key}${params ? JSON.stringify(params) : ''}`;
    const names = { user: (id: string) => ({ 'user:ana': 'Ana Souza' })[id], team: () => 'Suporte' };
    const line = traceLine({ event: 'returned', fromAgentId: 'user:ana', byUserId: 'user:ana', note: 'Retornar à tarde' }, names, t);
    expect(line).toContain('returnQueue.traceNote');
    expect(line).toContain('Retornar à tarde');
    expect(traceLine({ event: 'returned', fromAgentId: 'user:ana', byUserId: 'user:ana' }, names, t)).not.toContain('traceNote');
    expect(traceLine({ event: 'invited', agentId: 'user:bruno', agentName: 'Bruno Lima', byUserId: 'user:ana' }, names, t))
      .toBe('invite.event.invited{"agent":"Bruno Lima","by":"Ana Souza"}');
    expect(traceLine({ event: 'left', agentId: 'user:bruno', agentName: 'Bruno Lima' }, names, t)).toBe('invite.event.left{"agent":"Bruno Lima"}');
  });
});

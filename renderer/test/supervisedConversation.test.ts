import { afterEach, describe, expect, it } from 'vitest';
import { effectScope, nextTick, shallowRef } from 'vue';
import type { ConversationDoc, UserDoc } from '@atende/protocol';
import { supervisedActions, supervisedDuration } from '../src/components/supervisor/supervisedActions';
import { refusalOf, useSupervisedRefusal } from '../src/components/supervisor/supervisedRefusal';
import { CommandRefused, type Transport } from '../src/db/outbox';
import { closeOutboxes, outboxCollection, startedOutbox } from './outboxFixture';

const NOW = 1_700_000_000_000;
const user = (id: string, patch: Partial<UserDoc> = {}): UserDoc => ({
  id, type: 'user', createdAt: NOW, updatedAt: NOW, name: id, email: `${id}@example.com`, role: 'agent',
  teamIds: ['team:suporte'], maxConcurrent: 5, ...patch,
});
const conversation = (patch: Partial<ConversationDoc>): ConversationDoc => ({
  id: 'conversation:c1', type: 'conversation', createdAt: NOW, updatedAt: NOW, contactId: 'contact:x', channel: 'webchat',
  channelAccountId: 'channel:site', teamId: 'team:suporte', formerTeamIds: [], status: 'waiting', agentId: null,
  invitedAgentIds: [], protocol: '20240101-000001', startedBy: 'customer', waitingSince: NOW, takenAt: null,
  finishedAt: null, finishedBy: null, lastInboundAt: NOW, lastMessageAt: NOW, lastPreview: 'oi', disposition: null,
  finishNote: '', tags: [], transfers: [], ticketLinks: [], channelMeta: {}, ...patch,
});

const carla = user('user:carla', { role: 'supervisor', teamIds: ['team:suporte', 'team:comercial'] });
const sol = user('user:sol', { role: 'supervisor', teamIds: ['team:comercial'] });
const admin = user('user:admin', { role: 'admin', teamIds: [] });
const ana = user('user:ana');
const active = conversation({ status: 'active', agentId: ana.id, takenAt: NOW });
const enabled = (state: { enabled: boolean }) => state.enabled;

describe('the supervisor’s actions on a watched conversation (R-SV-04)', () => {
  it('R-SV-04 a supervisor of the team transfers, returns and finishes an active conversation; release is for the bot only', () => {
    const actions = supervisedActions(carla, active);
    expect([actions.transfer, actions.returnToQueue, actions.finish].map(enabled)).toEqual([true, true, true]);
    expect(actions.release).toEqual({ enabled: false, reason: 'notInBot' });
  });

  it('R-SV-04 a waiting conversation is transferred or finished, not returned to the queue it is in', () => {
    const actions = supervisedActions(carla, conversation({}));
    expect(actions.transfer.enabled && actions.finish.enabled).toBe(true);
    expect(actions.returnToQueue).toEqual({ enabled: false, reason: 'notActive' });
  });

  it('R-SV-04 a contact stuck in the bot is released by its team’s supervisor; the agents’ commands wait for that', () => {
    const inBot = conversation({ status: 'bot', waitingSince: null });
    const actions = supervisedActions(carla, inBot);
    expect(actions.release).toEqual({ enabled: true });
    expect(actions.transfer).toEqual({ enabled: false, reason: 'inBot' });
    expect(actions.finish).toEqual({ enabled: false, reason: 'inBot' });
  });

  it('R-SV-04 a supervisor watching another team’s conversation is told they act only on their own teams', () => {
    for (const c of [active, conversation({ status: 'bot', waitingSince: null })]) {
      const actions = supervisedActions(sol, c);
      expect(Object.values(actions).some(enabled)).toBe(false);
      expect(c.status === 'bot' ? actions.release : actions.transfer).toEqual({ enabled: false, reason: 'notYourTeam' });
    }
  });

  it('R-SV-04 an admin acts on every team', () => {
    expect(supervisedActions(admin, active).finish).toEqual({ enabled: true });
    expect(supervisedActions(admin, conversation({ status: 'bot' })).release).toEqual({ enabled: true });
  });

  it('R-SV-04 a finished conversation, or one not in the replica, offers nothing', () => {
    const finished = supervisedActions(carla, conversation({ status: 'finished', finishedAt: NOW }));
    expect(finished.finish).toEqual({ enabled: false, reason: 'finished' });
    expect(finished.release).toEqual({ enabled: false, reason: 'finished' });
    expect(supervisedActions(carla, undefined).transfer).toEqual({ enabled: false, reason: 'unknown' });
    expect(supervisedActions(undefined, active).transfer).toEqual({ enabled: false, reason: 'unknown' });
  });

  it('R-SV-03 the duration runs from creation to now while open, and stops at the finish', () => {
    expect(supervisedDuration(active, NOW + 96_000)).toBe(96_000);
    expect(supervisedDuration(conversation({ finishedAt: NOW + 60_000 }), NOW + 600_000)).toBe(60_000);
    expect(supervisedDuration(active, NOW - 5_000)).toBe(0);
  });
});

describe('the server’s refusal shows on the panel (R-SV-04)', () => {
  afterEach(closeOutboxes);
  const refused = { status: 403, code: 'forbidden', message: 'Esta conversa é de uma equipe da qual você não faz parte.' };

  it('R-SV-04 only a refused transfer, return or finish of this conversation counts', () => {
    const doc = { kind: 'transfer' as const, conversationId: 'conversation:c1', state: 'rejected' as const, error: refused };
    expect(refusalOf(doc, 'conversation:c1')).toBe(refused.message);
    expect(refusalOf(doc, 'conversation:other')).toBeUndefined();
    expect(refusalOf({ ...doc, kind: 'reply' }, 'conversation:c1')).toBeUndefined();
    expect(refusalOf({ ...doc, state: 'pending', error: null }, 'conversation:c1')).toBeUndefined();
  });

  it('R-SV-04 a finish the server refuses through the agents’ outbox leaves its sentence on the panel', async () => {
    const collection = await outboxCollection();
    const transport: Transport = () => Promise.reject(new CommandRefused(refused));
    const outbox = startedOutbox(collection, transport, { retryMinMs: 5, retryMaxMs: 10 });
    const scope = effectScope();
    const shown = scope.run(() => useSupervisedRefusal(shallowRef({ outbox: collection }), () => 'conversation:c1'));
    await outbox.enqueue({ kind: 'finish', conversationId: 'conversation:c1', body: { disposition: null, note: '' } }, 'cmd-1');
    await expect(outbox.settled('cmd-1')).rejects.toBeInstanceOf(CommandRefused);
    await nextTick();
    expect(shown?.value).toBe(refused.message);
    // The refused command left the store (the dialog's `settled` dismisses it); the sentence stays.
    expect(await collection.count().exec()).toBe(0);
    expect(shown?.value).toBe(refused.message);
    scope.stop();
  });
});

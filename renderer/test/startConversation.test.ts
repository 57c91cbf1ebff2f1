import { describe, expect, it } from 'vitest';
import { nextTick, ref } from 'vue';
import type { AgentChannel } from '@atende/protocol';
import {
  destinationState, prefill, showsInvalid, startBlocker, startOrigins, startTeams, useStartForm,
} from '../src/components/start/startForm';
import { failedCall } from '../src/net/failedCall';
import { saveChannels, savedChannels, type ChannelsStorage } from '../src/stores/channelsStorage';
import { FakeApiError } from './apiErrorFake';

/** "Nova conversa" (manual 003): what the dialog offers, pre-fills and lets the agent create. */
const channel = (over: Partial<AgentChannel>): AgentChannel => ({
  id: 'channel:wa1', kind: 'whatsapp', name: 'WhatsApp Suporte', teamId: 'team:suporte',
  displayPhoneNumber: '5511912345678', canStart: true, humanAgentTag: false, ...over,
});
const names: Record<string, string> = { 'team:suporte': 'Suporte', 'team:comercial': 'Comercial' };
const teamName = (id: string) => names[id];

describe('R-WA-01 team and origin number', () => {
  const channels = [
    channel({}),
    channel({ id: 'channel:site', kind: 'webchat', name: 'Site', displayPhoneNumber: null, canStart: false }),
    channel({ id: 'channel:wa2', name: 'Comercial WA', teamId: 'team:comercial', displayPhoneNumber: '551131234567' }),
    channel({ id: 'channel:wa3', name: 'Vendas WA', teamId: 'team:vendas' }),
  ];

  it('offers the agent’s own teams that have a number to start from, by name', () => {
    expect(startTeams(['team:suporte', 'team:comercial'], channels, teamName)).toEqual([
      { id: 'team:suporte', name: 'Suporte' }, { id: 'team:comercial', name: 'Comercial' },
    ]);
    // A team with only the website chat cannot start a conversation; another team's number is not offered.
    expect(startTeams(['team:suporte'], [channels[1] as AgentChannel, channels[3] as AgentChannel], teamName)).toEqual([]);
  });

  it('offers the startable numbers of the chosen team with name and formatted number', () => {
    expect(startOrigins(channels, 'team:suporte')).toEqual([{ id: 'channel:wa1', name: 'WhatsApp Suporte', number: '+55 11 91234-5678' }]);
    expect(startOrigins(channels, 'team:comercial')).toEqual([{ id: 'channel:wa2', name: 'Comercial WA', number: '+55 11 3123-4567' }]);
    expect(startOrigins(channels, '')).toEqual([]);
  });

  it('pre-fills a select when only one option exists, keeps a choice still offered, else leaves it empty', () => {
    expect(prefill([{ id: 'a' }], '')).toBe('a');
    expect(prefill([{ id: 'a' }, { id: 'b' }], '')).toBe('');
    expect(prefill([{ id: 'a' }, { id: 'b' }], 'b')).toBe('b');
    expect(prefill([{ id: 'a' }, { id: 'b' }], 'gone')).toBe('');
    expect(prefill([], 'gone')).toBe('');
  });

  it('the form pre-fills team and origin when the agent has one of each, and follows a team change', async () => {
    const list = ref<readonly AgentChannel[]>([channel({})]);
    const form = useStartForm({ teamIds: ref(['team:suporte', 'team:comercial']), channels: list, teamName, online: ref(true) });
    form.reset();
    expect(form.teamId.value).toBe('team:suporte');
    expect(form.originId.value).toBe('channel:wa1');

    // A second team with a number: the agent must choose the team; the origin follows it.
    list.value = [...list.value, channel({ id: 'channel:wa2', teamId: 'team:comercial' })];
    await nextTick();
    form.reset();
    expect(form.teamId.value).toBe('');
    expect(form.originId.value).toBe('');
    form.teamId.value = 'team:comercial';
    await nextTick();
    expect(form.originId.value).toBe('channel:wa2');
  });
});

describe('R-WA-02 R-WA-03 R-WA-04 the destination number', () => {
  it('R-WA-02 takes area code + number (55 added) and says where it will go', () => {
    expect(destinationState('11987654321')).toEqual({ status: 'valid', e164: '5511987654321' });
    expect(destinationState('(11)987654321')).toEqual({ status: 'valid', e164: '5511987654321' });
    expect(destinationState('  ')).toEqual({ status: 'empty' });
  });

  it('R-WA-03 a mobile without 11 digits is invalid; the message shows when the field is left, or at once when more digits cannot fix it', () => {
    const short = destinationState('1198765432');
    expect(short).toEqual({ status: 'invalid', fixable: true });
    expect(showsInvalid(short, false)).toBe(false);
    expect(showsInvalid(short, true)).toBe(true);
    const long = destinationState('119876543210');
    expect(long).toEqual({ status: 'invalid', fixable: false });
    expect(showsInvalid(long, false)).toBe(true);
    expect(showsInvalid(destinationState('0012345678'), false)).toBe(true);
  });

  it('R-WA-04 a landline stays incomplete (no message, button disabled) until its 10 digits', () => {
    const nine = destinationState('113123456');
    expect(nine).toEqual({ status: 'incomplete' });
    expect(showsInvalid(nine, true)).toBe(false);
    expect(startBlocker({ teamId: 't', originId: 'o', destination: nine, online: true, busy: false })).toBe('destination');
    expect(destinationState('1131234567')).toEqual({ status: 'valid', e164: '551131234567' });
  });
});

describe('R-WA-01 R-WA-04 when "Criar conversa" can be pressed', () => {
  const valid = destinationState('11987654321');
  const ready = { teamId: 'team:suporte', originId: 'channel:wa1', destination: valid, online: true, busy: false };

  it('only with a team, an origin and a valid number, online and not already sending', () => {
    expect(startBlocker(ready)).toBeUndefined();
    expect(startBlocker({ ...ready, teamId: '' })).toBe('team');
    expect(startBlocker({ ...ready, originId: '' })).toBe('origin');
    expect(startBlocker({ ...ready, destination: destinationState('1198765432') })).toBe('destination');
    expect(startBlocker({ ...ready, busy: true })).toBe('busy');
    // Offline is said first: nothing else the agent fixes would let it through.
    expect(startBlocker({ ...ready, teamId: '', online: false })).toBe('offline');
  });

  it('the form follows the connection and the typed number', async () => {
    const online = ref(false);
    const form = useStartForm({ teamIds: ref(['team:suporte']), channels: ref([channel({})]), teamName, online });
    form.reset('11987654321');
    expect(form.blocker.value).toBe('offline');
    online.value = true;
    await nextTick();
    expect(form.blocker.value).toBeUndefined();
    form.destination.value = '113123456';
    expect(form.blocker.value).toBe('destination');
    expect(form.invalidShown.value).toBe(false);
  });
});

describe('R-WA-03 the server’s answer to "Criar conversa"', () => {
  it('a refusal keeps its code and sentence (invalid_number goes under the field); no answer or a server fault are no refusal', () => {
    const refused = failedCall(new FakeApiError(422, 'invalid_number', 'Número inválido. Verifique o DDD e o número.'));
    expect(refused).toEqual({ kind: 'refused', code: 'invalid_number', message: 'Número inválido. Verifique o DDD e o número.' });
    expect(failedCall(new FakeApiError(409, 'already_served', 'Este cliente já está em atendimento.'))).toMatchObject({ kind: 'refused', code: 'already_served' });
    expect(failedCall(new FakeApiError(0, 'network', 'Sem conexão com o servidor'))).toEqual({ kind: 'unreachable' });
    expect(failedCall(new FakeApiError(503, 'unavailable', 'stack trace'))).toEqual({ kind: 'failed' });
    expect(failedCall(new TypeError('boom'))).toEqual({ kind: 'failed' });
  });
});

describe('R-WA-01 origin numbers kept for offline display', () => {
  const memory = (): ChannelsStorage & { data: Map<string, string> } => {
    const data = new Map<string, string>();
    return {
      data,
      getItem: (key) => data.get(key) ?? null,
      setItem: (key, value) => void data.set(key, value),
      removeItem: (key) => void data.delete(key),
    };
  };

  it('the last list comes back for the same user only, and a damaged entry reads as none', () => {
    const storage = memory();
    saveChannels(storage, 'user:ana', [channel({})]);
    expect(savedChannels(storage, 'user:ana')).toEqual([channel({})]);
    expect(savedChannels(storage, 'user:bruno')).toEqual([]);
    expect(savedChannels(storage, undefined)).toEqual([]);
    storage.data.set('atende.channels', '{"userId":"user:ana","channels":[{"id":1}]}');
    expect(savedChannels(storage, 'user:ana')).toEqual([]);
    storage.data.set('atende.channels', 'not json');
    expect(savedChannels(storage, 'user:ana')).toEqual([]);
  });
});

import { describe, expect, it } from 'vitest';
import {
  authorPrefix, identifiesAuthor, InviteBody, mayBeInvited, upstreamText, visitorEvent, type ChannelKind,
} from '../src/index.js';

const conversation = (channel: ChannelKind, invitedAgentIds: string[] = []) => ({ channel, agentId: 'user:ana', invitedAgentIds, teamId: 'team:suporte' });
const message = (authorId: string, authorName: string, text = 'Olá', kind: 'text' | 'template' | 'image' = 'text') =>
  ({ direction: 'out' as const, authorId, authorName, kind, text });

describe('R-WS-05 each agent’s messages are identified to the customer', () => {
  it('R-WS-05 alone in the conversation the owner writes as the company: no prefix', () => {
    expect(upstreamText(conversation('whatsapp'), message('user:ana', 'Ana Souza'))).toBe('Olá');
    expect(identifiesAuthor(conversation('telegram'), message('user:ana', 'Ana Souza'))).toBe(false);
  });

  it('R-WS-05 with invitees every agent’s text names its author: bold on WhatsApp, plain elsewhere', () => {
    const group = (channel: ChannelKind) => conversation(channel, ['user:bruno']);
    expect(upstreamText(group('whatsapp'), message('user:bruno', 'Bruno Lima'))).toBe('*Bruno Lima*: Olá');
    expect(upstreamText(group('whatsapp'), message('user:ana', 'Ana Souza'))).toBe('*Ana Souza*: Olá');
    expect(upstreamText(group('telegram'), message('user:bruno', 'Bruno Lima'))).toBe('Bruno Lima: Olá');
    expect(upstreamText(group('messenger'), message('user:ana', 'Ana Souza', 'legenda', 'image'))).toBe('Ana Souza: legenda');
  });

  it('R-WS-05 the website chat shows the author by itself, Reclame Aqui answers as the company, templates go as approved', () => {
    expect(upstreamText(conversation('webchat', ['user:bruno']), message('user:bruno', 'Bruno Lima'))).toBe('Olá');
    expect(upstreamText(conversation('reclameaqui', ['user:bruno']), message('user:bruno', 'Bruno Lima'))).toBe('Olá');
    expect(upstreamText(conversation('whatsapp', ['user:bruno']), message('user:ana', 'Ana Souza', 'Modelo', 'template'))).toBe('Modelo');
    // A file without caption gets no caption made of a name alone.
    expect(upstreamText(conversation('telegram', ['user:bruno']), message('user:ana', 'Ana Souza', ''))).toBe('');
  });

  it('R-WS-05 an invitee who left before the send still signs the message: it is never passed off as the owner’s', () => {
    expect(upstreamText(conversation('telegram'), message('user:bruno', 'Bruno Lima'))).toBe('Bruno Lima: Olá');
  });

  it('R-WS-05 a name with asterisks or odd spacing cannot break WhatsApp’s bold', () => {
    expect(authorPrefix('whatsapp', ' Ana  *Star* Souza ')).toBe('*Ana Star Souza*:');
    expect(authorPrefix('instagram', 'Ana *Star*')).toBe('Ana *Star*:');
  });
});

describe('R-WS-05 who may be invited', () => {
  it('R-WS-05 agents of the conversation’s team, supervisors and admins; never the owner', () => {
    const c = conversation('webchat');
    expect(mayBeInvited({ id: 'user:bruno', role: 'agent', teamIds: ['team:suporte'] }, c)).toBe(true);
    expect(mayBeInvited({ id: 'user:diego', role: 'agent', teamIds: ['team:comercial'] }, c)).toBe(false);
    expect(mayBeInvited({ id: 'user:carla', role: 'supervisor', teamIds: [] }, c)).toBe(true);
    expect(mayBeInvited({ id: 'user:ana', role: 'agent', teamIds: ['team:suporte'] }, c)).toBe(false);
  });

  it('R-WS-05 an invitation names 1 to 10 different agents', () => {
    expect(InviteBody.safeParse({ agentIds: ['user:bruno'] }).success).toBe(true);
    expect(InviteBody.safeParse({ agentIds: [] }).success).toBe(false);
    expect(InviteBody.safeParse({ agentIds: ['user:bruno', 'user:bruno'] }).success).toBe(false);
    expect(InviteBody.safeParse({ agentIds: Array.from({ length: 11 }, (_, i) => `user:u${i}`) }).success).toBe(false);
  });
});

describe('R-WS-19 a transfer note stays internal', () => {
  it('R-WS-19 the widget’s copy of a transfer or return event carries no note', () => {
    const transferred = {
      event: 'transferred' as const, fromTeamId: 'team:a', toTeamId: 'team:b', fromAgentId: null, toAgentId: null, byUserId: 'user:ana', note: 'segredo',
    };
    expect(visitorEvent(transferred)).not.toHaveProperty('note');
    expect(visitorEvent({ event: 'returned', fromAgentId: 'user:ana', byUserId: 'user:ana', note: 'x' })).toEqual({
      event: 'returned', fromAgentId: 'user:ana', byUserId: 'user:ana',
    });
  });
});

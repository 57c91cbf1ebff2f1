import { describe, expect, it } from 'vitest';
import type { ConversationDoc } from '../src/index.js';
import {
  favouriteIdOf, Id, mayEditNote, mayMark, mayRemoveNote, mayTag, mayTagConversation, personalViewerOf, tombstoneOf, viewerOf, visibilityOf,
} from '../src/index.js';

/** The shared rules of the conversation's context (issue 9 point 3), used by server and renderer alike. */
const T0 = 1_700_000_000_000;
const active: ConversationDoc = {
  id: 'conversation:c1', type: 'conversation', createdAt: T0, updatedAt: T0, contactId: 'contact:k1', channel: 'whatsapp',
  channelAccountId: 'channel:wa1', teamId: 'team:suporte', formerTeamIds: [], status: 'active', agentId: 'user:ana',
  invitedAgentIds: [], protocol: '20231114-000001', startedBy: 'customer', waitingSince: T0, takenAt: T0, finishedAt: null,
  finishedBy: null, lastInboundAt: T0, lastMessageAt: T0, lastPreview: 'oi', disposition: null, finishNote: '', tags: [],
  transfers: [], ticketLinks: [], channelMeta: {},
};
const finished: ConversationDoc = { ...active, status: 'finished', finishedAt: T0, finishedBy: 'user:ana' };
const ana = { id: 'user:ana', role: 'agent' as const, teamIds: ['team:suporte'] };
const bia = { id: 'user:bia', role: 'agent' as const, teamIds: ['team:suporte'] };
const dora = { id: 'user:dora', role: 'agent' as const, teamIds: ['team:comercial'] };
const carla = { id: 'user:carla', role: 'supervisor' as const, teamIds: ['team:suporte'] };
const sol = { id: 'user:sol', role: 'supervisor' as const, teamIds: ['team:comercial'] };

const code = (p: { ok: true } | { ok: false; error: { code: string } }) => (p.ok ? 'ok' : p.error.code);

describe('R-WS-05 who may tag', () => {
  it('R-WS-05 supervisors and admins always; agents unless an admin withheld it', () => {
    expect(mayTag({ role: 'agent' })).toBe(true);
    expect(mayTag({ role: 'agent', permissions: { tags: false } })).toBe(false);
    expect(mayTag({ role: 'supervisor', permissions: { tags: false } })).toBe(true);
    expect(mayTag({ role: 'admin' })).toBe(true);
  });

  it('R-WS-05 R-SV-04 the agent who writes in an open conversation tags it; a supervisor of its team any time, finished ones too; another team’s supervisor is refused', () => {
    expect(code(mayTagConversation(ana, active))).toBe('ok');
    expect(code(mayTagConversation({ ...ana, permissions: { tags: false } }, active))).toBe('forbidden');
    expect(code(mayTagConversation(bia, active))).toBe('forbidden');
    expect(code(mayTagConversation(dora, active))).toBe('not_found');
    expect(code(mayTagConversation(ana, finished))).not.toBe('ok');
    expect(code(mayTagConversation(carla, finished))).toBe('ok');
    expect(code(mayTagConversation(sol, finished))).toBe('forbidden');
  });

  it('R-WS-13 pending/resolved: whoever may reply', () => {
    expect(code(mayMark(ana, active))).toBe('ok');
    expect(code(mayMark(bia, active))).toBe('forbidden');
    expect(code(mayMark(carla, active))).toBe('forbidden');
  });
});

describe('R-WS-03 who may change a note', () => {
  it('R-WS-03 only the author edits; the author or a supervisor removes', () => {
    const note = { authorId: 'user:ana' };
    expect(mayEditNote({ id: 'user:ana' }, note)).toBe(true);
    expect(mayEditNote({ id: 'user:bruno' }, note)).toBe(false);
    expect(mayRemoveNote({ id: 'user:bruno', role: 'agent' }, note)).toBe(false);
    expect(mayRemoveNote({ id: 'user:carla', role: 'supervisor' }, note)).toBe(true);
    expect(mayEditNote({ id: 'user:carla' }, note)).toBe(false);
  });
});

describe('visibility of notes, tags and favourites', () => {
  const note = { type: 'note', contactId: 'contact:k1', authorId: 'user:bia', teamIds: ['team:suporte'] };
  it('R-WS-03 a note is seen by the contact’s teams, its author and supervisors', () => {
    expect(visibilityOf(viewerOf(ana), note)).toBe('visible');
    expect(visibilityOf(viewerOf(dora), note)).toBe('hidden');
    expect(visibilityOf(viewerOf({ ...dora, id: 'user:bia' }), note)).toBe('visible');
    expect(visibilityOf(viewerOf(carla), note)).toBe('visible');
    expect(visibilityOf(viewerOf(ana), { ...note, removed: true })).toBe('tombstone');
    expect(tombstoneOf({ ...note, id: 'note:n1', text: 'segredo' })).toEqual({ _deleted: true, id: 'note:n1', type: 'note', contactId: 'contact:k1' });
    expect(personalViewerOf(note)).toBe('user:bia');
  });

  it('R-WS-05 R-WS-13 tags are everyone’s; a favourite only its owner’s, supervisors included', () => {
    expect(visibilityOf(viewerOf(dora), { type: 'tag' })).toBe('visible');
    const favourite = { type: 'favourite', userId: 'user:ana', conversationId: 'conversation:c1' };
    expect(visibilityOf(viewerOf(ana), favourite)).toBe('visible');
    expect(visibilityOf(viewerOf(carla), favourite)).toBe('hidden');
    expect(personalViewerOf(favourite)).toBe('user:ana');
    const id = favouriteIdOf('user:01M8GR6J8R2TPB9G93ND89VCET', 'conversation:tWYbpf_eqY4JaKrJxv7w0RA-12');
    expect(Id.safeParse(id).success).toBe(true);
  });
});

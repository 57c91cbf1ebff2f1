import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { agentMessageId, type ContactDoc, type ConversationDoc, type UserDoc } from '@atende/protocol';
import type { ChannelAccountDoc } from '../src/channelAccounts/service.js';
import { InboundService } from '../src/conversations/inbound.js';
import { MessageService } from '../src/conversations/messages.js';
import type { ProtocolNumbers } from '../src/conversations/protocolNumbers.js';
import { ConversationService } from '../src/conversations/service.js';
import type { MediaService } from '../src/media/service.js';
import { EmbeddedStore } from '../src/store/embedded.js';
import { withGroupCommit, withReadCache, withSharedFeed, type DocStore } from '../src/store/index.js';
import { getWire, toStored } from '../src/store/wire.js';

/**
 * Commands that land between another command's read and its write: the later write must conflict
 * and be redone on the new state, never overwrite it (the store arbitrates, ARCHITECTURE §1).
 */
const now = Date.now();
const base = { createdAt: now, updatedAt: now };
const user = (id: string, role: UserDoc['role']): UserDoc => ({
  id, type: 'user', name: id, email: `${id.slice(5)}@test.local`, role, teamIds: ['team:a'], maxConcurrent: 5, ...base,
});
const agent = user('user:agent', 'agent');
// Supervises both teams: acting on the conversation after the transfer too (supervisors act on their own teams, R-SV-04).
const supervisor: UserDoc = { ...user('user:super', 'supervisor'), teamIds: ['team:a', 'team:b'] };
const conversation: ConversationDoc = {
  id: 'conversation:c1', type: 'conversation', ...base, contactId: 'contact:k', channel: 'webchat', channelAccountId: 'channel:w',
  teamId: 'team:a', formerTeamIds: [], status: 'active', agentId: agent.id, invitedAgentIds: [], protocol: '20261128-000001',
  startedBy: 'customer', waitingSince: now, takenAt: now, finishedAt: null, finishedBy: null, lastInboundAt: now, lastMessageAt: now,
  lastPreview: '', disposition: null, finishNote: '', tags: [], transfers: [], ticketLinks: [], channelMeta: {},
};

const dirs: string[] = [];
const stores: DocStore[] = [];
afterEach(async () => {
  for (const s of stores.splice(0)) await s.close();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** The server's store stack over a fresh embedded store, seeded with two teams, two users and one conversation. */
async function storeWithConversation(): Promise<DocStore> {
  const dir = mkdtempSync(path.join(tmpdir(), 'atende-races-'));
  dirs.push(dir);
  const store = withReadCache(withGroupCommit(withSharedFeed(new EmbeddedStore(dir))), { prefixes: ['user:', 'conversation:', 'thread:'], max: 100 });
  stores.push(store);
  await store.bulkWrite([
    toStored(agent), toStored(supervisor), toStored(conversation),
    { _id: 'team:b', type: 'team', name: 'B', dispositionRequired: false, ...base },
    { _id: 'thread:w.k', type: 'thread', openConversationId: conversation.id, seq: 1 },
  ]);
  return store;
}

describe('commands racing each other', () => {
  it('R-WS-15 a transfer that lands while an agent’s message is being prepared stands, and the agent may no longer write', async () => {
    const store = await storeWithConversation();
    const conversations = new ConversationService(store);
    // The transfer lands while the message's files are being checked.
    const file = { _id: 'media:x', type: 'media', name: 'x.png', mimeType: 'image/png', size: 10, kind: 'image', thumbnail: null };
    const media = {
      get: async () => file,
      mayRead: async () => {
        await conversations.transfer(supervisor, conversation.id, { toTeamId: 'team:b' });
        return true;
      },
      recordUse: async () => {},
    } as unknown as MediaService;
    await expect(new MessageService(store, media).send(agent, conversation.id, { id: 'race-message-1', text: 'oi', mediaIds: ['media:x'] }))
      .rejects.toMatchObject({ code: 'not_found' });
    const after = await getWire<ConversationDoc>(store, conversation.id);
    expect(after).toMatchObject({ teamId: 'team:b', status: 'waiting', agentId: null });
    expect(after?.transfers).toHaveLength(1);
    expect(await store.get('message:race-message-1')).toBeUndefined();
  });

  it('R-WS-15 a transfer that lands between a message’s read and its write is kept; the message follows the conversation', async () => {
    const store = await storeWithConversation();
    const conversations = new ConversationService(store);
    const write = store.bulkWrite.bind(store);
    let fired = false;
    store.bulkWrite = async (docs, options) => {
      if (!fired && docs.some((d) => d._id === agentMessageId(agent.id, 'race-message-2'))) {
        fired = true;
        await conversations.transfer(supervisor, conversation.id, { toTeamId: 'team:b' });
      }
      return write(docs, options);
    };
    const media = { attachmentsFor: async () => [] } as unknown as MediaService;
    const { message } = await new MessageService(store, media).send(agent, conversation.id, { id: 'race-message-2', text: 'oi' });
    expect(fired).toBe(true);
    const after = await getWire<ConversationDoc>(store, conversation.id);
    expect(after).toMatchObject({ teamId: 'team:b', status: 'waiting', agentId: null, lastPreview: 'oi' });
    expect(after?.transfers).toHaveLength(1);
    expect(await getWire(store, message.id)).toMatchObject({ teamId: 'team:b', formerTeamIds: ['team:a'] });
  });

  it('R-CH-11 a customer message that arrives as the agent finishes opens a new waiting conversation instead of vanishing', async () => {
    const store = await storeWithConversation();
    const conversations = new ConversationService(store);
    const protocols = { next: async () => '20261128-000002' } as unknown as ProtocolNumbers;
    const inbound = new InboundService(store, protocols);
    // The finish lands between the inbound read and its write.
    const write = store.bulkWrite.bind(store);
    let fired = false;
    store.bulkWrite = async (docs, options) => {
      if (!fired && docs.some((d) => d._id.startsWith('message:'))) {
        fired = true;
        await conversations.finish(agent, conversation.id, {});
      }
      return write(docs, options);
    };
    const account = { _id: 'channel:w', type: 'channel', kind: 'webchat', name: 'Site', entryTeamId: 'team:a' } as ChannelAccountDoc;
    const contact = { id: 'contact:k', name: 'Kátia' } as ContactDoc;
    const received = await inbound.receive({ account, contact, messageKey: 'race-in-1', authorName: 'Kátia', kind: 'text', text: 'só mais uma coisa', externalId: null });
    expect(fired).toBe(true);
    expect(received.conversation.id).not.toBe(conversation.id);
    expect(await getWire(store, conversation.id)).toMatchObject({ status: 'finished' });
    const stored = await getWire<{ conversationId: string }>(store, received.message.id);
    expect(stored?.conversationId).toBe(received.conversation.id);
    expect(await getWire(store, received.conversation.id)).toMatchObject({ status: 'waiting', lastPreview: 'só mais uma coisa' });
  });

  it('R-WS-06 a finish whose disposition was checked for one team is refused when a transfer moved the conversation meanwhile', async () => {
    const store = await storeWithConversation();
    await store.bulkWrite([{ _id: 'disposition:a-ok', type: 'disposition', teamId: 'team:a', name: 'Resolvido', ...base }]);
    const conversations = new ConversationService(store);
    const write = store.bulkWrite.bind(store);
    let fired = false;
    store.bulkWrite = async (docs, options) => {
      if (!fired && docs.some((d) => d._id === conversation.id && d.status === 'finished')) {
        fired = true;
        await conversations.transfer(supervisor, conversation.id, { toTeamId: 'team:b' });
      }
      return write(docs, options);
    };
    // The supervisor acts on both teams, so only the disposition's team check can stop the finish.
    await expect(conversations.finish(supervisor, conversation.id, { disposition: 'disposition:a-ok' }))
      .rejects.toMatchObject({ code: 'moved' });
    expect(fired).toBe(true);
    expect(await getWire(store, conversation.id)).toMatchObject({ teamId: 'team:b', status: 'waiting', disposition: null });
  });
});

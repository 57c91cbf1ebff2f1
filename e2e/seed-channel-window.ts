/**
 * Seeds Ana's Messenger and Instagram conversations for the reply-window and message-body e2e
 * (issue 11, R-CH-04/R-CH-05), straight into an embedded store folder before the server starts
 * on it: `node --import tsx e2e/seed-channel-window.ts <dataDir>`. The customer wrote 30 h ago on
 * the Messenger account that replies as "agente humano" and on the Instagram one that does not;
 * a second Instagram customer wrote an hour ago. Messages carry the payload keys the inbound
 * adapters write (protocol/src/inboundPayload.ts).
 */
import { EmbeddedStore } from '../sync-server/src/store/embedded.js';

const [dataDir] = process.argv.slice(2);
if (!dataDir) {
  console.error('usage: seed-channel-window.ts <dataDir>');
  process.exit(2);
}

const now = Date.now();
const HOUR = 3_600_000;
const account = (key: string, kind: 'messenger' | 'instagram', humanAgentTag: 'on' | 'off') => ({
  _id: `channel:${key}`, type: 'channel', kind, name: `${kind} e2e`, entryTeamId: 'team:suporte', enabled: true,
  settings: {
    pageId: '104881234567891', igUserId: '17841400000000002', apiBaseUrl: 'http://127.0.0.1:9', pageAccessToken: 'EAAe2e',
    appSecret: 'e2e-secret', verifyToken: 'e2e-verify', humanAgentTag,
  },
  createdAt: now, updatedAt: now,
});
const contact = (id: string, name: string, kind: string) => ({
  _id: id, type: 'contact', createdAt: now, updatedAt: now, name, email: '', addresses: { [kind]: id.slice(-6) },
  customFields: {}, teamIds: ['team:suporte'],
});
const conversation = (id: string, channel: string, wroteAgo: number, patch: Record<string, unknown>) => ({
  _id: id, type: 'conversation', createdAt: now - wroteAgo, updatedAt: now, channel, teamId: 'team:suporte', formerTeamIds: [],
  status: 'active', agentId: 'user:ana', invitedAgentIds: [], startedBy: 'customer', waitingSince: null, takenAt: now - wroteAgo,
  finishedAt: null, finishedBy: null, lastInboundAt: now - wroteAgo, lastMessageAt: now - wroteAgo, disposition: null,
  finishNote: '', tags: [], transfers: [], ticketLinks: [], channelMeta: { customerWroteAt: String(now - wroteAgo) }, ...patch,
});
let n = 0;
const message = (conversationId: string, contactId: string, kind: string, text: string, payload: Record<string, unknown> = {}) => {
  n++;
  const at = now - 30 * HOUR + n * 1000;
  return {
    _id: `message:channel-window-${String(n).padStart(2, '0')}`, type: 'message', createdAt: at, updatedAt: at, conversationId,
    teamId: 'team:suporte', formerTeamIds: [], direction: 'in', authorId: contactId, authorName: 'Cliente', kind, text,
    attachments: [], visibility: 'public', status: 'delivered', error: null, externalId: `mid.e2e-${n}`, payload: { sentAt: at, ...payload },
  };
};

const messenger = 'conversation:cw-messenger';
const instagramClosed = 'conversation:cw-instagram-closed';
const store = new EmbeddedStore(dataDir);
const results = await store.bulkWrite([
  account('cw-messenger', 'messenger', 'on'),
  account('cw-instagram', 'instagram', 'off'),
  contact('contact:cw-joana', 'Joana Messenger', 'messenger'),
  contact('contact:cw-pedro', 'Pedro Instagram', 'instagram'),
  contact('contact:cw-lia', 'Lia Instagram', 'instagram'),
  conversation(messenger, 'messenger', 30 * HOUR, {
    contactId: 'contact:cw-joana', channelAccountId: 'channel:cw-messenger', protocol: '20261128-800001', lastPreview: 'Pedido 12345',
  }),
  conversation(instagramClosed, 'instagram', 30 * HOUR, {
    contactId: 'contact:cw-pedro', channelAccountId: 'channel:cw-instagram', protocol: '20261128-800002', lastPreview: 'Oi de ontem',
  }),
  conversation('conversation:cw-instagram-open', 'instagram', HOUR, {
    contactId: 'contact:cw-lia', channelAccountId: 'channel:cw-instagram', protocol: '20261128-800003', lastPreview: 'Oi de agora',
  }),
  message(messenger, 'contact:cw-joana', 'text', '/start promo-natal', { startParameter: 'promo-natal' }),
  message(messenger, 'contact:cw-joana', 'text', 'Que lindo!', { story: 'reply', storyUrl: 'https://example.com/stories/1' }),
  message(messenger, 'contact:cw-joana', 'image', '', { mediaError: 'unavailable' }),
  message(messenger, 'contact:cw-joana', 'document', '', { mediaError: 'too_large' }),
  message(messenger, 'contact:cw-joana', 'text', 'Pedido 12345', {
    'previous.1': 'Pedido 123', 'previous.1.at': now - 29 * HOUR, editedAt: now - 29 * HOUR,
  }),
  // Instagram: a story mention keeps only its link (no file, no text); an unsend empties the message, its text kept in the history.
  message(instagramClosed, 'contact:cw-pedro', 'text', '', { story: 'mention', storyUrl: 'https://lookaside.fbsbx.com/ig_messaging_cdn/?asset_id=42' }),
  message(instagramClosed, 'contact:cw-pedro', 'text', '', {
    'previous.1': 'Meu CPF é 123', 'previous.1.at': now - 29 * HOUR, editedAt: now - 29 * HOUR, deleted: true,
  }),
  // A caption added to a file sent without one: the earlier version had no text.
  message(instagramClosed, 'contact:cw-pedro', 'document', 'Nota de outubro', {
    'previous.1': '', 'previous.1.at': now - 29 * HOUR, editedAt: now - 29 * HOUR, mediaError: 'unavailable',
  }),
]);
if (results.some((r) => !r.ok)) throw new Error(`seed failed: ${JSON.stringify(results.filter((r) => !r.ok))}`);
await store.close();

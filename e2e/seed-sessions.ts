/**
 * Seeds a contact reachable on two channels, and a nameless Instagram customer, straight into an
 * embedded store folder before the server starts on it (issue 11, R-WS-05 / R-CH-01):
 * `node --import tsx e2e/seed-sessions.ts <dataDir>`. Maria (a demo contact) waits on the site
 * chat and is with Bruno on Messenger; the Instagram customer's profile has not arrived yet; Paula's
 * Messenger profile came with a picture (stored as the contact-profile job stores it).
 */
import { MediaService } from '../sync-server/src/media/service.js';
import { EmbeddedStore } from '../sync-server/src/store/embedded.js';

/** The 1×1 PNG of e2e/files.ts (not imported: that module needs the Playwright runner). */
const PIXEL_PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==', 'base64');

const [dataDir] = process.argv.slice(2);
if (!dataDir) {
  console.error('usage: seed-sessions.ts <dataDir>');
  process.exit(2);
}

const now = Date.now();
const conversation = (id: string, patch: Record<string, unknown>) => ({
  _id: id, type: 'conversation', createdAt: now - 60_000, updatedAt: now, contactId: 'contact:maria', channel: 'webchat',
  channelAccountId: 'channel:demo-site', teamId: 'team:suporte', formerTeamIds: [], status: 'waiting', agentId: null,
  invitedAgentIds: [], protocol: '', startedBy: 'customer', waitingSince: now - 60_000, takenAt: null, finishedAt: null,
  finishedBy: null, lastInboundAt: now - 30_000, lastMessageAt: now - 30_000, lastPreview: '', disposition: null,
  finishNote: '', tags: [], transfers: [], ticketLinks: [], channelMeta: {}, ...patch,
});

const store = new EmbeddedStore(dataDir);
const picture = await new MediaService(store).upload({
  bytes: PIXEL_PNG, filename: 'perfil.png', channel: 'messenger', uploadedBy: 'contact:sessions-paula', pictureOf: 'contact:sessions-paula',
}, 'any');
const results = await store.bulkWrite([
  conversation('conversation:sessions-site', { protocol: '20261128-700001', lastPreview: 'Oi pelo site' }),
  conversation('conversation:sessions-messenger', {
    channel: 'messenger', channelAccountId: 'channel:demo-messenger', status: 'active', agentId: 'user:bruno',
    takenAt: now - 50_000, waitingSince: null, protocol: '20261128-700002', lastPreview: 'Oi pelo Messenger',
  }),
  conversation('conversation:sessions-old', {
    channel: 'whatsapp', channelAccountId: 'channel:demo-whatsapp', status: 'finished', agentId: 'user:bruno',
    finishedAt: now - 40_000, finishedBy: 'user:bruno', protocol: '20261128-700003', lastPreview: 'Conversa antiga',
  }),
  {
    _id: 'contact:sessions-instagram', type: 'contact', createdAt: now, updatedAt: now, name: '', email: '',
    addresses: { instagram: '17841400000000001' }, customFields: {}, teamIds: ['team:suporte'],
  },
  conversation('conversation:sessions-instagram', {
    contactId: 'contact:sessions-instagram', channel: 'instagram', channelAccountId: 'channel:demo-instagram',
    protocol: '20261128-700004', lastPreview: 'Oi pelo Instagram',
  }),
  {
    _id: 'contact:sessions-paula', type: 'contact', createdAt: now, updatedAt: now, name: 'Paula Prado', email: '',
    addresses: { messenger: '24001122334455001' }, customFields: {}, teamIds: ['team:suporte'], pictureMediaId: picture.mediaId,
  },
  conversation('conversation:sessions-paula', {
    contactId: 'contact:sessions-paula', channel: 'messenger', channelAccountId: 'channel:demo-messenger',
    protocol: '20261128-700005', lastPreview: 'Oi com foto',
  }),
]);
if (results.some((r) => !r.ok)) throw new Error('seed failed');
await store.close();

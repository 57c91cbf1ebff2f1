import type { EndpointName } from '@atende/protocol';
import { clientId } from '../helpers.js';
import type { Query } from './arbitraries.js';
import type { Fixtures, TokenKind } from './world.js';

/**
 * How to call each endpoint of the REST contract with a VALID request: the token kind it needs,
 * path parameters naming real resources, and a body/query the schema accepts. The fuzzer breaks
 * one thing at a time from here. A `Record` over every endpoint name: a new endpoint in
 * `API` does not compile until it has a plan, so nothing escapes the fuzzing.
 */
export interface Plan {
  /** The requirement the endpoint serves, named in the test titles. */
  req: string;
  token: TokenKind;
  params?: (fx: Fixtures) => Record<string, string>;
  body?: (fx: Fixtures) => unknown;
  query?: (fx: Fixtures) => Query;
  /** A per-user rate limit counted before the body is read: past it, 429 is the refusal. */
  limited?: boolean;
}

const cmd = () => clientId('fz');
const conversation = (fx: Fixtures) => ({ id: fx.conversationId });

export const PLANS: Record<EndpointName, Plan> = {
  login: { req: 'R-AUTH-03', token: 'none', body: () => ({ email: 'ana@demo.local', password: 'atende123' }) },
  refresh: { req: 'R-AUTH-04', token: 'none', body: () => ({ refreshToken: 'not-a-refresh-token' }) },
  logout: { req: 'R-AUTH-05', token: 'spare', body: () => ({ refreshToken: 'not-a-refresh-token' }) },
  me: { req: 'R-AUTH-04', token: 'agent' },
  unlockUser: { req: 'R-AUTH-03', token: 'admin', params: () => ({ userId: 'user:bruno' }) },

  conversationMessages: { req: 'R-WS-18', token: 'agent', params: conversation },
  claim: { req: 'R-WS-02', token: 'agent', params: conversation, body: () => ({ id: cmd() }) },
  sendMessage: { req: 'R-WS-04', token: 'agent', params: conversation, body: () => ({ id: cmd(), text: 'olá', mediaIds: [], visibility: 'public' }) },
  resend: { req: 'R-WS-04', token: 'agent', params: (fx) => ({ id: fx.conversationId, messageId: fx.messageId }), body: () => ({}) },
  transfer: { req: 'R-WS-15', token: 'agent', params: conversation, body: () => ({ id: cmd(), toTeamId: 'team:comercial', note: 'segue' }) },
  returnToQueue: { req: 'R-WS-19', token: 'agent', params: conversation, body: () => ({ id: cmd(), note: 'volta' }) },
  finish: { req: 'R-WS-06', token: 'agent', params: conversation, body: () => ({ id: cmd(), disposition: null, note: 'fim' }) },
  markConversation: { req: 'R-WS-13', token: 'agent', params: conversation, body: () => ({ id: cmd(), mark: 'pending' }) },
  tagConversation: { req: 'R-WS-05', token: 'agent', params: conversation, body: (fx) => ({ id: cmd(), tags: [fx.tagId] }) },
  invite: { req: 'R-WS-05', token: 'agent', params: conversation, body: () => ({ id: cmd(), agentIds: ['user:bruno'] }) },
  leave: { req: 'R-WS-05', token: 'agent', params: conversation, body: () => ({ id: cmd() }) },
  sendChat: { req: 'R-WS-12', token: 'agent', limited: true, body: () => ({ id: cmd(), room: 'chat:team.suporte', text: 'oi, time' }) },

  startConversation: {
    req: 'R-WA-01', token: 'agent', body: () => ({ id: cmd(), teamId: 'team:suporte', channelAccountId: 'channel:demo-whatsapp', to: '11987654321' }),
  },
  sendTemplate: {
    req: 'R-WA-05', token: 'agent', params: conversation,
    body: () => ({ id: cmd(), templateId: 'template:boas-vindas', values: { 'body.1': 'Maria' }, headerMediaId: 'media:none' }),
  },
  agentChannels: { req: 'R-WA-01', token: 'agent' },
  channelTemplates: { req: 'R-WA-08', token: 'agent', params: (fx) => ({ id: fx.webchatChannelId }), query: (fx) => ({ conversationId: fx.conversationId }) },

  raModeration: {
    req: 'R-CH-09', token: 'agent', params: conversation, body: () => ({ id: cmd(), reason: '1', message: 'não é nossa', targetCompany: 'Outra', mediaIds: [] }),
  },
  raEvaluation: { req: 'R-CH-10', token: 'agent', params: conversation, body: () => ({ id: cmd() }) },
  raReputation: { req: 'R-CH-08', token: 'agent' },
  raRefreshReputation: { req: 'R-CH-08', token: 'agent', params: () => ({ accountId: 'channel:demo-reclameaqui' }) },

  linkTicket: { req: 'R-WS-14', token: 'agent', params: conversation, body: (fx) => ({ id: cmd(), messageIds: [fx.messageId], number: 'CH-1' }) },
  telephony: { req: 'R-WS-16', token: 'agent' },
  placeCall: { req: 'R-WS-16', token: 'agent', body: (fx) => ({ id: cmd(), contactId: fx.contactId }) },

  updateProfile: { req: 'R-WS-11', token: 'agent', body: () => ({ extension: '2001', language: 'pt-BR' }) },
  setProfilePhoto: { req: 'R-WS-11', token: 'agent' },
  removeProfilePhoto: { req: 'R-WS-11', token: 'agent' },
  changePassword: { req: 'R-WS-11', token: 'agent', body: () => ({ currentPassword: 'wrong-password', newPassword: 'outra-senha-longa' }) },

  myRating: { req: 'R-RT-06', token: 'agent' },
  pauseTypes: { req: 'R-WS-09', token: 'agent' },
  startPause: { req: 'R-WS-09', token: 'agent', body: (fx) => ({ typeId: fx.pauseTypeId }) },
  endPause: { req: 'R-WS-09', token: 'agent' },
  adminPauseTypes: { req: 'R-WS-09', token: 'admin' },
  createPauseType: { req: 'R-WS-09', token: 'admin', body: () => ({ name: 'Fuzz', maxMinutes: 15, window: { from: '08:00', to: '18:00' }, active: true }) },
  updatePauseType: {
    req: 'R-WS-09', token: 'admin', params: (fx) => ({ id: fx.pauseTypeId }),
    body: () => ({ name: 'Fuzz 2', maxMinutes: 20, window: null, active: true }),
  },
  removePauseType: { req: 'R-WS-09', token: 'admin', params: (fx) => ({ id: fx.pauseTypeId }) },

  // Users (issue 15, R-AUTH-01): edits and links aim at Carla, whose token no case uses; each create a new address.
  adminListUsers: { req: 'R-AUTH-01', token: 'admin' },
  adminCreateUser: {
    req: 'R-AUTH-01', token: 'admin',
    body: () => ({ name: 'Fuzz', email: `${cmd().toLowerCase()}@fuzz.example`, role: 'agent', teamIds: ['team:suporte'], maxConcurrent: 3 }),
  },
  adminUpdateUser: { req: 'R-AUTH-01', token: 'admin', params: () => ({ id: 'user:carla' }), body: () => ({ maxConcurrent: 6 }) },
  adminUnlockUser: { req: 'R-AUTH-03', token: 'admin', params: () => ({ id: 'user:bruno' }) },
  adminResetUserPassword: { req: 'R-AUTH-01', token: 'admin', params: () => ({ id: 'user:carla' }) },

  // Business hours (issue 15, R-RT-03).
  adminListTeamHours: { req: 'R-RT-03', token: 'admin' },
  adminTeamHours: { req: 'R-RT-03', token: 'admin', params: () => ({ id: 'team:suporte' }) },
  adminSetTeamHours: {
    req: 'R-RT-03', token: 'admin', params: () => ({ id: 'team:suporte' }),
    body: () => ({
      businessHours: {
        timeZone: 'America/Sao_Paulo', days: [[], [{ from: '08:00', to: '18:00' }], [], [], [], [], []], holidays: ['2026-12-25'], offHoursMessage: '',
      },
    }),
  },

  // Teams (issue 15, R-RT-01/02). Edits aim at Comercial (Ana, the agent token, is not in it); archiving aims at no team.
  adminListTeams: { req: 'R-RT-01', token: 'admin' },
  adminCreateTeam: { req: 'R-RT-01', token: 'admin', body: () => ({ name: `Equipe ${cmd()}`, sessionTimeout: { minutes: 30, message: 'Encerrada' } }) },
  adminUpdateTeam: {
    req: 'R-RT-01', token: 'admin', params: () => ({ id: 'team:comercial' }),
    body: () => ({ sessionTimeout: { minutes: 45, message: '' }, tagsAllowed: true, autoDistribute: false }),
  },
  adminArchiveTeam: { req: 'R-RT-01', token: 'admin', params: () => ({ id: 'team:fuzz-sem-equipe' }) },

  // Content (issue 15, R-RT-05). Edits aim at seeded documents no other case relies on; removals at ids nobody has.
  adminListTags: { req: 'R-RT-05', token: 'admin' },
  adminCreateTag: { req: 'R-RT-05', token: 'admin', body: () => ({ name: `Fuzz ${cmd()}`, color: '#123abc' }) },
  adminUpdateTag: { req: 'R-RT-05', token: 'admin', params: () => ({ id: 'tag:financeiro' }), body: () => ({ color: '#1d4ed8' }) },
  adminRemoveTag: { req: 'R-RT-05', token: 'admin', params: () => ({ id: 'tag:fuzz-nenhuma' }) },
  adminListPredefined: { req: 'R-RT-05', token: 'admin', query: () => ({ teamId: 'team:suporte' }) },
  adminCreatePredefined: { req: 'R-RT-05', token: 'admin', body: () => ({ teamId: 'team:comercial', title: 'Fuzz', text: 'Olá {cliente}', mediaIds: [] }) },
  adminUpdatePredefined: { req: 'R-RT-05', token: 'admin', params: () => ({ id: 'predefined:proposta' }), body: () => ({ title: 'Proposta' }) },
  adminRemovePredefined: { req: 'R-RT-05', token: 'admin', params: () => ({ id: 'predefined:fuzz-nenhuma' }) },
  adminListDispositions: { req: 'R-RT-05', token: 'admin', query: () => ({ teamId: 'team:comercial' }) },
  adminCreateDisposition: { req: 'R-RT-05', token: 'admin', body: () => ({ teamId: 'team:comercial', name: `Fuzz ${cmd()}` }) },
  adminUpdateDisposition: { req: 'R-RT-05', token: 'admin', params: () => ({ id: 'disposition:venda' }), body: () => ({ name: 'Venda realizada' }) },
  adminRemoveDisposition: { req: 'R-RT-05', token: 'admin', params: () => ({ id: 'disposition:fuzz-nenhuma' }) },
  adminListArticles: { req: 'R-RT-05', token: 'admin' },
  adminCreateArticle: { req: 'R-RT-05', token: 'admin', body: () => ({ title: 'Fuzz', body: 'Texto', order: 1, accountIds: ['channel:demo-site'] }) },
  adminUpdateArticle: { req: 'R-RT-05', token: 'admin', params: () => ({ id: 'article:fuzz-nenhum' }), body: () => ({ order: 2 }) },
  adminRemoveArticle: { req: 'R-RT-05', token: 'admin', params: () => ({ id: 'article:fuzz-nenhum' }) },

  // Outgoing webhooks (issue 15, R-RT-05): created switched off (nothing is POSTed anywhere); edits aim at no webhook.
  adminListWebhooks: { req: 'R-RT-05', token: 'admin' },
  adminCreateWebhook: {
    req: 'R-RT-05', token: 'admin', body: () => ({ url: 'https://hooks.example.com/fuzz', events: ['message.created'], secret: 'segredo-do-fuzz-0001', enabled: false }),
  },
  adminUpdateWebhook: { req: 'R-RT-05', token: 'admin', params: () => ({ id: 'outgoingwebhook:fuzz-nenhum' }), body: () => ({ enabled: false }) },
  adminRemoveWebhook: { req: 'R-RT-05', token: 'admin', params: () => ({ id: 'outgoingwebhook:fuzz-nenhum' }) },
  adminWebhookDeliveries: { req: 'R-RT-05', token: 'admin', params: () => ({ id: 'outgoingwebhook:fuzz-nenhum' }) },
  adminResendWebhookDelivery: { req: 'R-RT-05', token: 'admin', params: () => ({ id: 'outgoingwebhook:fuzz-nenhum', deliveryId: 'nenhuma' }) },

  // Chatbot flows (issue 15, R-RT-04).
  adminFlows: { req: 'R-RT-04', token: 'admin' },
  adminFlow: { req: 'R-RT-04', token: 'admin', params: () => ({ teamId: 'team:comercial' }) },
  adminSaveFlow: {
    req: 'R-RT-04', token: 'admin', params: () => ({ teamId: 'team:comercial' }),
    body: () => ({ active: false, triggers: [{ id: 'menu', name: 'Menu', active: true, conditions: { hours: { op: '>', hours: 1 }, keywords: '', firstOfTeam: false }, message: { text: 'Olá', options: [] }, moveToTeamId: null }] }),
  },
  adminTestFlow: { req: 'R-RT-04', token: 'admin', params: () => ({ teamId: 'team:suporte' }), body: () => ({ text: 'comercial', hoursWithoutAgent: 2 }) },
  releaseFromBot: { req: 'R-RT-04', token: 'admin', params: conversation, body: () => ({ toTeamId: 'team:suporte' }) },

  // API tokens and the public API (issue 15, R-RT-05): revocations aim at no token (the world's own must live).
  openApi: { req: 'R-RT-05', token: 'none' },
  adminListTokens: { req: 'R-RT-05', token: 'admin' },
  adminCreateToken: { req: 'R-RT-05', token: 'admin', body: () => ({ name: 'Fuzz', scopes: ['contacts:read'] }) },
  adminRevokeToken: { req: 'R-RT-05', token: 'admin', params: () => ({ id: 'apitoken:fuzz-nenhum' }) },
  publicListConversations: { req: 'R-RT-05', token: 'api', query: () => ({ status: 'waiting', teamId: 'team:suporte', limit: '10' }) },
  publicGetConversation: { req: 'R-RT-05', token: 'api', params: conversation },
  publicCreateConversation: {
    req: 'R-RT-05', token: 'api', body: (fx) => ({ id: cmd(), channelAccountId: 'channel:demo-whatsapp', contactId: fx.contactId, text: 'pedido pelo site' }),
  },
  publicSendMessage: { req: 'R-RT-05', token: 'api', params: conversation, body: () => ({ id: cmd(), text: 'Olá, sou o bot' }) },
  publicListContacts: { req: 'R-RT-05', token: 'api', query: () => ({ q: 'maria', limit: '5' }) },
  publicGetContact: { req: 'R-RT-05', token: 'api', params: (fx) => ({ id: fx.contactId }) },

  createContact: {
    req: 'R-CT-01', token: 'agent',
    body: () => ({
      id: `contact:${cmd()}`, name: 'Nova Pessoa', email: 'nova@example.com', whatsapp: '11987650000',
      addresses: { telegram: 'nova' }, customFields: { pedido: '123' },
    }),
  },
  searchContacts: { req: 'R-WS-13', token: 'agent', query: () => ({ q: 'mar' }) },
  updateContact: {
    req: 'R-CT-01', token: 'agent', params: (fx) => ({ id: fx.contactId }),
    body: () => ({ name: 'Maria O.', email: 'maria@example.com', whatsapp: '11987654321', addresses: { telegram: 'maria' }, customFields: { a: 'b' } }),
  },
  mergeContacts: { req: 'R-CT-01', token: 'admin', params: (fx) => ({ id: fx.contactId }), body: () => ({ sourceId: 'contact:lucia' }) },
  contactHistory: { req: 'R-CT-04', token: 'agent', params: (fx) => ({ id: fx.contactId }) },
  contactMedia: { req: 'R-CT-04', token: 'agent', params: (fx) => ({ id: fx.contactId }), query: () => ({ limit: '10' }) },
  searchMessages: { req: 'R-WS-13', token: 'agent', query: () => ({ q: 'ajuda' }) },

  syncStatus: { req: 'R-OPS-06', token: 'agent', query: () => ({ checkpoints: '{}' }) },
  pull: { req: 'R-OPS-06', token: 'agent', params: () => ({ collection: 'contacts' }), query: () => ({ limit: '10' }) },
  push: {
    req: 'R-OPS-06', token: 'agent', params: () => ({ collection: 'contacts' }),
    body: (fx) => [{ newDocumentState: { id: fx.contactId, name: 'Maria' }, assumedMasterState: null }],
  },

  createChannel: { req: 'R-CH-01', token: 'admin', body: () => ({ kind: 'webchat', name: 'Fuzz site', teamId: 'team:suporte', config: {} }) },
  listChannels: { req: 'R-CH-01', token: 'admin' },
  getChannel: { req: 'R-CH-01', token: 'admin', params: (fx) => ({ id: fx.webchatChannelId }) },
  updateChannel: {
    req: 'R-CH-01', token: 'admin', params: (fx) => ({ id: fx.webchatChannelId }), body: () => ({ name: 'Site', teamId: 'team:suporte', enabled: true, config: {} }),
  },
  removeChannel: { req: 'R-CH-01', token: 'admin', params: (fx) => ({ id: fx.webchatChannelId }) },
  testChannel: { req: 'R-CH-01', token: 'admin', params: (fx) => ({ id: fx.webchatChannelId }) },
  adminTemplates: { req: 'R-WA-08', token: 'admin', params: (fx) => ({ id: fx.webchatChannelId }) },
  syncTemplates: { req: 'R-WA-08', token: 'admin', params: (fx) => ({ id: fx.webchatChannelId }) },

  createVisitor: { req: 'R-CH-02', token: 'none', params: (fx) => ({ accountId: fx.account }), body: () => ({ name: 'Visitante', email: 'v@example.com' }) },
  visitorSend: { req: 'R-CH-02', token: 'visitor', body: () => ({ id: cmd(), text: 'mais uma coisa', mediaIds: [] }) },
  visitorMessages: { req: 'R-CH-02', token: 'visitor' },
  webchatRating: { req: 'R-RT-06', token: 'visitor', body: () => ({ score: 5, comment: 'ótimo' }) },

  // Issue 19 (LGPD): only the bodies and queries are fuzzed; none of these runs as a valid request here.
  privacyExport: { req: 'issue 19', token: 'admin', params: (fx) => ({ id: fx.contactId }) },
  privacyExportStatus: { req: 'issue 19', token: 'admin', params: () => ({ jobId: 'privacyexport:none' }) },
  privacyExportDownload: { req: 'issue 19', token: 'none', params: () => ({ jobId: 'privacyexport:none' }), query: () => ({ token: 'x'.repeat(43) }) },
  privacyErase: { req: 'issue 19', token: 'admin', params: (fx) => ({ id: fx.contactId }) },
  privacyContactHold: { req: 'issue 19', token: 'admin', params: (fx) => ({ id: fx.contactId }), body: () => ({ legalHold: false }) },
  privacyConversationHold: { req: 'issue 19', token: 'admin', params: (fx) => ({ id: fx.conversationId }), body: () => ({ legalHold: false }) },
  privacyRunRetention: { req: 'issue 19', token: 'admin' },
  privacyRetentionRuns: { req: 'issue 19', token: 'admin' },
  privacyAudit: { req: 'issue 19', token: 'admin', query: () => ({ limit: '10' }) },
  privacyAuditCsv: { req: 'issue 19', token: 'admin', query: () => ({ limit: '10' }) },
  privacyOpened: { req: 'issue 19', token: 'agent', body: (fx) => ({ conversationId: fx.conversationId }) },
  webchatConfig: { req: 'R-CH-02', token: 'none', params: (fx) => ({ accountId: fx.account }) },

  // An address nobody has: no link is made, so nothing is written after the 202 that a later case could be blamed for.
  forgotPassword: { req: 'R-AUTH-02', token: 'none', body: () => ({ email: 'ninguem@fuzz.example' }) },
  passwordLinkStatus: { req: 'R-AUTH-02', token: 'none', query: () => ({ token: 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQ' }) },
  setPasswordWithLink: {
    req: 'R-AUTH-02', token: 'none', body: () => ({ token: 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQ', password: 'senha-longa-1', confirmation: 'senha-longa-1' }),
  },
  adminGetSettings: { req: 'R-AUTH-03', token: 'admin' },
  adminUpdateSettings: { req: 'R-AUTH-03', token: 'admin', body: () => ({ loginNetworks: [] }) },

  // Issue 16: supervision (R-SV-04) and reports (R-RT-06).
  // On Carla, whose session no fuzz token is (world.ts: Ana, the admin, Bruno's spare): a case that lands signs nobody's token out.
  endAgentPause: { req: 'R-SV-04', token: 'admin', params: () => ({ userId: 'user:carla' }) },
  signOutAgent: { req: 'R-SV-04', token: 'admin', params: () => ({ userId: 'user:carla' }) },
  reportsContext: { req: 'R-RT-06', token: 'admin' },
  reportConversations: { req: 'R-RT-06', token: 'admin', query: () => ({ from: '2026-11-01', to: '2026-11-28', groupBy: 'team' }) },
  reportConversationsCsv: {
    req: 'R-RT-06', token: 'admin', query: () => ({ from: '2026-11-01', to: '2026-11-28', groupBy: 'agent', separator: 'semicolon', lang: 'pt-BR' }),
  },
  publicReportConversations: { req: 'R-RT-06', token: 'api', query: () => ({ from: '2026-11-01', to: '2026-11-28', groupBy: 'channel' }) },
  publicReportConversationsCsv: {
    req: 'R-RT-06', token: 'api', query: () => ({ from: '2026-11-01', to: '2026-11-28', groupBy: 'tag', separator: 'comma', lang: 'es' }),
  },
};

/** Path parameters of a plan, URI-encoded as a client sends them. */
export function encodedParams(plan: Plan, fx: Fixtures): Record<string, string> {
  return Object.fromEntries(Object.entries(plan.params?.(fx) ?? {}).map(([k, v]) => [k, encodeURIComponent(v)]));
}

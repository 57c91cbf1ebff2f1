import { z, type ZodType } from 'zod';
import { endpoint, type Endpoint } from './endpoint.js';
import { PASSWORD_API } from './passwordLinks.js';
import { SETTINGS_API } from './settings.js';
import { USERS_API } from './adminUsers.js';
import { TEAMS_API } from './adminTeams.js';
import { ROUTING_API } from './routing.js';
import { FLOWS_API } from './flows.js';
import { CONTENT_API } from './content.js';
import { TOKENS_API } from './apiTokens.js';
import { WEBHOOKS_API } from './outgoingWebhooks.js';
import { REPORTS_API } from './reports.js';
import { SUPERVISION_API } from './supervision.js';
import { RATINGS_API } from './ratings.js';
import { PRIVACY_API } from './privacy.js';
import { ChannelAccountView, ChannelTestResponse, CreateChannelBody, UpdateChannelBody, WebchatConfig } from './channels.js';
import { ConversationDoc, MessageDoc, UserDoc } from './documents.js';
import {
  ClaimBody, FinishBody, LoginBody, LoginResponse, LogoutBody, PullQuery, PullResponse, PushBody, PushResponse, RefreshBody,
  MarkBody, ResendBody, ReturnToQueueBody, SendMessageBody, SyncStatus, SyncStatusQuery, TagsBody, TransferBody, VisitorBody, VisitorResponse,
  WebchatMessageBody,
} from './rest.js';
import { VisitorMessage } from './frames.js';
import { InviteBody, LeaveBody } from './invitations.js';
import {
  AgentPauseTypesResponse, CreatePauseTypeBody, PauseResponse, PauseType, PauseTypesResponse, StartPauseBody, UpdatePauseTypeBody,
} from './pauses.js';
import { SendChatBody } from './internalChat.js';
import { TicketBody, TicketResponse } from './tickets.js';
import { CallBody, CallResponse, TelephonySettings } from './telephony.js';
import { ChangePasswordBody, ProfileResponse, UpdateProfileBody } from './profile.js';
import { RaEvaluationBody, RaModerationBody, RaReputationResponse } from './reclameAquiActions.js';
import { AgentChannelsResponse, StartConversationBody } from './startConversation.js';
import { ChannelTemplatesQuery, SendTemplateBody, TemplateSyncResponse, TemplatesResponse } from './whatsappTemplates.js';
import {
  ContactResponse, ContactSearchQuery, ContactsResponse, CreateContactBody, HistoryResponse, ContactMediaQuery, ContactMediaResponse,
  MergeContactsBody, MessageSearchQuery, MessageSearchResponse, UpdateContactBody,
} from './contacts.js';

/**
 * The REST contract (issue 8 point 7): every path with its method, who may call it, and the zod
 * schemas of its parameters, body and response — written once here, used by the server's
 * routes (`http/contract.ts`) to parse requests and by the renderer's typed client
 * (`net/client.ts`) to build calls and type what comes back.
 */
export type { Endpoint, Method } from './endpoint.js';

const conversationResponse = z.object({ conversation: ConversationDoc });
const messageResponse = z.object({ message: MessageDoc });
/** A visitor learns only the stored id and time of what they sent. */
export const WebchatMessageResponse = z.object({ message: z.object({ id: z.string(), createdAt: z.number() }) });
export const VisitorMessagesResponse = z.object({ messages: z.array(VisitorMessage) });

export const API = {
  login: endpoint({ method: 'POST', path: '/api/auth/login', auth: 'none', body: LoginBody, response: LoginResponse }),
  refresh: endpoint({ method: 'POST', path: '/api/auth/refresh', auth: 'none', body: RefreshBody, response: LoginResponse }),
  logout: endpoint({ method: 'POST', path: '/api/auth/logout', auth: 'user', body: LogoutBody, response: null }),
  me: endpoint({ method: 'GET', path: '/api/auth/me', auth: 'user', response: z.object({ user: UserDoc }) }),
  unlockUser: endpoint({ method: 'POST', path: '/api/auth/unlock/:userId', auth: 'user', response: null }),

  conversationMessages: endpoint({
    method: 'GET', path: '/api/conversations/:id/messages', auth: 'user', response: z.object({ messages: z.array(MessageDoc) }),
  }),
  claim: endpoint({ method: 'POST', path: '/api/conversations/:id/claim', auth: 'user', body: ClaimBody, response: conversationResponse }),
  sendMessage: endpoint({ method: 'POST', path: '/api/conversations/:id/messages', auth: 'user', body: SendMessageBody, response: messageResponse }),
  resend: endpoint({
    method: 'POST', path: '/api/conversations/:id/messages/:messageId/resend', auth: 'user', body: ResendBody, response: messageResponse,
  }),
  transfer: endpoint({ method: 'POST', path: '/api/conversations/:id/transfer', auth: 'user', body: TransferBody, response: conversationResponse }),
  returnToQueue: endpoint({
    method: 'POST', path: '/api/conversations/:id/return', auth: 'user', body: ReturnToQueueBody, response: conversationResponse,
  }),
  finish: endpoint({ method: 'POST', path: '/api/conversations/:id/finish', auth: 'user', body: FinishBody, response: conversationResponse }),
  markConversation: endpoint({ method: 'POST', path: '/api/conversations/:id/mark', auth: 'user', body: MarkBody, response: conversationResponse }),
  tagConversation: endpoint({ method: 'POST', path: '/api/conversations/:id/tags', auth: 'user', body: TagsBody, response: conversationResponse }),
  // Invited collaborators (issue 13, R-WS-05): idempotent on the body's command id.
  invite: endpoint({ method: 'POST', path: '/api/conversations/:id/invite', auth: 'user', body: InviteBody, response: conversationResponse }),
  leave: endpoint({ method: 'POST', path: '/api/conversations/:id/leave', auth: 'user', body: LeaveBody, response: conversationResponse }),
  // Internal chat (issue 13, R-WS-12): a message to a team's room or one colleague, idempotent on the body's id.
  sendChat: endpoint({ method: 'POST', path: '/api/chat/messages', auth: 'user', body: SendChatBody, response: messageResponse }),

  // WhatsApp (issue 10): agent-started conversations, approved templates, channels an agent may use.
  startConversation: endpoint({ method: 'POST', path: '/api/conversations', auth: 'user', body: StartConversationBody, response: conversationResponse }),
  sendTemplate: endpoint({
    method: 'POST', path: '/api/conversations/:id/template', auth: 'user', body: SendTemplateBody, response: messageResponse,
  }),
  agentChannels: endpoint({ method: 'GET', path: '/api/channels', auth: 'user', response: AgentChannelsResponse }),
  channelTemplates: endpoint({ method: 'GET', path: '/api/channels/:id/templates', auth: 'user', query: ChannelTemplatesQuery, response: TemplatesResponse }),

  // Reclame Aqui (issue 12): both answer with the event message written to the conversation (R-CH-09, R-CH-10).
  raModeration: endpoint({
    method: 'POST', path: '/api/conversations/:id/reclameaqui/moderation', auth: 'user', body: RaModerationBody, response: messageResponse,
  }),
  raEvaluation: endpoint({
    method: 'POST', path: '/api/conversations/:id/reclameaqui/evaluation', auth: 'user', body: RaEvaluationBody, response: messageResponse,
  }),
  raReputation: endpoint({ method: 'GET', path: '/api/reclameaqui/reputation', auth: 'user', response: RaReputationResponse }),
  raRefreshReputation: endpoint({
    method: 'POST', path: '/api/reclameaqui/reputation/:accountId/refresh', auth: 'user', response: RaReputationResponse,
  }),

  // Tickets and click-to-call (issue 13, R-WS-14, R-WS-16): a link answers 201 with the conversation (200 for a repeat); a call 202.
  linkTicket: endpoint({ method: 'POST', path: '/api/conversations/:id/tickets', auth: 'user', body: TicketBody, response: TicketResponse }),
  telephony: endpoint({ method: 'GET', path: '/api/telephony', auth: 'user', response: TelephonySettings }),
  placeCall: endpoint({ method: 'POST', path: '/api/calls', auth: 'user', body: CallBody, response: CallResponse }),

  // Profile (issue 13, R-WS-11): the photo is sent as the raw image bytes (its Content-Type), so it has no JSON body.
  updateProfile: endpoint({ method: 'PATCH', path: '/api/me', auth: 'user', body: UpdateProfileBody, response: ProfileResponse }),
  setProfilePhoto: endpoint({ method: 'PUT', path: '/api/me/photo', auth: 'user', response: ProfileResponse }),
  removeProfilePhoto: endpoint({ method: 'DELETE', path: '/api/me/photo', auth: 'user', response: ProfileResponse }),
  changePassword: endpoint({ method: 'POST', path: '/api/me/password', auth: 'user', body: ChangePasswordBody, response: null }),

  // Pauses (issue 13, R-WS-09): the agent's own pause, the types offered now, and their admin screen.
  pauseTypes: endpoint({ method: 'GET', path: '/api/pause-types', auth: 'user', response: AgentPauseTypesResponse }),
  startPause: endpoint({ method: 'POST', path: '/api/me/pause', auth: 'user', body: StartPauseBody, response: PauseResponse }),
  endPause: endpoint({ method: 'DELETE', path: '/api/me/pause', auth: 'user', response: PauseResponse }),
  adminPauseTypes: endpoint({ method: 'GET', path: '/api/admin/pause-types', auth: 'user', response: PauseTypesResponse }),
  createPauseType: endpoint({ method: 'POST', path: '/api/admin/pause-types', auth: 'user', body: CreatePauseTypeBody, response: PauseType }),
  updatePauseType: endpoint({ method: 'PATCH', path: '/api/admin/pause-types/:id', auth: 'user', body: UpdatePauseTypeBody, response: PauseType }),
  removePauseType: endpoint({ method: 'DELETE', path: '/api/admin/pause-types/:id', auth: 'user', response: null }),

  // Contacts (R-CT-01…04): commands, idempotent on the client-chosen contact id.
  createContact: endpoint({ method: 'POST', path: '/api/contacts', auth: 'user', body: CreateContactBody, response: ContactResponse }),
  searchContacts: endpoint({ method: 'GET', path: '/api/contacts/search', auth: 'user', query: ContactSearchQuery, response: ContactsResponse }),
  updateContact: endpoint({ method: 'PATCH', path: '/api/contacts/:id', auth: 'user', body: UpdateContactBody, response: ContactResponse }),
  mergeContacts: endpoint({ method: 'POST', path: '/api/contacts/:id/merge', auth: 'user', body: MergeContactsBody, response: ContactResponse }),
  contactHistory: endpoint({ method: 'GET', path: '/api/contacts/:id/history', auth: 'user', response: HistoryResponse }),
  contactMedia: endpoint({ method: 'GET', path: '/api/contacts/:id/media', auth: 'user', query: ContactMediaQuery, response: ContactMediaResponse }),
  searchMessages: endpoint({ method: 'GET', path: '/api/search/messages', auth: 'user', query: MessageSearchQuery, response: MessageSearchResponse }),

  syncStatus: endpoint({ method: 'GET', path: '/api/sync/status', auth: 'user', query: SyncStatusQuery, response: SyncStatus }),
  pull: endpoint({ method: 'GET', path: '/api/sync/:collection/pull', auth: 'user', query: PullQuery, response: PullResponse }),
  push: endpoint({ method: 'POST', path: '/api/sync/:collection/push', auth: 'user', body: PushBody, response: PushResponse }),

  createChannel: endpoint({ method: 'POST', path: '/api/admin/channels', auth: 'user', body: CreateChannelBody, response: ChannelAccountView }),
  listChannels: endpoint({
    method: 'GET', path: '/api/admin/channels', auth: 'user', response: z.object({ channels: z.array(ChannelAccountView) }),
  }),
  getChannel: endpoint({ method: 'GET', path: '/api/admin/channels/:id', auth: 'user', response: ChannelAccountView }),
  updateChannel: endpoint({ method: 'PATCH', path: '/api/admin/channels/:id', auth: 'user', body: UpdateChannelBody, response: ChannelAccountView }),
  removeChannel: endpoint({ method: 'DELETE', path: '/api/admin/channels/:id', auth: 'user', response: null }),
  testChannel: endpoint({ method: 'POST', path: '/api/admin/channels/:id/test', auth: 'user', response: ChannelTestResponse }),
  adminTemplates: endpoint({ method: 'GET', path: '/api/admin/channels/:id/templates', auth: 'user', response: TemplatesResponse }),
  syncTemplates: endpoint({ method: 'POST', path: '/api/admin/channels/:id/templates/sync', auth: 'user', response: TemplateSyncResponse }),

  createVisitor: endpoint({
    method: 'POST', path: '/api/webchat/:accountId/visitors', auth: 'none', body: VisitorBody, response: VisitorResponse,
  }),
  visitorSend: endpoint({ method: 'POST', path: '/api/webchat/messages', auth: 'visitor', body: WebchatMessageBody, response: WebchatMessageResponse }),
  visitorMessages: endpoint({ method: 'GET', path: '/api/webchat/messages', auth: 'visitor', response: VisitorMessagesResponse }),
  webchatConfig: endpoint({ method: 'GET', path: '/api/webchat/:accountId/config', auth: 'none', response: WebchatConfig }),

  // Administration and automation (issue 15): each feature's endpoints live beside its schemas.
  ...PASSWORD_API,
  ...SETTINGS_API,
  ...RATINGS_API,
  ...PRIVACY_API,
  ...USERS_API,
  ...TEAMS_API,
  ...ROUTING_API,
  ...FLOWS_API,
  ...CONTENT_API,
  ...TOKENS_API,
  ...WEBHOOKS_API,
  // Supervision and reports (issue 16).
  ...SUPERVISION_API,
  ...REPORTS_API,
} as const;

export type Api = typeof API;
export type EndpointName = keyof Api;

/** `{id: string, messageId: string}` from '/api/conversations/:id/messages/:messageId/resend'. */
export type PathParams<P extends string> = P extends `${string}:${infer Param}/${infer Rest}`
  ? { [K in Param]: string } & PathParams<`/${Rest}`>
  : P extends `${string}:${infer Param}`
    ? { [K in Param]: string }
    : Record<never, never>;

type Schema<E, K extends 'body' | 'query'> = E extends { [P in K]: infer S extends ZodType } ? S : undefined;

/** What a caller provides: path parameters, and the body/query in their input form. */
export type RequestOf<E extends Endpoint> = (keyof PathParams<E['path']> extends never ? object : { params: PathParams<E['path']> }) &
  (Schema<E, 'body'> extends ZodType ? { body: z.input<Schema<E, 'body'>> } : object) &
  (Schema<E, 'query'> extends ZodType ? { query: z.input<Schema<E, 'query'>> } : object);

/** What a successful call returns. */
export type ResponseOf<E extends Endpoint> = E['response'] extends ZodType ? z.infer<E['response']> : void;

/** The concrete path: each `:name` replaced by its (URI-encoded) parameter. */
export function pathOf(path: string, params: Readonly<Record<string, string>> = {}): string {
  return path.replace(/:([A-Za-z]+)/g, (_, name: string) => {
    const value = params[name];
    if (value === undefined) throw new Error(`missing path parameter ${name} for ${path}`);
    return encodeURIComponent(value);
  });
}

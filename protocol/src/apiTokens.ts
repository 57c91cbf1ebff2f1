import { z } from 'zod';
import { ClientId, ContactDoc, ConversationDoc, ConversationStatus, Id, MESSAGE_TEXT_MAX, MessageDoc } from './documents.js';
import { endpoint } from './endpoint.js';
import { DomainError } from './errors.js';

/**
 * API tokens and the public REST API for bots and integrations (R-RT-05). An admin creates a
 * token with a name and scopes; its secret (`atk_` + 32 random bytes, base64url) is shown once
 * and only its SHA-256 is stored. Integrations call `/api/v1/*` with `Authorization: Bearer atk_…`;
 * each route names the scope it needs. Agents' access tokens are not accepted there, and API
 * tokens are not accepted on the agents' API.
 */

/** What a token may do; `reports:read`: the conversation reports of every team (issue 16, R-RT-06). */
export const API_SCOPES = ['conversations:read', 'conversations:write', 'messages:write', 'contacts:read', 'reports:read'] as const;
export const ApiScope = z.enum(API_SCOPES);
export type ApiScope = z.infer<typeof ApiScope>;

/** The secret's visible prefix: tells a leaked API token apart from anything else at a glance. */
export const API_TOKEN_PREFIX = 'atk_';
export const API_TOKEN_ID_PREFIX = 'apitoken:';
export const API_TOKEN_NAME_MAX = 60;

const Millis = z.number().int().nonnegative();

/** A token as the admin screen lists it: never its secret nor its hash. */
export const ApiTokenView = z.object({
  id: Id,
  name: z.string(),
  scopes: z.array(ApiScope),
  createdAt: Millis,
  createdBy: Id,
  createdByName: z.string(),
  /** Updated at most once a minute per token. */
  lastUsedAt: Millis.nullable(),
  revokedAt: Millis.nullable(),
});
export type ApiTokenView = z.infer<typeof ApiTokenView>;
export const ApiTokensResponse = z.object({ tokens: z.array(ApiTokenView) });

export const CreateApiTokenBody = z.strictObject({
  name: z.string().trim().min(1, 'give the token a name').max(API_TOKEN_NAME_MAX, `at most ${API_TOKEN_NAME_MAX} characters`),
  scopes: z
    .array(ApiScope)
    .min(1, 'choose at least one scope')
    .refine((s) => new Set(s).size === s.length, 'each scope once'),
});
export type CreateApiTokenBody = z.infer<typeof CreateApiTokenBody>;

/** `token` is the secret, answered this once. */
export const CreatedApiToken = z.object({ id: Id, token: z.string() });
export type CreatedApiToken = z.infer<typeof CreatedApiToken>;

// --- The public API (/api/v1) ---

const PageLimit = z.coerce.number().int().min(1).max(200).default(50);
/** Opaque: the previous page's `nextCursor`. */
const Cursor = z.string().max(200).optional();

export const PublicConversationsQuery = z.object({
  status: ConversationStatus.optional(),
  teamId: Id.optional(),
  /** Only conversations changed at or after this time (ms since the epoch). */
  updatedSince: z.coerce.number().int().nonnegative().optional(),
  limit: PageLimit,
  cursor: Cursor,
});
export type PublicConversationsQuery = z.infer<typeof PublicConversationsQuery>;
/** Oldest change first; `nextCursor` null on the last page. */
export const PublicConversationsPage = z.object({ conversations: z.array(ConversationDoc), nextCursor: z.string().nullable() });
export const PublicConversationResponse = z.object({ conversation: ConversationDoc, messages: z.array(MessageDoc) });

export const PublicContactsQuery = z.object({
  /** Name words or a phone number, as in the agents' contact search; without it, every contact page by page. */
  q: z.string().trim().min(1).max(100).optional(),
  limit: PageLimit,
  cursor: Cursor,
});
export type PublicContactsQuery = z.infer<typeof PublicContactsQuery>;
export const PublicContactsPage = z.object({ contacts: z.array(ContactDoc), nextCursor: z.string().nullable() });
export const PublicContactResponse = z.object({ contact: ContactDoc });

const MessageText = z.string().trim().min(1, 'a message needs text').max(MESSAGE_TEXT_MAX);

/**
 * Opens a conversation as the customer's own message relayed by the integration (a website form,
 * a phone bot's transcript): it enters the channel account's team queue like any customer message,
 * and agents' replies go to the contact's address on that channel. A repeat of `id` answers the
 * same conversation. It does not open WhatsApp's 24-hour window (the customer did not write there).
 */
export const PublicCreateConversationBody = z.strictObject({
  id: ClientId,
  channelAccountId: Id,
  contactId: Id,
  text: MessageText,
});
export type PublicCreateConversationBody = z.infer<typeof PublicCreateConversationBody>;
export const PublicConversationCreated = z.object({ conversation: ConversationDoc, message: MessageDoc });

/** A message from the integration to the customer, on the conversation's channel; a repeat of `id` answers the same message. */
export const PublicSendMessageBody = z.strictObject({ id: ClientId, text: MessageText });
export type PublicSendMessageBody = z.infer<typeof PublicSendMessageBody>;
export const PublicMessageResponse = z.object({ message: MessageDoc });

export const TOKENS_API = {
  openApi: endpoint({
    method: 'GET', path: '/api/openapi.json', auth: 'none', response: z.record(z.string(), z.unknown()),
    summary: 'This document: every endpoint of the REST API (OpenAPI 3.1), generated from the protocol schemas',
  }),
  adminListTokens: endpoint({
    method: 'GET', path: '/api/admin/tokens', auth: 'user', response: ApiTokensResponse,
    summary: 'List API tokens (admins): name, scopes, creation, last use, revocation — never the secret',
  }),
  adminCreateToken: endpoint({
    method: 'POST', path: '/api/admin/tokens', auth: 'user', body: CreateApiTokenBody, response: CreatedApiToken,
    summary: 'Create an API token (admins); 201 with its secret, shown this once',
  }),
  adminRevokeToken: endpoint({
    method: 'DELETE', path: '/api/admin/tokens/:id', auth: 'user', response: null,
    summary: 'Revoke an API token (admins): refused at once on every node',
  }),

  publicListConversations: endpoint({
    method: 'GET', path: '/api/v1/conversations', auth: 'token', scopes: ['conversations:read'],
    query: PublicConversationsQuery, response: PublicConversationsPage,
    summary: 'List conversations, oldest change first, filtered by status, team and change time; paginated',
  }),
  publicGetConversation: endpoint({
    method: 'GET', path: '/api/v1/conversations/:id', auth: 'token', scopes: ['conversations:read'], response: PublicConversationResponse,
    summary: 'One conversation with its messages',
  }),
  publicCreateConversation: endpoint({
    method: 'POST', path: '/api/v1/conversations', auth: 'token', scopes: ['conversations:write'],
    body: PublicCreateConversationBody, response: PublicConversationCreated,
    summary: "Open a conversation with the customer's message relayed by the integration (into the team's queue); idempotent on id",
  }),
  publicSendMessage: endpoint({
    method: 'POST', path: '/api/v1/conversations/:id/messages', auth: 'token', scopes: ['messages:write'],
    body: PublicSendMessageBody, response: PublicMessageResponse,
    summary: "Send a message to the customer on the conversation's channel, signed with the token's name; idempotent on id",
  }),
  publicListContacts: endpoint({
    method: 'GET', path: '/api/v1/contacts', auth: 'token', scopes: ['contacts:read'], query: PublicContactsQuery, response: PublicContactsPage,
    summary: 'Search contacts by name or number, or list them page by page',
  }),
  publicGetContact: endpoint({
    method: 'GET', path: '/api/v1/contacts/:id', auth: 'token', scopes: ['contacts:read'], response: PublicContactResponse,
    summary: 'One contact',
  }),
} as const;

export const tokenErrors = {
  /** No API token, a malformed or unknown one, or a revoked one: the same answer to all. */
  unauthenticated: () =>
    new DomainError('unauthenticated', 'invalid_api_token', 'Send a valid API token: Authorization: Bearer atk_… (created under Administração › Tokens de API)'),
  missingScope: (scope: ApiScope) =>
    new DomainError('forbidden', 'missing_scope', `This API token lacks the scope "${scope}" this route needs`, { scope }),
  conversationFinished: () => new DomainError('conflict', 'conversation_finished', 'The conversation is finished; open a new one to write to the customer'),
  noAddress: (kind: string) =>
    new DomainError('unprocessable', 'contact_without_address', `The contact has no ${kind} address: the channel could not deliver replies`),
  unknownChannel: () => new DomainError('unprocessable', 'unknown_channel', 'No such channel account, or it is disabled'),
  badCursor: () => new DomainError('invalid', 'invalid_cursor', 'cursor: use the nextCursor of the previous page'),
} as const;

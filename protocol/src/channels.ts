import { z } from 'zod';
import { ChannelKind, Id } from './documents.js';

/**
 * Channel accounts (ARCHITECTURE §4): a WhatsApp number, a Telegram bot, a Facebook page, an
 * Instagram account, a website-chat site, a Reclame Aqui company. Each kind declares its
 * settings; the keys listed as secret are write-only: stored, never returned, replicated or logged.
 */
const Url = z.url({ protocol: /^https?$/ }).max(500);
const Token = z.string().min(1).max(2048);
const Digits = z.string().regex(/^\d{1,32}$/, 'digits only');

export const CHANNEL_SETTINGS = {
  webchat: z.strictObject({}),
  whatsapp: z.strictObject({
    phoneNumberId: Digits,
    businessAccountId: Digits.optional(),
    baseUrl: Url.default('https://graph.facebook.com/v21.0'),
    accessToken: Token,
    appSecret: Token,
    verifyToken: Token,
  }),
  telegram: z.strictObject({
    baseUrl: Url.default('https://api.telegram.org'),
    botToken: Token,
    secretToken: z.string().regex(/^[A-Za-z0-9_-]{16,256}$/, '16–256 of A-Z a-z 0-9 _ -'),
  }),
  messenger: z.strictObject({
    pageId: Digits,
    baseUrl: Url.default('https://graph.facebook.com/v21.0'),
    accessToken: Token,
    appSecret: Token,
    verifyToken: Token,
  }),
  instagram: z.strictObject({
    pageId: Digits,
    baseUrl: Url.default('https://graph.facebook.com/v21.0'),
    accessToken: Token,
    appSecret: Token,
    verifyToken: Token,
  }),
  reclameaqui: z.strictObject({
    baseUrl: Url,
    clientId: Token,
    clientSecret: Token,
    companyId: z.string().min(1).max(64),
  }),
} as const satisfies Record<ChannelKind, z.ZodType>;

export const CHANNEL_SECRET_KEYS: Record<ChannelKind, readonly string[]> = {
  webchat: [],
  whatsapp: ['accessToken', 'appSecret', 'verifyToken'],
  telegram: ['botToken', 'secretToken'],
  messenger: ['accessToken', 'appSecret', 'verifyToken'],
  instagram: ['accessToken', 'appSecret', 'verifyToken'],
  reclameaqui: ['clientSecret'],
};

export type ChannelSettings = Record<string, string | undefined>;

const Name = z.string().trim().min(1).max(100);

export const CreateChannelBody = z.strictObject({
  kind: ChannelKind,
  name: Name,
  teamId: Id,
  config: z.record(z.string(), z.unknown()).default({}),
});
export type CreateChannelBody = z.infer<typeof CreateChannelBody>;

/** `config` is merged over the stored settings: omitted secrets keep their value. */
export const UpdateChannelBody = z.strictObject({
  name: Name.optional(),
  teamId: Id.optional(),
  enabled: z.boolean().optional(),
  config: z.record(z.string(), z.unknown()).optional(),
});
export type UpdateChannelBody = z.infer<typeof UpdateChannelBody>;

/** What the admin API returns: settings without secrets, and which secrets are set. */
export const ChannelAccountView = z.object({
  id: Id,
  kind: ChannelKind,
  name: z.string(),
  teamId: Id,
  enabled: z.boolean(),
  settings: z.record(z.string(), z.string()),
  secretsSet: z.array(z.string()),
  webhookUrl: z.string().nullable(),
  createdAt: z.number(),
  updatedAt: z.number(),
});
export type ChannelAccountView = z.infer<typeof ChannelAccountView>;

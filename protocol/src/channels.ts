import { z } from 'zod';
import { ChannelKind, Id } from './documents.js';
import { keyOf } from './ids.js';

/**
 * Channel accounts (ARCHITECTURE §4): a WhatsApp number, a Telegram bot, a Facebook page, an
 * Instagram account, a website-chat site, a Reclame Aqui company. Each kind declares its
 * settings; the keys listed as secret are write-only: stored, never returned, replicated or logged.
 */
const Url = z.url({ protocol: /^https?$/ }).max(500);
const Token = z.string().min(1).max(2048);
const Digits = z.string().regex(/^\d{1,32}$/, 'digits only');
/** Meta's Graph API, versioned: the default base of WhatsApp, Messenger and Instagram accounts. */
export const GRAPH_API_BASE = 'https://graph.facebook.com/v21.0';

/** Fields of the website chat's pre-chat form (R-CH-02): the contact's name and e-mail. */
export const PrechatField = z.enum(['name', 'email']);
export type PrechatField = z.infer<typeof PrechatField>;
export const WebchatPrechat = z.strictObject({
  enabled: z.boolean().default(true),
  fields: z.array(PrechatField).max(2).default(['name', 'email']),
  /** Fields the visitor must fill; only asked fields count. */
  required: z.array(PrechatField).max(2).default(['name', 'email']),
});
/** An article (FAQ) shown before chatting (R-RT-05): plain text, never HTML. */
export const WebchatArticle = z.strictObject({
  id: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, '1–64 of A-Z a-z 0-9 _ -'),
  title: z.string().trim().min(1).max(200),
  body: z.string().trim().min(1).max(5000),
});
export type WebchatArticle = z.infer<typeof WebchatArticle>;
const WebchatSettings = z.strictObject({
  prechat: WebchatPrechat.prefault({}),
  articles: z.array(WebchatArticle).max(50).default([]),
});

/** What the widget reads before chatting: `GET /api/webchat/:accountId/config` (public). */
export const WebchatConfig = z.object({
  name: z.string(),
  prechat: z.object({ enabled: z.boolean(), fields: z.array(PrechatField), required: z.array(PrechatField) }),
  articles: z.array(WebchatArticle),
});
export type WebchatConfig = z.infer<typeof WebchatConfig>;

/** The public config of a website-chat account from its stored settings (older accounts stored none). */
export function webchatConfigOf(name: string, settings: unknown): WebchatConfig {
  const { prechat, articles } = WebchatSettings.parse(settings ?? {});
  return { name, prechat: { ...prechat, required: prechat.required.filter((f) => prechat.fields.includes(f)) }, articles };
}

export const CHANNEL_SETTINGS = {
  webchat: WebchatSettings,
  whatsapp: z.strictObject({
    phoneNumberId: Digits,
    /** The number as Meta shows it (webhook `metadata.display_phone_number`), for cards and headers. */
    displayPhoneNumber: Digits.optional(),
    /** The WhatsApp Business Account: templates are synced from it. */
    wabaId: Digits.optional(),
    /** The Graph API's versioned base; a local simulator or a newer version may replace it. */
    baseUrl: Url.default(GRAPH_API_BASE),
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
    baseUrl: Url.default(GRAPH_API_BASE),
    accessToken: Token,
    appSecret: Token,
    verifyToken: Token,
  }),
  instagram: z.strictObject({
    pageId: Digits,
    baseUrl: Url.default(GRAPH_API_BASE),
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

/**
 * Strings for the kinds that connect upstream. The website chat's `prechat` and `articles` are
 * structured: read them only through `webchatConfigOf`, which parses them.
 */
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

/**
 * Where an upstream posts a channel account's events, under the server's address (`GET|POST
 * /channels/:kind/:channelKey/webhook`, the key being the account id after `channel:`).
 */
export function webhookPathOf(kind: ChannelKind, accountId: string): string {
  return `/channels/${kind}/${encodeURIComponent(keyOf(accountId))}/webhook`;
}

/** What the admin API returns: settings without secrets, and which secrets are set. */
export const ChannelAccountView = z.object({
  id: Id,
  kind: ChannelKind,
  name: z.string(),
  teamId: Id,
  enabled: z.boolean(),
  settings: z.record(z.string(), z.unknown()),
  secretsSet: z.array(z.string()),
  webhookUrl: z.string().nullable(),
  createdAt: z.number(),
  updatedAt: z.number(),
});
export type ChannelAccountView = z.infer<typeof ChannelAccountView>;

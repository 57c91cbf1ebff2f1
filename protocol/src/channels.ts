import { z } from 'zod';
import { ChannelKind, Id, MESSAGE_TEXT_MAX } from './documents.js';
import { WeeklyHours } from './hours.js';
import { keyOf } from './ids.js';
import { RECLAME_AQUI_POLL } from './reclameAqui.js';

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
/** Telegram's Bot API: methods at `{base}/bot<token>/<method>`, files at `{base}/file/bot<token>/<path>`. */
export const TELEGRAM_API_BASE = 'https://api.telegram.org';
/** What BotFather hands out: the bot's numeric id, a colon, then the secret part. */
const TelegramBotToken = z.string().regex(/^\d{1,20}:[A-Za-z0-9_-]{30,100}$/, 'formato 123456789:ABC… (o token que o BotFather mostra)');
/** Telegram's `secret_token`: 1–256 of A-Z a-z 0-9 _ - (we ask for at least 16). */
const TelegramSecret = z.string().regex(/^[A-Za-z0-9_-]{16,256}$/, '16–256 of A-Z a-z 0-9 _ -');
const VerifyToken = z.string().regex(/^[A-Za-z0-9_.~-]{8,256}$/, '8–256 of A-Z a-z 0-9 _ . ~ -');
/**
 * Messenger/Instagram outside the 24 h standard window (R-CH-05): 'on' sends agents' replies with
 * `MESSAGE_TAG` + `HUMAN_AGENT` up to 7 days (Meta must have granted the app that feature);
 * 'off' closes the composer at 24 h. Strings, as every upstream setting is (ChannelSettings).
 */
export const HumanAgentTag = z.enum(['on', 'off']).default('off');

/**
 * The longest text one message may carry on each channel (CHANNELS.md): the composer counts
 * against it and the server refuses longer replies before they reach the upstream. Instagram's
 * 1,000 is Meta's documented limit for Instagram messaging text (uncertain: bytes or characters).
 */
export const CHANNEL_TEXT_MAX: Record<ChannelKind, number> = {
  webchat: MESSAGE_TEXT_MAX, whatsapp: 4096, telegram: 4096, messenger: 2000, instagram: 1000, reclameaqui: MESSAGE_TEXT_MAX,
};

/**
 * How long a reply's text is, the one count of the composer, the server's refusal and every
 * adapter: trimmed (the server stores the text trimmed, so the upstream gets exactly what was
 * counted) and in UTF-16 units (`String.length`, what a textarea counts). UTF-16 never counts
 * fewer than code points or Telegram's characters, so a text that fits here fits upstream too.
 */
export const channelTextLength = (text: string): number => text.trim().length;

/** Whether `text` fits one message on the channel (CHANNEL_TEXT_MAX), counted as `channelTextLength`. */
export const fitsChannelText = (kind: ChannelKind, text: string): boolean => channelTextLength(text) <= CHANNEL_TEXT_MAX[kind];

/**
 * Whether an upstream posts a kind's events to us, so its accounts have a webhook URL: not the
 * website chat (ours) nor Reclame Aqui (HugMe has no webhooks; the server polls, issue 12).
 */
export const hasWebhook = (kind: ChannelKind): boolean => kind !== 'webchat' && kind !== 'reclameaqui';

/** Which setting holds a kind's upstream base URL (WhatsApp kept its first name). */
export const BASE_URL_KEY: Record<ChannelKind, string | null> = {
  webchat: null, whatsapp: 'baseUrl', telegram: 'apiBaseUrl', messenger: 'apiBaseUrl', instagram: 'apiBaseUrl', reclameaqui: 'apiBaseUrl',
};

/**
 * Settings the server fills in when the admin leaves them out (issue 11): Telegram's secret
 * token and Meta's verify token. Random, URL-safe; the server writes them once, at creation.
 */
export const GENERATED_SETTINGS: Partial<Record<ChannelKind, readonly string[]>> = {
  telegram: ['secretToken'],
  messenger: ['verifyToken'],
  instagram: ['verifyToken'],
};

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
  /** R-RT-03: whether the entry team is within its business hours now (always, without hours). */
  online: z.boolean(),
  /** The entry team's week, shown while offline; null without business hours. */
  hours: WeeklyHours.nullable(),
  /** When an offline team opens next (epoch ms); null when online or not within a year. */
  nextOpening: z.number().int().nullable(),
});
export type WebchatConfig = z.infer<typeof WebchatConfig>;
/** The part of the widget's config that comes from the entry team's business hours (R-RT-03). */
export type WebchatAvailability = Pick<WebchatConfig, 'online' | 'hours' | 'nextOpening'>;
const ALWAYS_ONLINE: WebchatAvailability = { online: true, hours: null, nextOpening: null };

/** The public config of a website-chat account from its stored settings (older accounts stored none). */
export function webchatConfigOf(name: string, settings: unknown, availability: WebchatAvailability = ALWAYS_ONLINE): WebchatConfig {
  const { prechat, articles } = WebchatSettings.parse(settings ?? {});
  return { name, prechat: { ...prechat, required: prechat.required.filter((f) => prechat.fields.includes(f)) }, articles, ...availability };
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
  // Issue 11: the new kinds name their settings as the contract does (`apiBaseUrl`,
  // `pageAccessToken`); WhatsApp keeps the `baseUrl`/`accessToken` it shipped with (BASE_URL_KEY).
  telegram: z.strictObject({
    apiBaseUrl: Url.default(TELEGRAM_API_BASE),
    botToken: TelegramBotToken,
    /** Sent by Telegram with every delivery; generated by the server when not given (setWebhook registers it). */
    secretToken: TelegramSecret.optional(),
    /** The bot's @username as `getMe` answered (server-written), for deep links `t.me/<bot>?start=…`. */
    botUsername: z.string().regex(/^[A-Za-z0-9_]{1,64}$/).optional(),
  }),
  messenger: z.strictObject({
    pageId: Digits,
    apiBaseUrl: Url.default(GRAPH_API_BASE),
    pageAccessToken: Token,
    appSecret: Token,
    /** Typed by the admin in Meta's dashboard too, so readable (not a secret); generated when not given. */
    verifyToken: VerifyToken.optional(),
    humanAgentTag: HumanAgentTag,
  }),
  instagram: z.strictObject({
    igUserId: Digits,
    pageId: Digits,
    apiBaseUrl: Url.default(GRAPH_API_BASE),
    pageAccessToken: Token,
    appSecret: Token,
    verifyToken: VerifyToken.optional(),
    humanAgentTag: HumanAgentTag,
  }),
  // Issue 12: HugMe has no webhooks, so the server polls every `pollSeconds` (RECLAME_AQUI_POLL).
  reclameaqui: z.strictObject({
    description: z.string().trim().max(200).optional(),
    clientId: Token,
    clientSecret: Token,
    companyId: z.string().min(1).max(64),
    apiBaseUrl: Url,
    pollSeconds: z.coerce.number().int().min(RECLAME_AQUI_POLL.minSeconds).max(RECLAME_AQUI_POLL.maxSeconds)
      .default(RECLAME_AQUI_POLL.defaultSeconds).transform(String),
    /** A flow (bot) the new complaints go through first; unused until flows exist. */
    flowId: z.string().min(1).max(64).optional(),
  }),
} as const satisfies Record<ChannelKind, z.ZodType>;

export const CHANNEL_SECRET_KEYS: Record<ChannelKind, readonly string[]> = {
  webchat: [],
  whatsapp: ['accessToken', 'appSecret', 'verifyToken'],
  telegram: ['botToken', 'secretToken'],
  messenger: ['pageAccessToken', 'appSecret'],
  instagram: ['pageAccessToken', 'appSecret'],
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

/** "Testar conexão": the upstream answered (and what it said) or why not, as a readable sentence. */
export const ChannelTestResponse = z.object({ ok: z.boolean(), message: z.string() });
export type ChannelTestResponse = z.infer<typeof ChannelTestResponse>;

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
  /**
   * Create and update only, for kinds that register upstream (Telegram's getMe + setWebhook):
   * how that went. The account is stored either way; "Testar conexão" repeats it.
   */
  connection: ChannelTestResponse.optional(),
  createdAt: z.number(),
  updatedAt: z.number(),
});
export type ChannelAccountView = z.infer<typeof ChannelAccountView>;

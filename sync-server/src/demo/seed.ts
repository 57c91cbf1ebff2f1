import {
  CreateArticleBody, CreateChannelBody, CreateDispositionBody, CreatePredefinedBody, CreateTagBody, CreateTeamBody, CreateUserBody,
  FlowBody, RATING_WINDOW_HOURS_DEFAULT, RECLAME_AQUI_POLL, UpdateProfileBody, type ContactDoc, type TeamRatings, type UserDoc,
} from '@atende/protocol';
import type { AuthService } from '../auth/service.js';
import { randomToken } from '../auth/tokens.js';
import { ChannelAccounts, type ChannelAccountDoc } from '../channelAccounts/service.js';
import { ArticleService, DispositionService, PredefinedService, TagService } from '../content/index.js';
import { Flows } from '../flows/flows.js';
import { MediaService } from '../media/service.js';
import { simplePdf } from '../media/simplePdf.js';
import { ProfileService } from '../profile/service.js';
import { updateDoc, type DocStore } from '../store/index.js';
import { toStored } from '../store/wire.js';
import { TeamService } from '../teams/service.js';
import { UsersAdmin, type PasswordLinkSender } from '../users/service.js';
import {
  DEMO_ACCOUNTS, DEMO_ARTICLES, DEMO_DISPOSITIONS, DEMO_EXTENSIONS, DEMO_PREDEFINED, DEMO_PRICE_LIST_KEY, DEMO_SAMPLE_FLOW, DEMO_TAGS,
  DEMO_TEAMS, DEMO_WEBCHAT_ACCOUNT, DEMO_WEBCHAT_CONFIG, DEMO_WEBCHAT_NAME, demoUserBody,
} from './catalogue.js';
import { seedDemoHistory } from './history.js';

export { DEMO_ACCOUNTS, DEMO_WEBCHAT_ACCOUNT } from './catalogue.js';

/** The demo's teams ask customers to rate finished conversations (issue 18), answers taken for 24 h. */
const DEMO_RATINGS: TeamRatings = { enabled: true, windowHours: RATING_WINDOW_HOURS_DEFAULT };

/** Demo users get the demo password at once (below): no invitation is made, mailed or logged. */
const NO_INVITATIONS: PasswordLinkSender = { send: async () => {} };

/**
 * Seeds the demo organisation once, into an empty store only. Returns whether it did. Everything
 * an admin screen manages is created by that screen's service with the body the screen sends
 * (parsed by the same protocol schema as its route), so the demo holds nothing an admin could not
 * have made: teams, users (their extensions through the profile), the website chat, tags,
 * predefined messages, dispositions, articles and a sample flow. Nothing here mails or runs a job.
 */
export async function seedDemo(
  store: DocStore, auth: AuthService, password: string,
  history?: { timeZone: string },
): Promise<boolean> {
  const seeded = await seedOrganisation(store, auth, password);
  // Issue 16: two weeks of past conversations (history.ts), opt-in; also into a demo seeded before without them.
  if (history && (await store.get('user:ana'))) await seedDemoHistory(store, history);
  return seeded;
}

async function seedOrganisation(store: DocStore, auth: AuthService, password: string): Promise<boolean> {
  const users = await store.find({ selector: { type: 'user' }, limit: 1 });
  if (users.length > 0) return false;
  const media = new MediaService(store);
  const accounts = new ChannelAccounts(store, undefined);

  const teams = new TeamService(store, accounts);
  for (const [id, body] of DEMO_TEAMS) {
    const team = await teams.create(CreateTeamBody.parse({ ratings: DEMO_RATINGS, ...body }));
    if (team.id !== id) throw new Error(`demo team ${body.name} seeded as ${team.id}, not ${id}`);
  }

  const admin = new UsersAdmin(store, auth, NO_INVITATIONS);
  const profiles = new ProfileService(store, auth, media);
  const people = await Promise.all(DEMO_ACCOUNTS.map(async (account): Promise<UserDoc> => {
    const [key, body] = demoUserBody(account);
    const { user } = await admin.create(CreateUserBody.parse(body), key);
    const extension = DEMO_EXTENSIONS[account.email];
    // The extension is the agent's own setting ("Editar perfil"), claimed so no colleague takes it.
    const seeded = extension ? await profiles.update(user, UpdateProfileBody.parse({ extension })) : user;
    await auth.setPassword(seeded, password);
    return seeded;
  }));
  const actor = people.find((p) => p.role === 'admin');
  if (!actor) throw new Error('demo seed has no admin');

  await accounts.create(CreateChannelBody.parse({
    kind: 'webchat', name: DEMO_WEBCHAT_NAME, teamId: 'team:suporte', config: DEMO_WEBCHAT_CONFIG,
  }), DEMO_WEBCHAT_ACCOUNT);
  await seedContacts(store);

  const tags = new TagService(store);
  const predefined = new PredefinedService(store, media);
  const dispositions = new DispositionService(store);
  const articles = new ArticleService(store);
  // A predefined message with a file (R-WS-04): uploaded by the admin into the library, as the form does.
  const priceList = await media.upload({
    bytes: simplePdf('Tabela de precos', ['Plano Basico: R$ 49,90 por mes', 'Plano Completo: R$ 89,90 por mes']),
    filename: 'tabela-de-precos.pdf', channel: 'webchat', uploadedBy: actor.id, shared: true,
  });
  await Promise.all([
    ...DEMO_TAGS.map(([key, body]) => tags.create(CreateTagBody.parse(body), key)),
    ...DEMO_PREDEFINED.map(([key, body]) => predefined.create(actor, CreatePredefinedBody.parse({
      ...body, mediaIds: key === DEMO_PRICE_LIST_KEY ? [priceList.mediaId] : [],
    }), key)),
    ...DEMO_DISPOSITIONS.map(([key, body]) => dispositions.create(actor, CreateDispositionBody.parse(body), key)),
  ]);
  // One at a time: each create counts the articles against the maximum.
  for (const [key, body] of DEMO_ARTICLES) await articles.create(CreateArticleBody.parse(body), key);
  const [flowTeam, flow] = DEMO_SAMPLE_FLOW;
  await new Flows(store).save(flowTeam, FlowBody.parse(flow));
  return true;
}

/**
 * Contacts are the agents' (no admin screen): written as they were. `teamIds`: the teams whose
 * agents replicate the contact (issue 8: contacts follow conversations).
 */
async function seedContacts(store: DocStore): Promise<void> {
  const now = Date.now();
  const contact = (key: string, name: string, email: string, whatsapp: string, teamIds: string[]): ContactDoc => ({
    id: `contact:${key}`, type: 'contact', name, email, addresses: { whatsapp }, customFields: {}, teamIds, createdAt: now, updatedAt: now,
  });
  const results = await store.bulkWrite([
    contact('maria', 'Maria Oliveira', 'maria@example.com', '5511987654321', ['team:suporte']),
    contact('joao', 'João Pereira', 'joao@example.com', '5521998765432', ['team:comercial']),
    contact('lucia', 'Lúcia Ferreira', '', '551133334444', ['team:suporte']),
  ].map((d) => toStored(d)));
  const failed = results.filter((r) => !r.ok);
  if (failed.length > 0) throw new Error(`demo contacts not seeded: ${failed.map((r) => r.id).join(', ')}`);
}

/** The demo's WhatsApp number, played by the simulator (issue 10); its webhook is /channels/whatsapp/demo-whatsapp/webhook. */
export const DEMO_WHATSAPP_ACCOUNT = 'demo-whatsapp';
const DEMO_WHATSAPP_ID = `channel:${DEMO_WHATSAPP_ACCOUNT}`;
const DEMO_WHATSAPP_NUMBER = { phoneNumberId: '106540352242922', displayPhoneNumber: '5511912345678', wabaId: '102290129340398' };

export interface DemoWhatsAppSettings {
  phoneNumberId: string;
  displayPhoneNumber: string;
  wabaId: string;
  accessToken: string;
  appSecret: string;
  verifyToken: string;
}

/**
 * The demo number's settings: the stored account's (its credentials stay across restarts), or
 * fresh random credentials for a store that has none yet. Undefined when an admin removed it.
 */
export async function demoWhatsAppSettings(store: DocStore): Promise<DemoWhatsAppSettings | undefined> {
  const existing = (await store.get(DEMO_WHATSAPP_ID)) as ChannelAccountDoc | undefined;
  if (existing?.removed) return undefined;
  const kept = existing && !existing._deleted ? existing.settings ?? {} : {};
  return {
    phoneNumberId: kept.phoneNumberId ?? DEMO_WHATSAPP_NUMBER.phoneNumberId,
    displayPhoneNumber: kept.displayPhoneNumber ?? DEMO_WHATSAPP_NUMBER.displayPhoneNumber,
    wabaId: kept.wabaId ?? DEMO_WHATSAPP_NUMBER.wabaId,
    accessToken: kept.accessToken ?? `EAAdemo${randomToken(24)}`,
    appSecret: kept.appSecret ?? randomToken(24),
    verifyToken: kept.verifyToken ?? randomToken(16),
  };
}

/**
 * Creates the "WhatsApp (simulador)" account in Suporte, or points the existing one at the
 * simulator's current address (its port may change between runs); an admin's other edits stay.
 */
export async function saveDemoWhatsApp(store: DocStore, settings: DemoWhatsAppSettings, baseUrl: string): Promise<void> {
  const now = Date.now();
  await updateDoc<ChannelAccountDoc>(store, DEMO_WHATSAPP_ID, (current) => {
    if (current?.removed) return undefined;
    if (!current || current._deleted) {
      return {
        _id: DEMO_WHATSAPP_ID, type: 'channel', kind: 'whatsapp', name: 'WhatsApp (simulador)', entryTeamId: 'team:suporte',
        enabled: true, settings: { ...settings, baseUrl }, createdAt: now, updatedAt: now,
      };
    }
    const same = Object.entries({ ...settings, baseUrl }).every(([key, value]) => current.settings?.[key] === value);
    return same ? undefined : { ...current, settings: { ...current.settings, ...settings, baseUrl }, updatedAt: now };
  });
}

/**
 * Issue 11: the demo's Telegram bot, Facebook page and Instagram account, played by the
 * simulators, all in Suporte. Messenger sends outside the 24 h window with the HUMAN_AGENT tag;
 * Instagram does not, so the demo shows both behaviours. The Instagram account belongs to the
 * demo page and shares its app secret and page token, as a real linked account does.
 */
export const DEMO_CHANNELS = {
  telegram: { key: 'demo-telegram', name: 'Telegram (simulador)' },
  messenger: { key: 'demo-messenger', name: 'Messenger (simulador)' },
  instagram: { key: 'demo-instagram', name: 'Instagram (simulador)' },
  // Issue 12: a company on the fake HugMe (reclameaqui/simulator/demo.ts).
  reclameaqui: { key: 'demo-reclameaqui', name: 'Reclame Aqui (demo)' },
} as const;
export type DemoChannelKind = keyof typeof DEMO_CHANNELS;

/**
 * Settings a demo account starts with and the demo never writes again (an admin may change them).
 * Messenger sends outside the 24 h window with the HUMAN_AGENT tag, Instagram does not; the
 * Reclame Aqui company polls as often as the settings allow, so the demo shows a complaint soon
 * (inside HugMe's ~10 calls a minute).
 */
const CREATE_ONLY: Partial<Record<DemoChannelKind, Record<string, string>>> = {
  messenger: { humanAgentTag: 'on' },
  instagram: { humanAgentTag: 'off' },
  reclameaqui: { description: 'Empresa de demonstração no Reclame Aqui (simulador)', pollSeconds: String(RECLAME_AQUI_POLL.minSeconds) },
};
const DEMO_PAGE = { pageId: '104881234567890', igUserId: '17841400000000001' };

/** The demo account's stored settings ({} when none yet), or undefined when an admin removed it. */
export async function keptSettings(store: DocStore, kind: DemoChannelKind): Promise<Record<string, string | undefined> | undefined> {
  const existing = (await store.get(`channel:${DEMO_CHANNELS[kind].key}`)) as ChannelAccountDoc | undefined;
  if (existing?.removed) return undefined;
  return existing && !existing._deleted ? existing.settings ?? {} : {};
}

export interface DemoTelegramSettings { botToken: string; secretToken: string; botUsername: string }

/** The demo bot's credentials: the stored ones (kept across restarts) or fresh; undefined when removed. */
export async function demoTelegramSettings(store: DocStore): Promise<DemoTelegramSettings | undefined> {
  const kept = await keptSettings(store, 'telegram');
  if (!kept) return undefined;
  return {
    // Shaped as BotFather's: "<bot id>:<secret>".
    botToken: kept.botToken ?? `7000000001:${randomToken(26)}`,
    secretToken: kept.secretToken ?? randomToken(24),
    botUsername: kept.botUsername ?? 'atende_demo_bot',
  };
}

export interface DemoMetaSettings { pageId: string; igUserId: string; pageAccessToken: string; appSecret: string; verifyToken: string }

/** The demo page's (and its Instagram account's) credentials, kept across restarts; undefined when both accounts were removed. */
export async function demoMetaSettings(store: DocStore): Promise<DemoMetaSettings | undefined> {
  const page = await keptSettings(store, 'messenger');
  const instagram = await keptSettings(store, 'instagram');
  if (!page && !instagram) return undefined;
  const kept = { ...instagram, ...page };
  return {
    pageId: kept.pageId ?? DEMO_PAGE.pageId,
    igUserId: instagram?.igUserId ?? DEMO_PAGE.igUserId,
    pageAccessToken: kept.pageAccessToken ?? `EAAdemo${randomToken(24)}`,
    appSecret: kept.appSecret ?? randomToken(24),
    verifyToken: kept.verifyToken ?? randomToken(16),
  };
}

/**
 * Creates the demo account of `kind` in Suporte with `settings`, or points the existing one at the
 * simulator (its port may change between runs) keeping an admin's other edits. False when removed,
 * or when `stillDemo` says the stored account is no longer the demo's (checked at the write, so an
 * admin's save since the caller read it wins).
 */
export async function saveDemoChannel(
  store: DocStore, kind: DemoChannelKind, settings: Record<string, string>,
  options: { stillDemo?: (settings: ChannelAccountDoc['settings']) => boolean } = {},
): Promise<boolean> {
  const { key, name } = DEMO_CHANNELS[kind];
  const id = `channel:${key}`;
  const now = Date.now();
  let leftAlone = false;
  await updateDoc<ChannelAccountDoc>(store, id, (current) => {
    const live = current && !current._deleted ? current : undefined;
    if (current?.removed || (live && options.stillDemo && !options.stillDemo(live.settings))) {
      leftAlone = true;
      return undefined;
    }
    if (!current || current._deleted) {
      return {
        _id: id, type: 'channel', kind, name, entryTeamId: 'team:suporte', enabled: true,
        settings: { ...CREATE_ONLY[kind], ...settings }, createdAt: now, updatedAt: now,
      };
    }
    const same = Object.entries(settings).every(([k, value]) => current.settings?.[k] === value);
    return same ? undefined : { ...current, settings: { ...current.settings, ...settings }, updatedAt: now };
  });
  return !leftAlone;
}

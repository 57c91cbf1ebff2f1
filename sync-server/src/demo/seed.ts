import {
  RECLAME_AQUI_POLL, type Attachment, type ContactDoc, type DispositionDoc, type PredefinedDoc, type ReplicatedDoc, type TagDoc, type TeamDoc,
  type UserDoc,
} from '@atende/protocol';
import type { AuthService } from '../auth/service.js';
import type { ChannelAccountDoc } from '../channelAccounts/service.js';
import type { DocStore } from '../store/index.js';
import { MediaService } from '../media/service.js';
import { extensionClaimDoc } from '../profile/extensions.js';
import { simplePdf } from '../media/simplePdf.js';
import { randomToken } from '../auth/tokens.js';
import { updateDoc } from '../store/index.js';
import { toStored } from '../store/wire.js';

export const DEMO_ACCOUNTS = [
  { email: 'ana@demo.local', name: 'Ana Souza', role: 'agent', teams: ['team:suporte'] },
  { email: 'bruno@demo.local', name: 'Bruno Lima', role: 'agent', teams: ['team:suporte'] },
  { email: 'carla@demo.local', name: 'Carla Mendes', role: 'supervisor', teams: ['team:suporte', 'team:comercial'] },
  { email: 'admin@demo.local', name: 'Administrador', role: 'admin', teams: ['team:suporte', 'team:comercial'] },
] as const;

/** The demo agents' phone extensions ("ramal", R-WS-11), which click-to-call dials from (R-WS-16). */
const DEMO_EXTENSIONS: Readonly<Record<string, string>> = { 'ana@demo.local': '2001', 'bruno@demo.local': '2002', 'carla@demo.local': '2003' };

export const DEMO_WEBCHAT_ACCOUNT = 'demo-site';
const DEMO_WEBCHAT_SETTINGS = {
  prechat: { enabled: true, fields: ['name', 'email'], required: ['name', 'email'] },
  articles: [
    { id: 'pedido', title: 'Como acompanhar meu pedido', body: 'Acesse "Meus pedidos" com o seu e-mail e o número do pedido. O código de rastreio chega por e-mail assim que o pedido é despachado.' },
    { id: 'trocas', title: 'Trocas e devoluções', body: 'Você tem até 7 dias após o recebimento para devolver um produto. Guarde a embalagem original e fale conosco para receber a etiqueta de envio.' },
    { id: 'pagamento', title: 'Formas de pagamento', body: 'Aceitamos cartão de crédito em até 10 vezes, Pix e boleto bancário. O boleto vence em 3 dias úteis.' },
  ],
};

/** Seeds the demo organisation once, into an empty store only. Returns whether it did. */
export async function seedDemo(store: DocStore, auth: AuthService, password: string): Promise<boolean> {
  const users = await store.find({ selector: { type: 'user' }, limit: 1 });
  if (users.length > 0) return false;
  const now = Date.now();
  const base = { createdAt: now, updatedAt: now };
  // Both demo teams allow the internal chat (R-WS-12).
  const team = (id: string, name: string): TeamDoc => ({ id, type: 'team', name, dispositionRequired: false, internalChat: true, ...base });
  // teamIds: the teams whose agents replicate the contact (issue 8: contacts follow conversations).
  const contact = (key: string, name: string, email: string, whatsapp: string, teamIds: string[]): ContactDoc => ({
    id: `contact:${key}`, type: 'contact', name, email, addresses: { whatsapp }, customFields: {}, teamIds, ...base,
  });
  const predefined = (key: string, teamId: string | null, title: string, text: string, attachments?: Attachment[]): PredefinedDoc => ({
    id: `predefined:${key}`, type: 'predefined', teamId, title, text, ...(attachments ? { attachments } : {}), ...base,
  });
  // A predefined message with a file (R-WS-04): the file is stored once, shared with every agent.
  const priceList = await new MediaService(store).upload({
    bytes: simplePdf('Tabela de precos', ['Plano Basico: R$ 49,90 por mes', 'Plano Completo: R$ 89,90 por mes']),
    filename: 'tabela-de-precos.pdf', channel: 'webchat', uploadedBy: 'user:admin', shared: true,
  });
  const disposition = (key: string, teamId: string, name: string): DispositionDoc => ({
    id: `disposition:${key}`, type: 'disposition', teamId, name, ...base,
  });
  // Internal tags (R-WS-05), defined by the admin; colours are data, chosen to read on light and dark.
  const tag = (key: string, name: string, color: string): TagDoc => ({ id: `tag:${key}`, type: 'tag', name, color, ...base });
  const people: UserDoc[] = DEMO_ACCOUNTS.map((a) => ({
    id: `user:${a.email.split('@')[0]}`, type: 'user', name: a.name, email: a.email, role: a.role,
    teamIds: [...a.teams], maxConcurrent: 5, ...base,
    // Other teams' history (R-WS-05): Bruno may read it, Ana may not — the demo shows both sides.
    ...(a.email === 'bruno@demo.local' ? { permissions: { historyOtherTeams: true } } : {}),
    ...(a.email === 'ana@demo.local' ? { permissions: { historyOtherTeams: false } } : {}),
    ...(DEMO_EXTENSIONS[a.email] ? { extension: DEMO_EXTENSIONS[a.email] } : {}),
  }));
  const docs: ReplicatedDoc[] = [
    team('team:suporte', 'Suporte'),
    team('team:comercial', 'Comercial'),
    ...people,
    contact('maria', 'Maria Oliveira', 'maria@example.com', '5511987654321', ['team:suporte']),
    contact('joao', 'João Pereira', 'joao@example.com', '5521998765432', ['team:comercial']),
    contact('lucia', 'Lúcia Ferreira', '', '551133334444', ['team:suporte']),
    predefined('saudacao', 'team:suporte', 'Saudação', 'Olá! Meu nome é {agente}. Como posso ajudar?'),
    predefined('aguarde', null, 'Aguarde', 'Um momento, por favor, estou verificando.'),
    predefined('precos', null, 'Tabela de preços', 'Segue a nossa tabela de preços.', [priceList]),
    predefined('encerramento', 'team:suporte', 'Encerramento', 'Obrigado pelo contato! Tenha um ótimo dia.'),
    predefined('proposta', 'team:comercial', 'Proposta', 'Vou preparar uma proposta e envio em seguida.'),
    disposition('duvida', 'team:suporte', 'Dúvida resolvida'),
    disposition('tecnico', 'team:suporte', 'Problema técnico'),
    disposition('venda', 'team:comercial', 'Venda realizada'),
    tag('reclamacao', 'Reclamação', '#c2410c'),
    tag('elogio', 'Elogio', '#15803d'),
    tag('urgente', 'Urgente', '#b91c1c'),
    tag('financeiro', 'Financeiro', '#1d4ed8'),
  ];
  const channel: ChannelAccountDoc = {
    _id: `channel:${DEMO_WEBCHAT_ACCOUNT}`, type: 'channel', kind: 'webchat',
    name: 'Site de demonstração', entryTeamId: 'team:suporte',
    // Pre-chat form on (the default) and a few articles before chatting (issue 9, R-CH-02, R-RT-05).
    settings: DEMO_WEBCHAT_SETTINGS as unknown as ChannelAccountDoc['settings'],
  };
  // The extensions' claims, so a colleague cannot take one (profile/extensions.ts).
  const claims = people.flatMap((p) => (p.extension ? [extensionClaimDoc(p.extension, p.id, now)] : []));
  const results = await store.bulkWrite([...docs.map((d) => toStored(d)), ...claims, channel]);
  const failed = results.filter((r) => !r.ok);
  if (failed.length > 0) throw new Error(`demo seed failed for ${failed.map((r) => r.id).join(', ')}`);
  for (const user of people) await auth.setPassword(user, password);
  return true;
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

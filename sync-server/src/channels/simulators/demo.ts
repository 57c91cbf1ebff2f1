import { webhookPathOf } from '@atende/protocol';
import type { ChannelAccountDoc } from '../../channelAccounts/service.js';
import { DEMO_CHANNELS, demoMetaSettings, demoTelegramSettings, saveDemoChannel } from '../../demo/seed.js';
import type { DocStore } from '../../store/index.js';
import type { ChannelRegistry } from '../adapter.js';
import { MetaSimulator } from '../meta/simulator/simulator.js';
import { startDemoReclameAqui } from '../reclameaqui/simulator/demo.js';
import type { HugMeSimulator } from '../reclameaqui/simulator/hugmeSimulator.js';
import { TelegramSimulator } from '../telegram/simulator/simulator.js';
import { startDemoSimulator } from '../whatsapp/simulator/demo.js';
import type { WhatsAppSimulator } from '../whatsapp/simulator/simulator.js';
import { announceSimulatorPage } from './nav.js';

export interface DemoSimulatorsDeps {
  store: DocStore;
  registry: ChannelRegistry;
  /** Where the simulators reach our server (loopback): the webhooks are under it. */
  serverUrl: string;
  log: (message: string) => void;
  /** Which to start: WhatsApp's (issue 10) and the others (Telegram, Meta — issue 11; Reclame Aqui — issue 12). */
  whatsapp: boolean;
  others: boolean;
  /** Waits between webhook attempts (tests shorten them). */
  backoffMs?: readonly number[];
  /** Starts the Reclame Aqui accounts' polling now (the server's watchdog would within a minute). */
  startPolling?: () => Promise<void>;
}

export interface DemoSimulators {
  whatsapp?: WhatsAppSimulator;
  telegram?: TelegramSimulator;
  meta?: MetaSimulator;
  reclameaqui?: HugMeSimulator;
  stop(): Promise<void>;
}

const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));

/**
 * `npm start`'s simulators: each plays a demo account (demo/seed.ts) with its stored credentials
 * (fresh ones the first time), and the account is pointed at it — ports change between runs. A
 * simulator that cannot start is reported and skipped: the server and the others still serve.
 */
export async function startDemoSimulators(deps: DemoSimulatorsDeps): Promise<DemoSimulators> {
  const started: DemoSimulators = { stop: async () => {} };
  const leaving: Array<() => void> = [];
  const attempt = async (name: string, start: () => Promise<void>) => {
    try {
      await start();
    } catch (error) {
      deps.log(`${name} simulator not started: ${messageOf(error)}`);
    }
  };
  const backoff = deps.backoffMs ? { backoffMs: deps.backoffMs } : {};
  if (deps.whatsapp) {
    await attempt('WhatsApp', async () => {
      started.whatsapp = await startDemoSimulator({ store: deps.store, registry: deps.registry, serverUrl: deps.serverUrl, log: deps.log, ...backoff });
      if (started.whatsapp) leaving.push(announceSimulatorPage('whatsapp', started.whatsapp.url));
    });
  }
  if (deps.others) {
    await attempt('Telegram', async () => {
      started.telegram = await startTelegram(deps);
      if (started.telegram) leaving.push(announceSimulatorPage('telegram', started.telegram.url));
    });
    await attempt('Meta', async () => {
      started.meta = await startMeta(deps);
      if (started.meta) leaving.push(announceSimulatorPage('messenger', started.meta.url), announceSimulatorPage('instagram', started.meta.url));
    });
    await attempt('Reclame Aqui', async () => {
      started.reclameaqui = await startDemoReclameAqui({
        store: deps.store, log: deps.log, ...(deps.startPolling ? { startPolling: deps.startPolling } : {}),
      });
      if (started.reclameaqui) leaving.push(announceSimulatorPage('reclameaqui', started.reclameaqui.url));
    });
  }
  started.stop = async () => {
    for (const leave of leaving) leave();
    await Promise.all([started.whatsapp?.stop(), started.telegram?.stop(), started.meta?.stop(), started.reclameaqui?.stop()]);
  };
  return started;
}

/**
 * The demo bot: started with the account's token, the account pointed at it, then its connection
 * tested as an admin's "Testar conexão" would — which registers our webhook with setWebhook.
 */
async function startTelegram(deps: DemoSimulatorsDeps): Promise<TelegramSimulator | undefined> {
  const settings = await demoTelegramSettings(deps.store);
  if (!settings) {
    deps.log(`Telegram simulator not started: the demo account "${DEMO_CHANNELS.telegram.name}" was removed.`);
    return undefined;
  }
  const simulator = await new TelegramSimulator({ token: settings.botToken, username: settings.botUsername, ...(deps.backoffMs ? { backoffMs: deps.backoffMs } : {}) }).start();
  try {
    await saveDemoChannel(deps.store, 'telegram', { ...settings, apiBaseUrl: simulator.baseUrl });
    const account = (await deps.store.get(`channel:${DEMO_CHANNELS.telegram.key}`)) as ChannelAccountDoc | undefined;
    const adapter = account ? deps.registry.forAccount(account) : undefined;
    const connection = adapter?.testConnection ? await adapter.testConnection() : { ok: false, message: 'the Telegram adapter is not registered' };
    if (!connection.ok) deps.log(`Telegram simulator: the webhook is not registered (${connection.message}).`);
  } catch (error) {
    await simulator.stop();
    throw error;
  }
  return simulator;
}

/** The demo page and its Instagram account: one fake Graph for both, each account pointed at it. */
async function startMeta(deps: DemoSimulatorsDeps): Promise<MetaSimulator | undefined> {
  const settings = await demoMetaSettings(deps.store);
  if (!settings) {
    deps.log('Meta simulator not started: the demo accounts "Messenger (simulador)" and "Instagram (simulador)" were removed.');
    return undefined;
  }
  const simulator = await new MetaSimulator({
    ...settings,
    webhookUrls: {
      messenger: deps.serverUrl + webhookPathOf('messenger', `channel:${DEMO_CHANNELS.messenger.key}`),
      instagram: deps.serverUrl + webhookPathOf('instagram', `channel:${DEMO_CHANNELS.instagram.key}`),
    },
    log: deps.log, ...(deps.backoffMs ? { backoffMs: deps.backoffMs } : {}),
  }).start();
  try {
    const { pageId, pageAccessToken, appSecret, verifyToken } = settings;
    await saveDemoChannel(deps.store, 'messenger', { pageId, pageAccessToken, appSecret, verifyToken, apiBaseUrl: simulator.baseUrl });
    await saveDemoChannel(deps.store, 'instagram', { ...settings, apiBaseUrl: simulator.baseUrl });
  } catch (error) {
    await simulator.stop();
    throw error;
  }
  return simulator;
}

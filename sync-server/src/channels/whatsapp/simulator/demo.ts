import { webhookPathOf } from '@atende/protocol';
import { ChannelAccounts } from '../../../channelAccounts/service.js';
import { DEMO_WHATSAPP_ACCOUNT, demoWhatsAppSettings, saveDemoWhatsApp } from '../../../demo/seed.js';
import type { DocStore } from '../../../store/index.js';
import type { ChannelRegistry } from '../../adapter.js';
import { TemplateService } from '../templates.js';
import { DEMO_TEMPLATES } from './demoTemplates.js';
import { WhatsAppSimulator } from './simulator.js';

export interface DemoSimulatorDeps {
  store: DocStore;
  registry: ChannelRegistry;
  /** Where the simulator reaches our server (loopback): the webhook is under it. */
  serverUrl: string;
  log: (message: string) => void;
  /** Waits between webhook attempts (tests shorten them). */
  backoffMs?: readonly number[];
}

/**
 * `npm start`'s WhatsApp simulator (issue 10): started with the demo number's stored credentials
 * (fresh ones the first time), then the demo account "WhatsApp (simulador)" is pointed at it — its
 * port may differ from the last run — and its templates are synced as an admin's "Sincronizar
 * templates" would. Undefined when an admin removed the demo account.
 */
export async function startDemoSimulator(deps: DemoSimulatorDeps): Promise<WhatsAppSimulator | undefined> {
  const settings = await demoWhatsAppSettings(deps.store);
  if (!settings) {
    deps.log('WhatsApp simulator not started: the demo account "WhatsApp (simulador)" was removed.');
    return undefined;
  }
  const simulator = await new WhatsAppSimulator({
    phoneNumberId: settings.phoneNumberId, accessToken: settings.accessToken, appSecret: settings.appSecret,
    webhookUrl: deps.serverUrl + webhookPathOf('whatsapp', DEMO_WHATSAPP_ACCOUNT),
    wabaId: settings.wabaId, displayPhoneNumber: settings.displayPhoneNumber,
    templates: DEMO_TEMPLATES, log: deps.log, ...(deps.backoffMs ? { backoffMs: deps.backoffMs } : {}),
  }).start();
  try {
    await saveDemoWhatsApp(deps.store, settings, simulator.baseUrl);
  } catch (error) {
    await simulator.stop();
    throw error;
  }
  // Templates missing only make "+ Selecionar template" empty: the simulator still serves.
  try {
    const accounts = new ChannelAccounts(deps.store, undefined);
    await new TemplateService(deps.store, accounts, deps.registry).sync(DEMO_WHATSAPP_ACCOUNT);
  } catch (error) {
    deps.log(`WhatsApp simulator: templates not synced (${error instanceof Error ? error.message : String(error)}).`);
  }
  return simulator;
}

/** The simulator's webhook target on our server: loopback when the server listens on every interface. */
export function loopbackUrl(serverUrl: string, port: number): string {
  const host = new URL(serverUrl).hostname;
  return host === '0.0.0.0' || host === '[::]' ? `http://127.0.0.1:${port}` : serverUrl;
}

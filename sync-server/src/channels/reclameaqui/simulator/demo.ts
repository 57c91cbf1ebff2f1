import type { ChannelAccountDoc } from '../../../channelAccounts/service.js';
import { randomToken } from '../../../auth/tokens.js';
import { DEMO_CHANNELS, keptSettings, saveDemoChannel } from '../../../demo/seed.js';
import type { DocStore } from '../../../store/index.js';
import { HugMeSimulator } from './hugmeSimulator.js';

/**
 * Issue 12: the demo's Reclame Aqui account (demo/seed.ts DEMO_CHANNELS, in Suporte, polling as
 * often as the settings allow), played by the simulator: a fake HugMe on loopback.
 */
export const DEMO_RECLAME_AQUI_ID = `channel:${DEMO_CHANNELS.reclameaqui.key}`;
const DEMO_COMPANY = { clientId: 'atende-demo', companyId: '10203' };

interface DemoReclameAquiSettings { clientId: string; clientSecret: string; companyId: string }

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);

/**
 * The stored account is still the simulator's: the demo's client id, pointed at a fake on this
 * machine (an earlier run's port). An admin who gave it another HugMe or other credentials made
 * it theirs: the demo then leaves it alone (and never hands their secret to a fake).
 */
export function isSimulatorAccount(settings: ChannelAccountDoc['settings']): boolean {
  if (settings?.clientId !== undefined && settings.clientId !== DEMO_COMPANY.clientId) return false;
  if (!settings?.apiBaseUrl) return true;
  try {
    const url = new URL(settings.apiBaseUrl);
    return url.protocol === 'http:' && LOOPBACK_HOSTS.has(url.hostname);
  } catch {
    return false;
  }
}

type DemoAccountState = { settings: DemoReclameAquiSettings } | { skipped: string };

/** The demo account's credentials: the stored ones (kept across restarts) or fresh; skipped when an admin removed it or made it theirs. */
async function demoSettings(store: DocStore): Promise<DemoAccountState> {
  const kept = await keptSettings(store, 'reclameaqui');
  if (!kept) return { skipped: 'was removed' };
  if (!isSimulatorAccount(kept)) return { skipped: 'now has credentials of another HugMe, left as the admin set it' };
  return {
    settings: {
      clientId: kept.clientId ?? DEMO_COMPANY.clientId,
      clientSecret: kept.clientSecret ?? randomToken(24),
      companyId: kept.companyId ?? DEMO_COMPANY.companyId,
    },
  };
}

/**
 * Where this run's ids start: the milliseconds since 2026, so a restarted demo (a fresh fake)
 * never reuses an id the account stored in an earlier run (the account would take the new
 * complaint for an old one) unless that run handed out more than one id a millisecond.
 */
const runFirstId = () => Math.max(100_000, Date.now() - Date.UTC(2026, 0, 1));

export interface DemoReclameAquiDeps {
  store: DocStore;
  log: (message: string) => void;
  /** Starts the account's polling at once (otherwise the server's watchdog starts it within a minute). */
  startPolling?: () => Promise<void>;
}

/**
 * Starts the fake HugMe with the demo account's credentials and points the account at it (its
 * port changes between runs), keeping an admin's other edits (name, team, poll interval). It
 * starts with no complaint: a demo conversation waiting in Suporte from the start would be in
 * every e2e test's queue.
 */
export async function startDemoReclameAqui(deps: DemoReclameAquiDeps): Promise<HugMeSimulator | undefined> {
  const state = await demoSettings(deps.store);
  if ('skipped' in state) {
    deps.log(`Reclame Aqui simulator not started: the demo account "${DEMO_CHANNELS.reclameaqui.name}" ${state.skipped}.`);
    return undefined;
  }
  const { settings } = state;
  const simulator = await new HugMeSimulator({ ...settings, firstId: runFirstId() }).start();
  try {
    // Checked again at the write: an admin's save since the read wins.
    await saveDemoChannel(deps.store, 'reclameaqui', { ...settings, apiBaseUrl: simulator.baseUrl }, { stillDemo: isSimulatorAccount });
    await deps.startPolling?.();
  } catch (error) {
    await simulator.stop();
    throw error;
  }
  return simulator;
}

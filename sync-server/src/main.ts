import { startDemoSimulators, type DemoSimulators } from './channels/simulators/demo.js';
import { loopbackUrl } from './channels/whatsapp/simulator/demo.js';
import { ConfigError, loadConfig } from './config/config.js';
import { DEMO_ACCOUNTS, DEMO_WEBCHAT_ACCOUNT } from './demo/seed.js';
import { drainThenExit } from './lifecycle/shutdown.js';
import { startServer } from './server.js';
import { FakeTicketSystem } from './tickets/fakeTicketSystem.js';

/** Copies of one Ctrl-C relayed by npm/tsx arrive within this of each other; a person's next press comes later. */
const INTERRUPT_ECHO_MS = 300;

/** `npm run server`: the sync server alone, configured from the environment. */
async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(`Configuration error: ${error.message}`);
      process.exit(2);
    }
    throw error;
  }
  // The demo's ticket system (R-WS-14): a fake on loopback unless a real one is configured.
  let ticketSystem: FakeTicketSystem | undefined;
  if (config.simulators && !config.tickets.url) {
    ticketSystem = new FakeTicketSystem(config.tickets.token);
    config = { ...config, tickets: { ...config.tickets, url: await ticketSystem.start() } };
  }
  const server = await startServer(config);
  const where = config.store.driver === 'embedded' ? config.store.dataDir : `${config.store.couchDb} on CouchDB`;
  console.log(`Atende sync server on ${server.url} (store: ${config.store.driver}, ${where})`);
  // R-AUTH-02: without a mail server, invitations are printed below as they would be sent (link included).
  if (!config.mail.smtpUrl) console.log('E-mail: SMTP_URL is not set, so invitation and password e-mails are printed here.');
  if (config.demo) {
    console.log(server.seeded ? 'Demo organisation created.' : 'Demo organisation already present.');
    console.log(`Demo accounts (password: ${config.demoPassword === 'atende123' ? 'atende123' : 'from ATENDE_DEMO_PASSWORD'}):`);
    for (const a of DEMO_ACCOUNTS) console.log(`  ${a.role.padEnd(10)} ${a.email}`);
    console.log(`Agent app:         ${server.url}/`);
    console.log(`Website chat demo: ${server.url}/demo/  (widget account "${DEMO_WEBCHAT_ACCOUNT}")`);
    if (ticketSystem) console.log(`Ticket system (fake): ${ticketSystem.url}  (ATENDE_TICKET_URL points elsewhere for a real one)`);
  }
  let simulators: DemoSimulators | undefined;
  if (config.whatsappSimulator || config.simulators) {
    // Demo aids: one that cannot start is reported (its reason printed) and the server still serves.
    simulators = await startDemoSimulators({
      store: server.store, registry: server.registry, serverUrl: loopbackUrl(server.url, server.port), log: (m) => console.log(m),
      whatsapp: config.whatsappSimulator, others: config.simulators, startPolling: () => server.pollReclameAqui(),
    });
    if (simulators.whatsapp) console.log(`WhatsApp simulator: ${simulators.whatsapp.url}/  (account "WhatsApp (simulador)"; ATENDE_WHATSAPP_SIMULATOR=0 turns it off)`);
    if (simulators.telegram) console.log(`Telegram simulator: ${simulators.telegram.url}/  (account "Telegram (simulador)"; ATENDE_SIMULATORS=0 turns the simulators off)`);
    if (simulators.meta) console.log(`Meta simulator: ${simulators.meta.url}/  (accounts "Messenger (simulador)" and "Instagram (simulador)")`);
    if (simulators.reclameaqui) console.log(`Reclame Aqui simulator: ${simulators.reclameaqui.url}/  (account "Reclame Aqui (demo)", polled every 10 s)`);
  }
  // Signals keep a listener for the whole drain: without one a repeated SIGTERM (an impatient
  // supervisor, a second Ctrl-C) would get Node's default action and kill the process mid-drain.
  // SIGTERM never cuts the drain short (a supervisor that wants that sends SIGKILL); a third Ctrl-C,
  // a person insisting, does (exit code 1).
  let draining = false;
  let interrupts = 0;
  let lastInterruptAt = -Infinity;
  const onSignal = (signal: NodeJS.Signals) => {
    if (signal === 'SIGINT') {
      // One Ctrl-C can arrive more than once: npm and tsx relay the terminal's signal to their child.
      if (Date.now() - lastInterruptAt < INTERRUPT_ECHO_MS) return;
      lastInterruptAt = Date.now();
      interrupts += 1;
      if (interrupts >= 3) {
        server.log('SIGINT: stopping at once; the drain did not finish');
        process.exit(1);
      }
    }
    if (!draining) {
      draining = true;
      shutdown(signal);
    } else {
      server.log(`${signal}: already draining${signal === 'SIGINT' ? ' (a third Ctrl-C stops at once, without finishing)' : ''}`);
    }
  };
  const shutdown = (signal: NodeJS.Signals) => {
    // Operational lines go to the JSON log with the server's own (the banner above stays plain text).
    server.log(`${signal}: draining (at most ${config.shutdownTimeoutMs} ms)`);
    const outcome = drainThenExit({
      timeoutMs: config.shutdownTimeoutMs,
      drain: (timeoutMs) => server.drain(timeoutMs),
      // The demo aids go after the server: an in-flight send to a simulator still finds it.
      afterwards: async () => {
        await simulators?.stop();
        await ticketSystem?.stop();
      },
      log: server.log,
    });
    void outcome.then((code) => process.exit(code));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  // Last, after the handlers: whoever waits for this line may stop us at once (a pipe to a
  // parent is written synchronously, so the parent can read it before the next statement runs).
  console.log(`Ready: ${server.url}`);
}

void main();

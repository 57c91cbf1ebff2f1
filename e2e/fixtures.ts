import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { test as base, expect, type BrowserContext, type ConsoleMessage, type Page } from '@playwright/test';

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** A free loopback port, so a restarted server comes back where the clients expect it. */
async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

/** The real sync server as a child process (what `npm run server` runs), on its own data folder. */
export class ServerProcess {
  private child: ChildProcess | undefined;
  readonly url: string;
  /** The WhatsApp simulator's customer page (no trailing slash), as the server printed it; its port changes on each start. */
  simulatorUrl: string | undefined;
  /** The Telegram and Meta (Messenger | Instagram tabs) simulators' customer pages (issue 11), likewise. */
  telegramSimulatorUrl: string | undefined;
  metaSimulatorUrl: string | undefined;
  /** The Reclame Aqui simulator's consumer page (issue 12: the fake HugMe the demo account polls), likewise. */
  hugmeSimulatorUrl: string | undefined;

  constructor(
    readonly port: number,
    readonly dataDir: string,
    private readonly env: Record<string, string>,
  ) {
    this.url = `http://127.0.0.1:${port}`;
  }

  /** `prepare` runs on the empty data folder before the first start (e.g. to seed a large history). */
  static async launch(env: Record<string, string> = {}, prepare?: (dataDir: string) => Promise<void>): Promise<ServerProcess> {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'atende-e2e-'));
    await prepare?.(dataDir);
    // The port is found free, then bound by the child a moment later: another test's outgoing
    // connection can take that ephemeral port in between (EADDRINUSE). A new port then, a few times.
    for (let attempt = 1; ; attempt++) {
      const server = new ServerProcess(await freePort(), dataDir, env);
      try {
        await server.start();
        return server;
      } catch (error) {
        if (attempt >= 3 || !String(error).includes('EADDRINUSE')) throw error;
      }
    }
  }

  async start(): Promise<void> {
    // The bundle global-setup.ts built for this run (same sources, ~2 s of CPU less per start); else through tsx.
    const bundle = process.env.E2E_SERVER_BUNDLE;
    const command = bundle ? [bundle] : ['--import', 'tsx', path.join(root, 'sync-server/src/main.ts')];
    const child = spawn(process.execPath, command, {
      cwd: root,
      env: {
        ...process.env,
        PORT: String(this.port),
        ATENDE_DATA_DIR: this.dataDir,
        // E2E_WEB_DIR: a build of one's own, so parallel work does not test another's half-built renderer.
        ATENDE_WEB_DIR: process.env.E2E_WEB_DIR ?? path.join(root, 'renderer/dist'),
        ATENDE_PUBLIC_RATE_LIMIT: '100000',
        ...this.env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    let output = '';
    await new Promise<void>((resolve, reject) => {
      // A bound, not a measure: a store of thousands of documents stamps them and the WhatsApp
      // simulator syncs its templates before "Ready", on a CI machine shared with other work.
      const timer = setTimeout(() => reject(new Error(`server not ready:\n${output}`)), 90_000);
      const onData = (chunk: Buffer) => {
        output += chunk.toString();
        if (/^Ready: /m.test(output)) {
          clearTimeout(timer);
          const printed = (name: string) => new RegExp(`^${name} simulator: (\\S+)`, 'm').exec(output)?.[1]?.replace(/\/+$/, '');
          this.simulatorUrl = printed('WhatsApp');
          this.telegramSimulatorUrl = printed('Telegram');
          this.metaSimulatorUrl = printed('Meta');
          this.hugmeSimulatorUrl = printed('Reclame Aqui');
          resolve();
        }
      };
      child.stdout?.on('data', onData);
      child.stderr?.on('data', onData);
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`server exited (${code}):\n${output}`));
      });
    });
  }

  /** Kills the process outright, as a crash would. */
  async kill(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null) return;
    await new Promise<void>((resolve) => {
      child.once('exit', () => resolve());
      child.kill('SIGKILL');
    });
    this.child = undefined;
  }

  /** Stops the process with SIGTERM, as a deploy or a process manager would (it drains first); its exit code. */
  async terminate(): Promise<number | null> {
    const child = this.child;
    if (!child || child.exitCode !== null) return child?.exitCode ?? null;
    const code = await new Promise<number | null>((resolve) => {
      child.once('exit', (exitCode) => resolve(exitCode));
      child.kill('SIGTERM');
    });
    this.child = undefined;
    return code;
  }

  async dispose(): Promise<void> {
    await this.kill();
    rmSync(this.dataDir, { recursive: true, force: true });
  }
}

/**
 * Fails a test on any console error or uncaught exception. Chromium itself reports refused
 * connections and 4xx answers as console errors ("Failed to load resource", "WebSocket
 * connection … failed"); those are the network behaving as the test arranged, not the app.
 */
const BROWSER_NETWORK_NOISE = [/^Failed to load resource/, /^WebSocket connection to .* failed/];

export function guardConsole(page: Page, problems: string[]): void {
  page.on('console', (message: ConsoleMessage) => {
    if (message.type() !== 'error') return;
    if (BROWSER_NETWORK_NOISE.some((pattern) => pattern.test(message.text()))) return;
    problems.push(`${page.url()} console.error: ${message.text()}`);
  });
  page.on('pageerror', (error) => problems.push(`${page.url()} uncaught: ${error.message}`));
}

interface Fixtures {
  server: ServerProcess;
  problems: string[];
  /** A new browser context (its own profile) whose pages are console-guarded. */
  newContext: () => Promise<BrowserContext>;
}

export const test = base.extend<Fixtures>({
  // eslint-disable-next-line no-empty-pattern -- Playwright requires the destructuring form
  server: async ({}, use) => {
    const server = await ServerProcess.launch();
    await use(server);
    await server.dispose();
  },
  // eslint-disable-next-line no-empty-pattern -- Playwright requires the destructuring form
  problems: async ({}, use) => {
    const problems: string[] = [];
    await use(problems);
    expect(problems, 'console errors in the browser').toEqual([]);
  },
  newContext: async ({ browser, problems }, use) => {
    const contexts: BrowserContext[] = [];
    await use(async () => {
      const context = await browser.newContext({ locale: 'pt-BR' });
      context.on('page', (page) => guardConsole(page, problems));
      contexts.push(context);
      return context;
    });
    for (const context of contexts) await context.close();
  },
});

export { expect };

/** The WhatsApp simulator's page as one customer's phone: that number and name, ready to type. */
export async function openPhone(page: Page, server: ServerProcess, who: { phone: string; name: string }): Promise<void> {
  if (!server.simulatorUrl) throw new Error('the server printed no WhatsApp simulator address');
  await page.goto(`${server.simulatorUrl}/`);
  await page.getByLabel('Número do cliente').fill(who.phone);
  await page.getByLabel('Nome do cliente').fill(who.name);
}

/** The customer sends a text from the simulator's phone, and the simulator says Atende took it. */
export async function customerWrites(page: Page, text: string): Promise<void> {
  await page.getByRole('textbox', { name: 'Mensagem' }).fill(text);
  await page.getByRole('button', { name: 'Enviar', exact: true }).click();
  await expect(page.getByRole('status')).toHaveText('Mensagem entregue ao Atende.');
}

export async function signIn(page: Page, server: ServerProcess, email: string, password = 'atende123'): Promise<void> {
  await page.goto(`${server.url}/`);
  await page.getByLabel('E-mail').fill(email);
  await page.getByLabel('Senha').fill(password);
  await page.getByRole('button', { name: 'Entrar' }).click();
  await expect(page.getByRole('tab', { name: /Em espera/ })).toBeVisible();
  // The replica has caught up once (the "syncing" line is gone, the layout is settled).
  await expect(page.locator('[data-sync-state="synced"]')).toBeVisible();
}

/**
 * The sample company page with the widget open, ready to type. The demo site asks name and e-mail
 * first (issue 9); tests that do not care about the name stay "Visitante".
 */
export async function openWidget(page: Page, server: ServerProcess, who = { name: 'Visitante', email: 'visitante@example.com' }): Promise<void> {
  await page.goto(`${server.url}/demo/`);
  await page.getByRole('button', { name: 'Fale conosco' }).click();
  await fillPrechat(page, who);
  await expect(page.getByRole('textbox', { name: 'Mensagem' })).toBeVisible();
}

/** Answers the widget's pre-chat form ("Nome", "E-mail") and starts the chat; a known visitor gets none. */
export async function fillPrechat(page: Page, who: { name: string; email: string }): Promise<void> {
  const name = page.getByLabel('Nome');
  await expect(name.or(page.getByRole('textbox', { name: 'Mensagem' }))).toBeVisible();
  if (!(await name.isVisible())) return;
  await name.fill(who.name);
  await page.getByLabel('E-mail').fill(who.email);
  await page.getByRole('button', { name: 'Iniciar conversa' }).click();
}

export async function visitorSends(page: Page, text: string): Promise<void> {
  await page.getByRole('textbox', { name: 'Mensagem' }).fill(text);
  // Exact: the widget's rating form (issue 18) has an "Enviar avaliação" button beside it.
  await page.getByRole('button', { name: 'Enviar', exact: true }).click();
}

/** The waiting or active card whose last message is `text`. */
export function card(page: Page, text: string) {
  return page.locator('[data-conversation-id]', { hasText: text });
}

export function messageLog(page: Page) {
  return page.getByRole('log', { name: 'Histórico de mensagens' });
}

/** The visitor opens the widget and writes `text`; the agent takes the card it creates. */
export async function takeNewConversation(agent: Page, visitor: Page, server: ServerProcess, text: string): Promise<void> {
  await openWidget(visitor, server);
  await visitorSends(visitor, text);
  await card(agent, text).click();
  await expect(agent.getByRole('tab', { name: /Em atendimento/ })).toHaveAttribute('aria-selected', 'true');
  await expect(messageLog(agent)).toContainText(text);
  // The composer shows once the taken conversation has replicated back as the agent's own.
  await expect(agent.getByRole('textbox', { name: 'Mensagem' })).toBeEnabled();
}

/** The visitor's own message, once the server stored it (no longer pending). */
export function visitorSent(page: Page, text: string) {
  return page.locator('.msg.in:not(.pending)', { hasText: text });
}

/**
 * Records what the app asks the browser to notify (`title: body`), with the permission granted,
 * on every page of `context` opened after this call; read it with `shownNotifications`.
 */
export async function recordNotifications(context: BrowserContext): Promise<void> {
  await context.addInitScript(() => {
    const shown: string[] = [];
    class RecordingNotification {
      static permission = 'granted';
      static requestPermission = async () => 'granted';
      onclick: (() => void) | null = null;
      constructor(title: string, options?: { body?: string }) {
        shown.push(`${title}: ${options?.body ?? ''}`);
      }
    }
    Object.assign(window, { Notification: RecordingNotification, shownNotifications: shown });
  });
}

/**
 * Records the alert sounds (R-WS-10) on every page of `context` opened after this call: each
 * AudioContext's state and how many tones were started; read it with `soundsPlayed`.
 */
export async function recordSounds(context: BrowserContext): Promise<void> {
  await context.addInitScript(() => {
    const Native = window.AudioContext;
    const contexts: AudioContext[] = [];
    let tones = 0;
    class RecordingAudioContext extends Native {
      constructor(options?: AudioContextOptions) {
        super(options);
        contexts.push(this);
      }

      override createOscillator(): OscillatorNode {
        tones += 1;
        return super.createOscillator();
      }
    }
    Object.assign(window, { AudioContext: RecordingAudioContext, soundsPlayed: () => ({ states: contexts.map((c) => c.state), tones }) });
  });
}

/** What `recordSounds` recorded on `page` so far. */
export function soundsPlayed(page: Page): Promise<{ states: string[]; tones: number }> {
  return page.evaluate(() => (window as unknown as { soundsPlayed: () => { states: string[]; tones: number } }).soundsPlayed());
}

/** What `recordNotifications` recorded on `page` so far. */
export function shownNotifications(page: Page): Promise<string[]> {
  return page.evaluate(() => (window as unknown as { shownNotifications: string[] }).shownNotifications);
}

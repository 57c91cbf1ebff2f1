import { z } from 'zod';

/**
 * The desktop contract (R-DT-01..07), declared once so main, preload and renderer cannot drift
 * (STYLE: Rocket.Chat.Electron's typed channel map). The main process validates every argument
 * with these schemas: a compromised renderer gets an error, never a crash or a side effect.
 */
export const DESKTOP_LANGUAGES = ['pt-BR', 'en', 'es'] as const;

/**
 * The desktop app's own origin: every window loads from `app://atende/` (R-DT-01), and the server's
 * agent API lets this origin call it cross-origin (sync-server/src/http/app.ts).
 */
export const DESKTOP_APP_SCHEME = 'app';
export const DESKTOP_APP_HOST = 'atende';
export const DESKTOP_APP_ORIGIN = `${DESKTOP_APP_SCHEME}://${DESKTOP_APP_HOST}`;
export const CONFIG_KEYS = ['serverUrl', 'language', 'autoUpdate'] as const;
export type ConfigKey = (typeof CONFIG_KEYS)[number];

const HttpUrl = z.url({ protocol: /^https?$/ }).max(2048);

/** The machine-wide file IT deploys (R-DT-05). */
export const MachineConfigFile = z.strictObject({
  serverUrl: HttpUrl.optional(),
  language: z.enum(DESKTOP_LANGUAGES).optional(),
  autoUpdate: z.boolean().optional(),
  updateUrl: HttpUrl.optional(),
  lockedKeys: z.array(z.enum(CONFIG_KEYS)).optional(),
});
export type MachineConfigFile = z.infer<typeof MachineConfigFile>;

/** The per-user file: the same keys, minus what only IT decides. */
export const UserConfigFile = z.strictObject({
  serverUrl: HttpUrl.optional(),
  language: z.enum(DESKTOP_LANGUAGES).optional(),
  autoUpdate: z.boolean().optional(),
});
export type UserConfigFile = z.infer<typeof UserConfigFile>;

export interface EffectiveConfig {
  serverUrl: string;
  language: (typeof DESKTOP_LANGUAGES)[number];
  autoUpdate: boolean;
  /**
   * The update feed, from the machine policy or the build only (issue 17): never from the user's
   * file or the renderer. Undefined when neither names one (updates are then 'disabled').
   */
  updateUrl: string | undefined;
  lockedKeys: ConfigKey[];
  /** Files that were invalid and ignored, with the reason (shown once in a dialog). */
  problems: string[];
}

/**
 * 'refused': the feed's metadata was unsigned, its signature did not verify with the key built into
 * the app, or the feed's address is not allowed (plain http in an installed build): nothing was
 * downloaded or installed; `message` says which (issue 17).
 */
export type UpdateState = 'disabled' | 'idle' | 'checking' | 'available' | 'not-available' | 'downloading' | 'downloaded' | 'refused' | 'error';
export interface UpdateStatus {
  state: UpdateState;
  version?: string;
  percent?: number;
  message?: string;
}

export const NotifyRequest = z.strictObject({
  title: z.string().min(1).max(200),
  body: z.string().max(1000),
  conversationId: z.string().max(100).optional(),
});
export type NotifyRequest = z.infer<typeof NotifyRequest>;

export const SUPERVISOR_BOARDS = ['agents', 'queues', 'conversations', 'today', 'reports'] as const;
export type SupervisorBoard = (typeof SUPERVISOR_BOARDS)[number];

/** Where a deep link (`atende://conversation/<id>`, `atende://contact/<id>`) leads. */
export interface DeepLinkTarget {
  kind: 'conversation' | 'contact';
  id: string;
}

/** Renderer → main calls: channel → argument schema and result type. */
export const IPC_ARGS = {
  'atende:notify': z.tuple([NotifyRequest]),
  'atende:badge': z.tuple([z.number().int().min(0).max(99_999)]),
  'atende:open-supervisor': z.tuple([z.enum(SUPERVISOR_BOARDS)]),
  'atende:open-conversation': z.tuple([z.string().regex(/^conversation:[A-Za-z0-9_.@-]{1,90}$/)]),
  'atende:config-get': z.tuple([]),
  'atende:version': z.tuple([]),
  'atende:update-status': z.tuple([]),
  'atende:token-store': z.tuple([z.string().max(512).nullable()]),
  'atende:token-load': z.tuple([]),
  /** Once after the shell reloaded a window that crashed or hung (issue 17): the notice to show, then null. */
  'atende:recovery-notice': z.tuple([]),
} as const;
export type IpcChannel = keyof typeof IPC_ARGS;

export interface IpcResults {
  'atende:notify': void;
  'atende:badge': void;
  'atende:open-supervisor': void;
  'atende:open-conversation': void;
  'atende:config-get': EffectiveConfig;
  'atende:version': string;
  'atende:update-status': UpdateStatus;
  'atende:token-store': void;
  'atende:token-load': string | null;
  'atende:recovery-notice': RecoveryNotice | null;
}

/** Why the shell reloaded the window from the local store. */
export interface RecoveryNotice {
  reason: 'crashed' | 'unresponsive';
  at: number;
}
export type IpcArgs<C extends IpcChannel> = z.infer<(typeof IPC_ARGS)[C]>;

/** Main → renderer events. */
export interface DesktopEvents {
  'atende:navigate': DeepLinkTarget;
  'atende:update-status': UpdateStatus;
  /** The OS woke from sleep or the session was unlocked: reconnect at once, do not wait for the back-off (R-NET-02). */
  'atende:resumed': { at: number };
}
export type DesktopEvent = keyof DesktopEvents;

/** What the preload exposes as `window.atende` (the renderer's `desktop/` module wraps it). */
export interface AtendeBridge {
  notify(request: NotifyRequest): Promise<void>;
  setBadgeCount(count: number): Promise<void>;
  openSupervisorWindow(board: SupervisorBoard): Promise<void>;
  openConversationWindow(conversationId: string): Promise<void>;
  getConfig(): Promise<EffectiveConfig>;
  getVersion(): Promise<string>;
  getUpdateStatus(): Promise<UpdateStatus>;
  storeRefreshToken(token: string | null): Promise<void>;
  loadRefreshToken(): Promise<string | null>;
  takeRecoveryNotice(): Promise<RecoveryNotice | null>;
  on<E extends DesktopEvent>(event: E, listener: (payload: DesktopEvents[E]) => void): () => void;
}

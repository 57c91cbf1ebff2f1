import path from 'node:path';
import { dialog } from 'electron';
import {
  MachineConfigFile,
  UserConfigFile,
  type ConfigKey,
  type EffectiveConfig,
} from '@atende/protocol';
import type { z } from 'zod';
import { readJson, writeFileAtomic } from './jsonFile';

/**
 * IT pre-configuration (R-DT-05). Precedence, lowest first: built-in defaults, the machine-wide
 * file IT deploys, the user's own file; keys the machine file lists in `lockedKeys` keep the
 * machine (or default) value whatever the user file or the UI say. A file that cannot be read or
 * does not match its schema is ignored as a whole and named in `problems`: the app still starts.
 */
export const FALLBACK_SERVER_URL = 'http://127.0.0.1:8080';
export const DEFAULT_LANGUAGE = 'pt-BR';

/** Where IT puts the machine-wide file on each OS (documented in build/README.md). */
export function machineConfigPath(platform: NodeJS.Platform, env: NodeJS.ProcessEnv): string {
  switch (platform) {
    case 'win32':
      return path.win32.join(env.ProgramData ?? 'C:\\ProgramData', 'Atende', 'config.json');
    case 'darwin':
      return '/Library/Application Support/Atende/config.json';
    default:
      return '/etc/atende/config.json';
  }
}

export function userConfigPath(userDataDir: string): string {
  return path.join(userDataDir, 'config.json');
}

/** Without trailing slashes, so `<serverUrl>/updates/` and `<serverUrl>/api` join cleanly. */
export function normalizeServerUrl(url: string): string {
  return url.replace(/\/+$/, '');
}

/** `ATENDE_SERVER_URL` (set by `npm start`) replaces the default in development only. */
export function defaultServerUrl(isPackaged: boolean, env: NodeJS.ProcessEnv): string {
  const fromEnv = env.ATENDE_SERVER_URL;
  if (isPackaged || !fromEnv) return FALLBACK_SERVER_URL;
  return UserConfigFile.shape.serverUrl.safeParse(fromEnv).success ? normalizeServerUrl(fromEnv) : FALLBACK_SERVER_URL;
}

interface FileRead<T> {
  values: T;
  problem?: string;
}

function describeIssues(error: z.ZodError): string {
  return error.issues.map((issue) => (issue.path.length ? `${issue.path.join('.')}: ${issue.message}` : issue.message)).join('; ');
}

export async function readConfigFile<S extends z.ZodType<object>>(file: string, schema: S): Promise<FileRead<z.infer<S> | Record<string, never>>> {
  const read = await readJson(file);
  if (read.kind === 'missing') return { values: {} };
  if (read.kind === 'invalid') return { values: {}, problem: `${file}: ${read.reason}` };
  const parsed = schema.safeParse(read.value);
  if (!parsed.success) return { values: {}, problem: `${file}: ${describeIssues(parsed.error)}` };
  return { values: parsed.data };
}

/** Pure merge of the three layers (exported for tests). */
export function mergeConfig(
  machine: MachineConfigFile,
  user: UserConfigFile,
  fallbackServerUrl: string,
  problems: string[] = [],
): EffectiveConfig {
  const locked = new Set<ConfigKey>(machine.lockedKeys ?? []);
  const pick = <K extends ConfigKey>(key: K): UserConfigFile[K] => (locked.has(key) ? undefined : user[key]) ?? machine[key];
  const serverUrl = normalizeServerUrl(pick('serverUrl') ?? fallbackServerUrl);
  const updateUrl = machine.updateUrl ?? `${serverUrl}/updates/`;
  return {
    serverUrl,
    language: pick('language') ?? DEFAULT_LANGUAGE,
    autoUpdate: pick('autoUpdate') ?? true,
    updateUrl: updateUrl.endsWith('/') ? updateUrl : `${updateUrl}/`,
    lockedKeys: [...locked],
    problems,
  };
}

export class LockedSettingError extends Error {
  constructor(readonly key: ConfigKey) {
    super(`The setting "${key}" is locked by the IT configuration and cannot be changed.`);
    this.name = 'LockedSettingError';
  }
}

export interface ConfigStoreOptions {
  machineFile: string;
  userFile: string;
  isPackaged: boolean;
  env: NodeJS.ProcessEnv;
}

export interface ConfigStore {
  load(): Promise<EffectiveConfig>;
  current(): EffectiveConfig;
  /** Applies a user change; rejects (naming the key) when it touches a locked key. */
  setUser(patch: UserConfigFile): Promise<EffectiveConfig>;
  onChange(listener: (config: EffectiveConfig) => void): void;
}

export function createConfigStore(options: ConfigStoreOptions): ConfigStore {
  const fallback = defaultServerUrl(options.isPackaged, options.env);
  let machine: MachineConfigFile = {};
  let user: UserConfigFile = {};
  let effective = mergeConfig(machine, user, fallback);
  const listeners: Array<(config: EffectiveConfig) => void> = [];

  const publish = (next: EffectiveConfig): EffectiveConfig => {
    effective = next;
    for (const listener of listeners) listener(next);
    return next;
  };

  return {
    async load() {
      const machineRead = await readConfigFile(options.machineFile, MachineConfigFile);
      const userRead = await readConfigFile(options.userFile, UserConfigFile);
      machine = machineRead.values;
      user = userRead.values;
      const problems = [machineRead.problem, userRead.problem].filter((p): p is string => p !== undefined);
      return publish(mergeConfig(machine, user, fallback, problems));
    },
    current: () => effective,
    async setUser(patch) {
      const checked = UserConfigFile.parse(patch);
      const lockedKeys = new Set(machine.lockedKeys ?? []);
      for (const key of Object.keys(checked) as ConfigKey[]) {
        if (checked[key] !== undefined && lockedKeys.has(key)) throw new LockedSettingError(key);
      }
      const next: UserConfigFile = { ...user };
      for (const [key, value] of Object.entries(checked)) if (value !== undefined) Object.assign(next, { [key]: value });
      await writeFileAtomic(options.userFile, `${JSON.stringify(next, null, 2)}\n`);
      user = next;
      // The user file is now valid: its earlier problem (if any) no longer applies.
      const problems = effective.problems.filter((problem) => !problem.startsWith(`${options.userFile}:`));
      return publish(mergeConfig(machine, user, fallback, problems));
    },
    onChange(listener) {
      listeners.push(listener);
    },
  };
}

/** Tells the user (once per start) which configuration files were ignored and why. */
export async function reportConfigProblems(problems: readonly string[], text: { title: string; message: string }): Promise<void> {
  if (problems.length === 0) return;
  await dialog.showMessageBox({ type: 'warning', title: text.title, message: text.message, detail: problems.join('\n\n') });
}

import path from 'node:path';
import { dialog } from 'electron';
import { UserConfigFile, type EffectiveConfig } from '@atende/protocol';
import { checkRemoteUrl } from './urlPolicy';
import { readConfigFile } from './policy/machineFile';
import { mergeConfig, normalizeServerUrl } from './policy/merge';
import type { PolicyLayer } from './policy/policyValues';
import { readMachineSource, type MachineSource } from './policy/sources';
import { runTool, type RunTool } from './policy/runTool';

/**
 * IT pre-configuration (R-DT-05, issue 17). The layers and their precedence are in policy/merge.ts,
 * the places IT's settings come from in policy/sources.ts. The user's own file is read for the keys
 * IT did not lock (hand-edited: the app never writes it; no renderer call can change the config).
 * Whatever cannot be read or is refused is named in `problems`: the app still starts.
 */
export { DEFAULT_LANGUAGE, normalizeServerUrl } from './policy/merge';
export { currentUserName, machineSources } from './policy/sources';

export const FALLBACK_SERVER_URL = 'http://127.0.0.1:8080';

export function userConfigPath(userDataDir: string): string {
  return path.join(userDataDir, 'config.json');
}

/** `ATENDE_SERVER_URL` (set by `npm start`) replaces the default in development only. */
export function defaultServerUrl(isPackaged: boolean, env: NodeJS.ProcessEnv): string {
  const fromEnv = env.ATENDE_SERVER_URL;
  if (isPackaged || !fromEnv) return FALLBACK_SERVER_URL;
  const valid = UserConfigFile.shape.serverUrl.safeParse(fromEnv).success && checkRemoteUrl(fromEnv).ok;
  return valid ? normalizeServerUrl(fromEnv) : FALLBACK_SERVER_URL;
}

export interface ConfigStoreOptions {
  /** Strongest first: machineSources(process.platform, currentUserName()) in the app. */
  machineSources: readonly MachineSource[];
  userFile: string;
  isPackaged: boolean;
  env: NodeJS.ProcessEnv;
  /** BUILD_UPDATE_URL (buildInfo.ts): the feed when no policy names one. */
  buildUpdateUrl: string | undefined;
  /** The OS tools' runner (reg.exe, plutil); tests pass a fake. */
  runTool?: RunTool;
}

export interface ConfigStore {
  load(): Promise<EffectiveConfig>;
  current(): EffectiveConfig;
}

export function createConfigStore(options: ConfigStoreOptions): ConfigStore {
  const fallbackServerUrl = defaultServerUrl(options.isPackaged, options.env);
  const run = options.runTool ?? runTool;
  const merge = (layers: readonly PolicyLayer[], user: UserConfigFile, problems: string[]) =>
    mergeConfig({ layers, user, userSource: options.userFile, fallbackServerUrl, buildUpdateUrl: options.buildUpdateUrl, problems });
  let effective = merge([], {}, []);

  return {
    async load() {
      const layers = await Promise.all(options.machineSources.map((source) => readMachineSource(source, run)));
      const userRead = await readConfigFile(options.userFile, UserConfigFile);
      const problems = [...layers.flatMap((layer) => layer.problems), ...(userRead.problem === undefined ? [] : [userRead.problem])];
      effective = merge(layers, userRead.values, problems);
      return effective;
    },
    current: () => effective,
  };
}

/** Tells the user (once per start) which configuration sources were ignored and why. */
export async function reportConfigProblems(problems: readonly string[], text: { title: string; message: string }): Promise<void> {
  if (problems.length === 0) return;
  await dialog.showMessageBox({ type: 'warning', title: text.title, message: text.message, detail: problems.join('\n\n') });
}

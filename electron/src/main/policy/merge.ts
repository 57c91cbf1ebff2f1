import { CONFIG_KEYS, type ConfigKey, type EffectiveConfig, type UserConfigFile } from '@atende/protocol';
import { checkRemoteUrl } from '../urlPolicy';
import type { PolicyLayer, PolicyValues } from './policyValues';

/**
 * How the layers combine (R-DT-05, issue 17), strongest first: policies (Group Policy, managed
 * preferences), the machine-wide file, then the user's file over both for the keys nobody locked,
 * then the defaults. A locked key takes the strongest IT value, or the default — never a user's.
 * The update feed is IT's or the build's alone. Every address must pass checkRemoteUrl; a refused
 * one is dropped (as if unset) and named in `problems`.
 */
export const DEFAULT_LANGUAGE = 'pt-BR';

export interface MergeInput {
  /** Strongest first. */
  layers: readonly PolicyLayer[];
  user: UserConfigFile;
  userSource: string;
  fallbackServerUrl: string;
  buildUpdateUrl: string | undefined;
  /** Problems found while reading (files, tools). */
  problems: readonly string[];
}

/** Without trailing slashes, so `<serverUrl>/api` joins cleanly. */
export function normalizeServerUrl(url: string): string {
  return url.replace(/\/+$/, '');
}

const URL_KEYS = ['serverUrl', 'updateUrl'] as const;

/** A copy without the addresses checkRemoteUrl refuses, each named in `problems`. */
function screenUrls<T extends Partial<Record<(typeof URL_KEYS)[number], string>>>(values: T, source: string, problems: string[]): T {
  const kept = { ...values };
  for (const key of URL_KEYS) {
    const url = kept[key];
    if (url === undefined) continue;
    const verdict = checkRemoteUrl(url);
    if (!verdict.ok) {
      problems.push(`${source}: ${key} refused: ${verdict.reason}`);
      delete kept[key];
    }
  }
  return kept;
}

export function mergeConfig(input: MergeInput): EffectiveConfig {
  const problems = [...input.problems];
  const layers = input.layers.map((layer) => ({ ...layer, values: screenUrls(layer.values, layer.source, problems) }));
  // The user schema has no updateUrl; screenUrls only looks at serverUrl there.
  const user = screenUrls(input.user, input.userSource, problems);
  const buildUpdateUrl = screenUrls({ updateUrl: input.buildUpdateUrl }, 'the update feed built into the app', problems).updateUrl;

  const locked = new Set<ConfigKey>(layers.flatMap((layer) => layer.locked));
  const fromIt = <K extends keyof PolicyValues>(key: K): PolicyValues[K] => layers.find((layer) => layer.values[key] !== undefined)?.values[key];
  const pick = <K extends ConfigKey>(key: K): PolicyValues[K] => (locked.has(key) ? undefined : user[key]) ?? fromIt(key);

  const updateUrl = fromIt('updateUrl') ?? buildUpdateUrl;
  return {
    serverUrl: normalizeServerUrl(pick('serverUrl') ?? input.fallbackServerUrl),
    language: pick('language') ?? DEFAULT_LANGUAGE,
    autoUpdate: pick('autoUpdate') ?? true,
    updateUrl: updateUrl === undefined || updateUrl.endsWith('/') ? updateUrl : `${updateUrl}/`,
    lockedKeys: CONFIG_KEYS.filter((key) => locked.has(key)),
    problems,
  };
}

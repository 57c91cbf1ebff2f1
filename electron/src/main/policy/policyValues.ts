import { CONFIG_KEYS, MachineConfigFile, type ConfigKey } from '@atende/protocol';

/**
 * Turns the raw values of one IT source (registry values, managed preferences) into config values
 * (issue 17). Each value is checked on its own: a bad one is dropped and named, the others apply.
 * Every key such a policy names is locked — that is what a policy means — even when its value was
 * refused: a typo by IT must not hand the setting to the user.
 */
export type PolicyValues = Omit<MachineConfigFile, 'lockedKeys'>;

export interface PolicyLayer {
  /** Where the values came from, as IT would name it in the problems list. */
  source: string;
  values: PolicyValues;
  /** Keys no user-level source (user file, environment) may override. */
  locked: ConfigKey[];
  problems: string[];
}

export const POLICY_VALUE_NAMES = ['serverUrl', 'language', 'autoUpdate', 'updateUrl', 'lockedKeys'] as const;
type PolicyValueName = (typeof POLICY_VALUE_NAMES)[number];

const isConfigKey = (name: string): name is ConfigKey => (CONFIG_KEYS as readonly string[]).includes(name);
const isPolicyValueName = (name: string): name is PolicyValueName => (POLICY_VALUE_NAMES as readonly string[]).includes(name);

export function emptyLayer(source: string, problems: string[] = []): PolicyLayer {
  return { source, values: {}, locked: [], problems };
}

/** Registry DWORD 0/1 and plist booleans both mean a switch. */
function toBoolean(raw: unknown): boolean | undefined {
  if (typeof raw === 'boolean') return raw;
  if (raw === 0 || raw === 1) return raw === 1;
  return undefined;
}

/** REG_MULTI_SZ / plist arrays, or one string with commas (what an ADMX text field writes). */
function toKeyList(raw: unknown): string[] | undefined {
  if (typeof raw === 'string') return raw.split(',').map((item) => item.trim()).filter((item) => item !== '');
  if (Array.isArray(raw) && raw.every((item) => typeof item === 'string')) return raw.map((item) => item.trim()).filter((item) => item !== '');
  return undefined;
}

/**
 * `unreadable`: names the source had but whose value could not be read at all (a registry type
 * Atende does not read); they are refused by the caller and lock their key all the same.
 */
export function policyLayer(source: string, raw: Readonly<Record<string, unknown>>, unreadable: readonly string[] = []): PolicyLayer {
  const layer = emptyLayer(source);
  const locked = new Set<ConfigKey>(unreadable.filter(isConfigKey));
  const refuse = (name: string, why: string) => layer.problems.push(`${source}: ${name}: ${why}`);
  for (const [name, value] of Object.entries(raw)) {
    if (!isPolicyValueName(name)) {
      refuse(name, `unknown policy value (expected one of ${POLICY_VALUE_NAMES.join(', ')}; names are case-sensitive)`);
      continue;
    }
    if (isConfigKey(name)) locked.add(name);
    if (name === 'lockedKeys') {
      const keys = toKeyList(value);
      if (!keys) refuse(name, 'expected a list of setting names');
      for (const key of keys ?? []) {
        if (isConfigKey(key)) locked.add(key);
        else refuse(name, `"${key}" is not a setting that can be locked (${CONFIG_KEYS.join(', ')})`);
      }
    } else if (name === 'autoUpdate') {
      const on = toBoolean(value);
      if (on === undefined) refuse(name, 'expected 1 (on) or 0 (off)');
      else layer.values.autoUpdate = on;
    } else {
      const parsed = MachineConfigFile.shape[name].safeParse(value);
      if (parsed.success && parsed.data !== undefined) Object.assign(layer.values, { [name]: parsed.data });
      else refuse(name, parsed.success ? 'empty' : parsed.error.issues.map((issue) => issue.message).join('; '));
    }
  }
  layer.locked = CONFIG_KEYS.filter((key) => locked.has(key));
  return layer;
}

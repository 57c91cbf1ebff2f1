import { emptyLayer, policyLayer, type PolicyLayer } from './policyValues';
import type { RunTool } from './runTool';

/**
 * Windows Group Policy for Atende (issue 17): the values under HKLM\Software\Policies\Atende, read
 * with reg.exe. Its path is fixed: %SystemRoot% and %windir% are the user's to set for a process
 * they start, so a path built from them could run a reg.exe of the user's choosing. `/reg:64` reads
 * the 64-bit view, where Group Policy writes, whatever the bitness of the process. Only
 * administrators (and Group Policy) can write this key.
 */
export const REG_EXE = 'C:\\Windows\\System32\\reg.exe';
export const POLICY_KEY = 'HKLM\\Software\\Policies\\Atende';
/** reg.exe needs nothing from the environment; SystemRoot keeps Windows' own loader content. */
const REG_ENV: NodeJS.ProcessEnv = { SystemRoot: 'C:\\Windows' };

export type RegistryValue =
  | { name: string; type: 'REG_SZ' | 'REG_EXPAND_SZ'; data: string }
  | { name: string; type: 'REG_DWORD'; data: number }
  | { name: string; type: 'REG_MULTI_SZ'; data: string[] }
  | { name: string; type: 'other'; regType: string };

// `    <name>    <REG_TYPE>    <data>`: four spaces between columns; an empty string has no data.
const VALUE_LINE = /^ {4}(\S.*?) {4}(REG_[A-Z_]+)(?: {4}(.*))?$/;

/**
 * Parses `reg query <key>` (values of that key only: subkey lines and nested values are skipped).
 * REG_MULTI_SZ items are shown joined by a literal `\0`; REG_DWORD as `0x` hex.
 */
export function parseRegQuery(stdout: string): RegistryValue[] {
  const values: RegistryValue[] = [];
  for (const line of stdout.split(/\r?\n/)) {
    const match = VALUE_LINE.exec(line);
    if (!match) continue;
    const [, name = '', type = '', data = ''] = match;
    // "(Default)" (in the system's language): the key's unnamed value, which no policy uses.
    if (name.startsWith('(') && name.endsWith(')')) continue;
    if (type === 'REG_SZ' || type === 'REG_EXPAND_SZ') values.push({ name, type, data });
    else if (type === 'REG_DWORD') values.push({ name, type, data: Number.parseInt(data, 16) });
    else if (type === 'REG_MULTI_SZ') values.push({ name, type, data: data === '' ? [] : data.split('\\0') });
    else values.push({ name, type: 'other', regType: type });
  }
  return values;
}

export async function readRegistryPolicy(run: RunTool): Promise<PolicyLayer> {
  let result;
  try {
    result = await run(REG_EXE, ['query', POLICY_KEY, '/reg:64'], REG_ENV);
  } catch (error) {
    return emptyLayer(POLICY_KEY, [`${POLICY_KEY}: could not run ${REG_EXE} (${error instanceof Error ? error.message : String(error)}); Group Policy not applied`]);
  }
  // Exit code 1 is reg.exe's "key not found" (its message is in the system's language): no policy set.
  if (result.code === 1) return emptyLayer(POLICY_KEY);
  if (result.code !== 0) return emptyLayer(POLICY_KEY, [`${POLICY_KEY}: ${REG_EXE} failed with exit code ${result.code} (${result.stderr.trim()}); Group Policy not applied`]);
  const raw: Record<string, unknown> = {};
  const wrongTypes: Array<{ name: string; regType: string }> = [];
  for (const value of parseRegQuery(result.stdout)) {
    if (value.type === 'other') wrongTypes.push(value);
    else raw[value.name] = value.data;
  }
  const layer = policyLayer(POLICY_KEY, raw, wrongTypes.map((value) => value.name));
  layer.problems.unshift(...wrongTypes.map(({ name, regType }) => `${POLICY_KEY}: ${name}: ${regType} is not a type Atende reads (REG_SZ, REG_DWORD, REG_MULTI_SZ)`));
  return layer;
}

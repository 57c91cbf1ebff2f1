import { stat } from 'node:fs/promises';
import { emptyLayer, policyLayer, type PolicyLayer } from './policyValues';
import type { RunTool } from './runTool';

/**
 * macOS managed preferences for the app's bundle id (issue 17): what a configuration profile pushed
 * by an MDM (or installed by an administrator) sets. macOS writes them, root-owned, under
 * /Library/Managed Preferences — machine-wide, and per user in a folder named after the account.
 * Read with Apple's own plutil at its fixed path (a binary plist is not text).
 */
export const BUNDLE_ID = 'com.atende.desktop';
export const PLUTIL = '/usr/bin/plutil';
export const MANAGED_PREFERENCES_DIR = '/Library/Managed Preferences';

/** Per-user first: when both set a key, the profile aimed at this account is the more specific. */
export function managedPreferenceFiles(userName: string | undefined): string[] {
  const machine = `${MANAGED_PREFERENCES_DIR}/${BUNDLE_ID}.plist`;
  // The name comes from the account database, not the environment; still, never a path of its own.
  const safe = userName !== undefined && /^[^/\0]+$/.test(userName) && userName !== '.' && userName !== '..';
  return safe ? [`${MANAGED_PREFERENCES_DIR}/${userName}/${BUNDLE_ID}.plist`, machine] : [machine];
}

async function exists(file: string): Promise<boolean> {
  try {
    await stat(file);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw error;
  }
}

export async function readManagedPreferences(file: string, run: RunTool): Promise<PolicyLayer> {
  try {
    if (!(await exists(file))) return emptyLayer(file);
    const result = await run(PLUTIL, ['-convert', 'json', '-o', '-', file], {});
    if (result.code !== 0) return emptyLayer(file, [`${file}: ${PLUTIL} could not read it (${(result.stderr || result.stdout).trim()}); ignored`]);
    const parsed = JSON.parse(result.stdout) as unknown;
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return emptyLayer(file, [`${file}: not a dictionary; ignored`]);
    // Payload* keys are the profile's own bookkeeping (identifier, UUID, version), not settings.
    const settings = Object.fromEntries(Object.entries(parsed).filter(([key]) => !key.startsWith('Payload')));
    return policyLayer(file, settings);
  } catch (error) {
    return emptyLayer(file, [`${file}: unreadable (${error instanceof Error ? error.message : String(error)}); ignored`]);
  }
}

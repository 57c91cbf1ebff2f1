import { userInfo } from 'node:os';
import { readMachineFile } from './machineFile';
import { managedPreferenceFiles, readManagedPreferences } from './managedPreferences';
import type { PolicyLayer } from './policyValues';
import { readRegistryPolicy } from './registry';
import type { RunTool } from './runTool';

/**
 * Where IT's settings come from on each OS, strongest first (issue 17, R-DT-05). Every path is a
 * constant: none is built from an environment variable (ProgramData, SystemRoot, windir, HOME…),
 * which the user sets for any process they start and would use to point the app at a file of
 * their own. Policies (Group Policy, managed preferences) come before the machine-wide file.
 */
export type MachineSource = { kind: 'registry' } | { kind: 'managed-preferences'; file: string } | { kind: 'file'; file: string };

export const WINDOWS_MACHINE_FILE = 'C:\\ProgramData\\Atende\\config.json';
export const MACOS_MACHINE_FILE = '/Library/Application Support/Atende/config.json';
export const LINUX_MACHINE_FILE = '/etc/atende/config.json';

export function machineSources(platform: NodeJS.Platform, userName: string | undefined): MachineSource[] {
  switch (platform) {
    case 'win32':
      return [{ kind: 'registry' }, { kind: 'file', file: WINDOWS_MACHINE_FILE }];
    case 'darwin':
      return [
        ...managedPreferenceFiles(userName).map((file): MachineSource => ({ kind: 'managed-preferences', file })),
        { kind: 'file', file: MACOS_MACHINE_FILE },
      ];
    default:
      return [{ kind: 'file', file: LINUX_MACHINE_FILE }];
  }
}

/** The account's name from the OS account database (never $USER, which the user sets). */
export function currentUserName(): string | undefined {
  try {
    return userInfo().username;
  } catch {
    return undefined;
  }
}

export function readMachineSource(source: MachineSource, run: RunTool): Promise<PolicyLayer> {
  switch (source.kind) {
    case 'registry':
      return readRegistryPolicy(run);
    case 'managed-preferences':
      return readManagedPreferences(source.file, run);
    case 'file':
      return readMachineFile(source.file);
  }
}

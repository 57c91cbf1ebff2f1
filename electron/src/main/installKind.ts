import path from 'node:path';
import { readJsonSync } from './jsonFile';

/**
 * How this copy of the app was installed (issue 17 point 6, R-DT-06). The Windows build writes a
 * marker into the packed app's resources, one per installer (build/install-kind/*.json, copied by
 * build/installerVariants.mjs): an MSI install is updated by IT deploying a new MSI, so its
 * auto-update stays off; a per-user NSIS install updates from its own feed without elevation.
 */
export type InstallKind = 'nsis' | 'nsis-per-user' | 'msi' | 'other';

/** The marker's name inside `process.resourcesPath`. */
export const INSTALL_KIND_FILE = 'install-kind.json';

const MARKED_KINDS: ReadonlySet<string> = new Set<InstallKind>(['nsis', 'nsis-per-user', 'msi']);

/**
 * The kind recorded by the build. Anything else — not Windows (markers are only written for
 * Windows installers), no marker (development), unreadable or unknown content —
 * is 'other': the app then behaves as before, and never as an MSI install by mistake of a file.
 */
export function readInstallKind(resourcesPath: string, platform: NodeJS.Platform): InstallKind {
  if (platform !== 'win32') return 'other';
  const read = readJsonSync(path.join(resourcesPath, INSTALL_KIND_FILE));
  if (read.kind !== 'ok') return 'other';
  const marker = read.value;
  const kind = typeof marker === 'object' && marker !== null ? (marker as { kind?: unknown }).kind : undefined;
  return typeof kind === 'string' && MARKED_KINDS.has(kind) ? (kind as InstallKind) : 'other';
}

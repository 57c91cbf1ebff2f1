import path from 'node:path';

/**
 * Embedded data folders open in a running server of this process. PouchDB's LevelDB adapter hands a
 * second opening of one folder in one process the same handle (the operating system's lock only
 * stops another process), so a second startServer() on one ATENDE_DATA_DIR would quietly share the
 * store: its job runner, like the first's, would take the store for its alone and take over the
 * other's running jobs (messages sent twice), and stopping either would close the other's store.
 * It is refused instead.
 */
const open = new Set<string>();

export class DataFolderInUse extends Error {
  constructor(readonly folder: string) {
    super(`the data folder ${folder} is already open by another server of this process; stop it first or use another ATENDE_DATA_DIR`);
    this.name = 'DataFolderInUse';
  }
}

/** Marks `dataDir` open by the caller's server, or throws DataFolderInUse. Returns its release (idempotent). */
export function claimDataFolder(dataDir: string): () => void {
  const folder = path.resolve(dataDir);
  if (open.has(folder)) throw new DataFolderInUse(folder);
  open.add(folder);
  return () => {
    open.delete(folder);
  };
}

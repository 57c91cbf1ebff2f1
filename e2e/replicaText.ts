import type { Page } from '@playwright/test';

/**
 * Every row of every IndexedDB database of the user's RxDB replica, as JSON (documents, metadata,
 * checkpoints): what a test searches to prove a text never reached, or left, the browser's replica.
 */
export async function replicaText(page: Page, user: string): Promise<string> {
  return page.evaluate(async (prefix) => {
    const texts: string[] = [];
    for (const info of await indexedDB.databases()) {
      if (!info.name?.startsWith(prefix)) continue;
      const db = await new Promise<IDBDatabase>((resolve, reject) => {
        const request = indexedDB.open(info.name as string);
        request.onsuccess = () => resolve(request.result);
        request.onerror = () => reject(request.error);
      });
      for (const store of Array.from(db.objectStoreNames)) {
        const rows = await new Promise<unknown[]>((resolve, reject) => {
          const request = db.transaction(store, 'readonly').objectStore(store).getAll();
          request.onsuccess = () => resolve(request.result);
          request.onerror = () => reject(request.error);
        });
        texts.push(JSON.stringify(rows));
      }
      db.close();
    }
    return texts.join('\n');
  }, `rxdb-dexie-atende-user-${user}`);
}

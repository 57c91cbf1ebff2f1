import type { AtendeBridge } from '@atende/protocol';

/**
 * Where the refresh token lives in the desktop app: encrypted by the OS through the bridge
 * (`safeStorage`), never in localStorage. In a browser there is no vault and `net/tokens.ts`
 * keeps it with the stored session, as the web has no better place.
 */
export interface TokenVault {
  load(): Promise<string | undefined>;
  store(token: string | null): Promise<void>;
}

/**
 * The bridge-backed vault. When the OS cannot keep it (no keyring, an IPC error) the token is
 * kept in this window's memory instead: the session lasts until the app closes, and signing in
 * never fails because of the vault.
 */
export function bridgeVault(bridge: Pick<AtendeBridge, 'loadRefreshToken' | 'storeRefreshToken'>): TokenVault {
  let memory: string | undefined;
  let vaultFailed = false;
  return {
    async load() {
      if (vaultFailed) return memory;
      try {
        return (await bridge.loadRefreshToken()) ?? undefined;
      } catch {
        return memory;
      }
    },
    async store(token) {
      memory = token ?? undefined;
      try {
        await bridge.storeRefreshToken(token);
        vaultFailed = false;
      } catch {
        vaultFailed = token !== null;
      }
    },
  };
}

import type { AtendeBridge, DeepLinkTarget } from '@atende/protocol';

declare global {
  interface Window {
    /** Exposed by the desktop shell's preload (contextBridge); absent in a browser. */
    atende?: AtendeBridge;
  }
}

const METHODS = [
  'notify', 'setBadgeCount', 'openSupervisorWindow', 'openConversationWindow', 'getConfig',
  'getVersion', 'getUpdateStatus', 'storeRefreshToken', 'loadRefreshToken', 'takeRecoveryNotice', 'on',
] as const satisfies ReadonlyArray<keyof AtendeBridge>;

/**
 * The preload's bridge when it is really there: every method of the contract must be a
 * function, so a half-built or foreign `window.atende` is treated as "no desktop" (R-DT-07).
 */
export function findBridge(scope: { atende?: unknown } | undefined): AtendeBridge | undefined {
  const candidate = scope?.atende;
  if (typeof candidate !== 'object' || candidate === null) return undefined;
  const record = candidate as Record<string, unknown>;
  return METHODS.every((name) => typeof record[name] === 'function') ? (candidate as AtendeBridge) : undefined;
}

const ID = /^[A-Za-z0-9:_.@-]{1,100}$/;

/** A navigation event from the main process, checked before it touches the UI. */
export function asDeepLinkTarget(payload: unknown): DeepLinkTarget | undefined {
  if (typeof payload !== 'object' || payload === null) return undefined;
  const { kind, id } = payload as Record<string, unknown>;
  if ((kind !== 'conversation' && kind !== 'contact') || typeof id !== 'string' || !ID.test(id)) return undefined;
  return { kind, id };
}

import { shallowRef, type ShallowRef } from 'vue';
import type { AtendeBridge, RecoveryNotice } from '@atende/protocol';
import { findBridge } from './bridge';

/**
 * What the desktop shell tells a page about the machine and about itself (issue 17 point 5):
 * the OS woke up or the session was unlocked (reconnect now, R-NET-02), and why the shell reloaded
 * this window (a crash or a hang). In a browser there is no shell: nothing ever arrives.
 * Kept apart from core.ts on purpose (another change owns that file in issue 17).
 */
export interface ShellRecovery {
  onResumed(listener: () => void): () => void;
  takeRecoveryNotice(): Promise<RecoveryNotice | null>;
}

const REASONS: ReadonlyArray<RecoveryNotice['reason']> = ['crashed', 'unresponsive'];

/** A notice from the main process, checked before it reaches the UI. */
export function asRecoveryNotice(value: unknown): RecoveryNotice | null {
  if (typeof value !== 'object' || value === null) return null;
  const { reason, at } = value as Record<string, unknown>;
  if (!REASONS.includes(reason as RecoveryNotice['reason']) || typeof at !== 'number' || !Number.isFinite(at)) return null;
  return { reason: reason as RecoveryNotice['reason'], at };
}

export function shellRecovery(bridge: () => AtendeBridge | undefined): ShellRecovery {
  return {
    onResumed(listener) {
      return bridge()?.on('atende:resumed', () => listener()) ?? (() => undefined);
    },
    async takeRecoveryNotice() {
      const shell = bridge();
      if (!shell) return null;
      try {
        return asRecoveryNotice(await shell.takeRecoveryNotice());
      } catch {
        // A notice is a courtesy: without it the app simply starts as usual.
        return null;
      }
    },
  };
}

/** Looked up when used: modules importing this may load where no window exists (unit tests). */
export const desktopRecovery: ShellRecovery = shellRecovery(() => findBridge(typeof window === 'undefined' ? undefined : window));

export interface RecoveryNoticeState {
  readonly notice: ShallowRef<RecoveryNotice | null>;
  /** Asks the shell once per page: the notice is shown once, even if asked again. */
  load(): Promise<void>;
  dismiss(): void;
}

export function recoveryNoticeState(source: Pick<ShellRecovery, 'takeRecoveryNotice'>): RecoveryNoticeState {
  const notice = shallowRef<RecoveryNotice | null>(null);
  let asked: Promise<void> | undefined;
  return {
    notice,
    load() {
      asked ??= source.takeRecoveryNotice().then((taken) => {
        notice.value = taken;
      });
      return asked;
    },
    dismiss() {
      notice.value = null;
    },
  };
}

import { shallowRef, type ShallowRef } from 'vue';
import type { UpdateStatus } from '@atende/protocol';
import type { Desktop } from './core';

/**
 * What the agent is told about the shell's auto-update (issue 17 point 1): a version downloaded and
 * waiting for the app to close, or an update refused because it could not be verified (someone must
 * tell IT). Other states are routine or transient and stay quiet. Closing the notice hides it until
 * another notice comes; the periodic re-check (checking, then the same refusal) does not bring it back.
 */
export type UpdateNotice = { kind: 'downloaded'; version: string } | { kind: 'refused'; detail: string };

export function updateNotice(status: UpdateStatus): UpdateNotice | null {
  if (status.state === 'downloaded') return { kind: 'downloaded', version: status.version ?? '' };
  if (status.state === 'refused') return { kind: 'refused', detail: status.message ?? '' };
  return null;
}

const sameNotice = (a: UpdateNotice | null, b: UpdateNotice | null): boolean => JSON.stringify(a) === JSON.stringify(b);

/** A check starting or failing to reach the feed says nothing new about a notice on screen. */
const KEEPS_NOTICE: ReadonlySet<UpdateStatus['state']> = new Set(['idle', 'checking', 'error']);

export interface UpdateNoticeState {
  readonly notice: ShallowRef<UpdateNotice | null>;
  /** Reads the current status and follows the shell's; returns the unsubscribe. */
  start(): () => void;
  dismiss(): void;
}

export function updateNoticeState(source: Pick<Desktop, 'isDesktop' | 'getUpdateStatus' | 'onUpdateStatus'>): UpdateNoticeState {
  const notice = shallowRef<UpdateNotice | null>(null);
  let dismissed: UpdateNotice | null = null;
  let live = false;
  const show = (status: UpdateStatus): void => {
    if (KEEPS_NOTICE.has(status.state)) return;
    const next = updateNotice(status);
    if (next === null) {
      notice.value = null;
      return;
    }
    if (sameNotice(next, dismissed)) return;
    dismissed = null;
    notice.value = next;
  };
  return {
    notice,
    start() {
      if (!source.isDesktop) return () => undefined;
      live = false;
      const stop = source.onUpdateStatus((status) => {
        live = true;
        show(status);
      });
      // The status published before this page loaded; an event that already arrived is newer.
      void source.getUpdateStatus().then((status) => {
        if (!live) show(status);
      });
      return stop;
    },
    dismiss() {
      dismissed = notice.value;
      notice.value = null;
    },
  };
}

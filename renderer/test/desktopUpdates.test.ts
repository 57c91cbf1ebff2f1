import { describe, expect, it } from 'vitest';
import type { AtendeBridge, DesktopEvents, UpdateStatus } from '@atende/protocol';
import { asUpdateStatus, createDesktop } from '../src/desktop/core';
import { updateNotice, updateNoticeState } from '../src/desktop/updateNotice';
import type { DesktopEnv } from '../src/desktop/web';

/** The preload's bridge as the renderer sees it; the test plays the main process. */
function fakeShell(initial: unknown) {
  const listeners = new Set<(payload: unknown) => void>();
  const none = () => Promise.resolve(undefined as never);
  const bridge: AtendeBridge = {
    notify: none, setBadgeCount: none, openSupervisorWindow: none, openConversationWindow: none, getConfig: none,
    getVersion: none, storeRefreshToken: none, loadRefreshToken: none, takeRecoveryNotice: none,
    getUpdateStatus: () => Promise.resolve(initial as UpdateStatus),
    on<E extends keyof DesktopEvents>(event: E, listener: (payload: DesktopEvents[E]) => void) {
      if (event !== 'atende:update-status') return () => undefined;
      const forward = listener as (payload: unknown) => void;
      listeners.add(forward);
      return () => listeners.delete(forward);
    },
  };
  return { bridge, listeners, publish: (payload: unknown) => listeners.forEach((listener) => listener(payload)) };
}

function env(bridge: AtendeBridge | undefined): DesktopEnv {
  return {
    bridge,
    location: { origin: 'http://127.0.0.1:8080', href: 'http://127.0.0.1:8080/' },
    notification: () => undefined,
    badge: () => undefined,
    open: () => undefined,
    focus: () => undefined,
  };
}

const flush = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('issue 17 point 1: the update status the agent sees', () => {
  it('shows a downloaded version and a refused update; routine states stay quiet', async () => {
    const shell = fakeShell({ state: 'idle' });
    const state = updateNoticeState(createDesktop(env(shell.bridge)));
    const stop = state.start();
    await flush();
    expect(state.notice.value).toBeNull();
    for (const quiet of ['checking', 'available', 'not-available', 'downloading', 'disabled', 'error', 'idle']) {
      shell.publish({ state: quiet, message: 'x' });
      expect(state.notice.value).toBeNull();
    }
    shell.publish({ state: 'downloaded', version: '2.0.0' });
    expect(state.notice.value).toEqual({ kind: 'downloaded', version: '2.0.0' });
    shell.publish({ state: 'refused', message: 'latest.yml does not match its signature' });
    expect(state.notice.value).toEqual({ kind: 'refused', detail: 'latest.yml does not match its signature' });
    // A new check, or a feed out of reach for a moment, leaves the notice; a newer outcome replaces it.
    shell.publish({ state: 'checking' });
    shell.publish({ state: 'error', message: 'net::ERR_CONNECTION_REFUSED' });
    expect(state.notice.value?.kind).toBe('refused');
    shell.publish({ state: 'not-available', version: '1.0.0' });
    expect(state.notice.value).toBeNull();
    stop();
    expect(shell.listeners.size).toBe(0);
  });
  it('shows the status the shell published before the page loaded', async () => {
    const shell = fakeShell({ state: 'refused', message: 'This build has no update key' });
    const state = updateNoticeState(createDesktop(env(shell.bridge)));
    state.start();
    await flush();
    expect(state.notice.value).toEqual({ kind: 'refused', detail: 'This build has no update key' });
  });
  it('a closed notice stays closed until the status changes', async () => {
    const shell = fakeShell({ state: 'idle' });
    const state = updateNoticeState(createDesktop(env(shell.bridge)));
    state.start();
    await flush();
    shell.publish({ state: 'refused', message: 'unsigned' });
    state.dismiss();
    expect(state.notice.value).toBeNull();
    // The periodic check refuses the same metadata again: not shown again.
    shell.publish({ state: 'checking' });
    shell.publish({ state: 'refused', message: 'unsigned' });
    expect(state.notice.value).toBeNull();
    shell.publish({ state: 'downloaded', version: '2.1.0' });
    expect(state.notice.value).toEqual({ kind: 'downloaded', version: '2.1.0' });
  });
  it('shows nothing in a browser (no desktop shell)', async () => {
    const state = updateNoticeState(createDesktop(env(undefined)));
    state.start();
    await flush();
    expect(state.notice.value).toBeNull();
  });
  it('drops a malformed status from the main process instead of showing it', async () => {
    const shell = fakeShell({ state: 'idle' });
    const desktop = createDesktop(env(shell.bridge));
    const received: UpdateStatus[] = [];
    desktop.onUpdateStatus((status) => received.push(status));
    shell.publish({ state: 'pwned' });
    shell.publish('refused');
    shell.publish(null);
    shell.publish({ state: 'downloaded', version: 2, percent: 'x', extra: true });
    expect(received).toEqual([{ state: 'downloaded' }]);
    expect(asUpdateStatus({ state: 'refused', message: 'm'.repeat(900) })?.message).toHaveLength(500);
    expect(updateNotice({ state: 'downloading', percent: 40 })).toBeNull();
  });
});

import type { BrowserWindow } from 'electron';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { app, FakeBrowserWindow, FakeNotification, FakeTray, resetElectron } from './fakes/electron';
import { badgeBitmap, badgeLabel, trayBitmap } from '../src/main/icons';
import { createNotifier } from '../src/main/notifications';
import { shellStrings } from '../src/main/strings';
import { createTray } from '../src/main/tray';

vi.mock('electron', async () => (await import('./fakes/electron')).electron);

beforeEach(resetElectron);

function tray(platform: NodeJS.Platform, windows: FakeBrowserWindow[] = []) {
  const onOpen = vi.fn();
  const onQuit = vi.fn();
  const appTray = createTray({
    strings: () => shellStrings('pt-BR'),
    onOpen,
    onQuit,
    windows: () => windows as unknown as BrowserWindow[],
    platform,
  });
  const fake = FakeTray.instances.at(-1);
  if (!fake) throw new Error('no tray');
  return { appTray, fake, onOpen, onQuit };
}

describe('R-DT-02 tray and waiting-count badge', () => {
  it('shows the waiting count in the tooltip and the app badge (macOS/Linux)', () => {
    const { appTray, fake } = tray('linux');
    appTray.setWaitingCount(3);
    expect(fake.tooltip).toBe('Atende — 3 conversas aguardando');
    expect(app.setBadgeCount).toHaveBeenLastCalledWith(3);
    appTray.setWaitingCount(0);
    expect(fake.tooltip).toBe('Atende');
    expect(app.setBadgeCount).toHaveBeenLastCalledWith(0);
  });
  it('puts the count next to the menu-bar icon on macOS, with a template image', () => {
    const { appTray, fake } = tray('darwin');
    appTray.setWaitingCount(12);
    expect(fake.title).toBe('12');
    expect((fake.image as { template: boolean }).template).toBe(true);
  });
  it('uses a taskbar overlay icon on Windows', () => {
    const window = new FakeBrowserWindow({});
    const { appTray } = tray('win32', [window]);
    appTray.setWaitingCount(1);
    expect(window.overlay?.image).not.toBeNull();
    expect(window.overlay?.description).toBe('1 conversa aguardando');
    expect(app.setBadgeCount).not.toHaveBeenCalled();
    appTray.setWaitingCount(0);
    expect(window.overlay?.image).toBeNull();
  });
  it('has Open and Quit in its menu', () => {
    const { fake, onOpen, onQuit } = tray('linux');
    const { template } = fake.menu as { template: Array<{ label?: string; click?: () => void }> };
    const labelled = template.filter((item) => item.label);
    expect(labelled.map((item) => item.label)).toEqual(['Abrir o Atende', 'Sair']);
    labelled[0]?.click?.();
    labelled[1]?.click?.();
    expect(onOpen).toHaveBeenCalledTimes(1);
    expect(onQuit).toHaveBeenCalledTimes(1);
  });
  it('draws 1x and 2x images of the expected sizes', () => {
    expect(trayBitmap(16).data).toHaveLength(16 * 16 * 4);
    expect(badgeBitmap(7, 32).data).toHaveLength(32 * 32 * 4);
    expect(badgeLabel(5)).toBe('5');
    expect(badgeLabel(150)).toBe('99+');
    // Some pixels are opaque, the corners are transparent.
    const badge = badgeBitmap(42);
    expect(badge.data[3]).toBe(0);
    expect(Math.max(...badge.data.filter((_, i) => i % 4 === 3))).toBe(255);
  });
});

describe('R-DT-02 notifications', () => {
  it('shows a native notification; a click focuses the app and opens the conversation', () => {
    const showMain = vi.fn();
    const navigate = vi.fn();
    createNotifier({ showMain, navigate }).show({ title: 'Nova conversa', body: 'Maria: oi', conversationId: 'conversation:01HX' });
    const notification = FakeNotification.instances[0];
    expect(notification?.shown).toBe(true);
    expect(notification?.options).toEqual({ title: 'Nova conversa', body: 'Maria: oi' });
    notification?.emit('click');
    expect(showMain).toHaveBeenCalledTimes(1);
    expect(navigate).toHaveBeenCalledWith({ kind: 'conversation', id: 'conversation:01HX' });
  });
  it('only focuses when the notification names no conversation', () => {
    const showMain = vi.fn();
    const navigate = vi.fn();
    const notifier = createNotifier({ showMain, navigate });
    notifier.show({ title: 'Pausa', body: 'terminou' });
    notifier.show({ title: 'x', body: 'y', conversationId: 'contact:1' });
    for (const notification of FakeNotification.instances) notification.emit('click');
    expect(showMain).toHaveBeenCalledTimes(2);
    expect(navigate).not.toHaveBeenCalled();
  });
  it('does nothing where the OS has no notifications', () => {
    FakeNotification.supported = false;
    createNotifier({ showMain: vi.fn(), navigate: vi.fn() }).show({ title: 't', body: 'b' });
    expect(FakeNotification.instances).toHaveLength(0);
  });
});

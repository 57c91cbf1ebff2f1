import type { Session } from 'electron';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeSession, resetElectron } from './fakes/electron';
import { ALLOWED_PERMISSIONS, installPermissionHandlers, isPermissionAllowed } from '../src/main/permissions';

vi.mock('electron', async () => (await import('./fakes/electron')).electron);

type RequestHandler = (
  contents: { getURL(): string },
  permission: string,
  callback: (granted: boolean) => void,
  details: { requestingUrl: string; isMainFrame: boolean },
) => void;
type CheckHandler = (contents: unknown, permission: string, origin: string) => boolean;

function installed(): { request: RequestHandler; check: CheckHandler; device: () => boolean } {
  installPermissionHandlers(fakeSession as unknown as Session);
  const request = fakeSession.setPermissionRequestHandler.mock.calls[0]?.[0] as unknown as RequestHandler;
  const check = fakeSession.setPermissionCheckHandler.mock.calls[0]?.[0] as unknown as CheckHandler;
  const device = fakeSession.setDevicePermissionHandler.mock.calls[0]?.[0] as unknown as () => boolean;
  return { request, check, device };
}

function ask(request: RequestHandler, permission: string, requestingUrl: string, pageUrl = 'app://atende/index.html'): boolean {
  let granted: boolean | undefined;
  request({ getURL: () => pageUrl }, permission, (value) => (granted = value), { requestingUrl, isMainFrame: true });
  if (granted === undefined) throw new Error('the handler never answered');
  return granted;
}

beforeEach(resetElectron);

describe('R-DT-01 permission requests', () => {
  it('grants notifications to the app', () => {
    expect(ask(installed().request, 'notifications', 'app://atende/index.html')).toBe(true);
  });
  it.each(['media', 'geolocation', 'display-capture', 'midiSysex', 'openExternal', 'clipboard-read', 'fullscreen', 'pointerLock', 'unknown', 'fileSystem'])(
    'denies %s',
    (permission) => {
      expect(ask(installed().request, permission, 'app://atende/index.html')).toBe(false);
    },
  );
  it('denies even notifications to another origin', () => {
    const { request } = installed();
    expect(ask(request, 'notifications', 'https://evil.example/')).toBe(false);
    expect(ask(request, 'notifications', 'app://other/index.html')).toBe(false);
    // A frame claiming the app's URL inside a foreign page is refused too.
    expect(ask(request, 'notifications', 'app://atende/index.html', 'https://evil.example/')).toBe(false);
  });
  it('answers permission checks the same way', () => {
    const { check } = installed();
    expect(check(null, 'notifications', 'app://atende')).toBe(true);
    expect(check(null, 'notifications', 'http://127.0.0.1:8080')).toBe(false);
    expect(check(null, 'media', 'app://atende')).toBe(false);
  });
  it('refuses every HID, serial and USB device', () => {
    expect(installed().device()).toBe(false);
  });
  it('keeps the allow-list to notifications and sanitised clipboard writes', () => {
    expect([...ALLOWED_PERMISSIONS].sort()).toEqual(['clipboard-sanitized-write', 'notifications']);
    expect(isPermissionAllowed('clipboard-sanitized-write', 'app://atende')).toBe(true);
    expect(isPermissionAllowed('notifications', undefined)).toBe(false);
  });
});

import type { Session, WebContents } from 'electron';
import { isAppUrl } from './origin';

/**
 * The permission allow-list (R-DT-01, STYLE: Signal's permissions module). Everything not listed
 * is denied, and nothing is granted to an origin other than the app's.
 *
 * - notifications: the renderer's web fallback and Chromium's own checks need it.
 * - clipboard-sanitized-write: copying text (a protocol number, a message) with the async
 *   clipboard API; sanitised writes cannot place executable formats, so it reads nothing.
 * 'media' (microphone/camera) is deliberately absent: no feature records or calls today. Add it
 * here, with the feature that needs it, when one does.
 */
export const ALLOWED_PERMISSIONS: ReadonlySet<string> = new Set(['notifications', 'clipboard-sanitized-write']);

export function isPermissionAllowed(permission: string, origin: string | undefined): boolean {
  return ALLOWED_PERMISSIONS.has(permission) && origin !== undefined && isAppUrl(origin);
}

/** Installs the request and check handlers, and refuses every device chooser, on a session. */
export function installPermissionHandlers(session: Session): void {
  session.setPermissionRequestHandler((contents, permission, callback, details) => {
    // Both the requesting frame and the page hosting it must be the app.
    const allowed = isPermissionAllowed(permission, details.requestingUrl) && isAppUrl(contents.getURL());
    callback(allowed);
  });
  session.setPermissionCheckHandler((_contents, permission, requestingOrigin) => isPermissionAllowed(permission, requestingOrigin));
  // HID, serial and USB choosers: no feature uses devices.
  session.setDevicePermissionHandler(() => false);
}

/**
 * The app-wide path (issue 17, `guards.ts`): whatever created a web contents, its session answers
 * permissions with the rules above. Setting the handlers again replaces them with the same ones,
 * so a session shared by many web contents (the default one) is simply re-armed.
 */
export function guardPermissionsOf(contents: WebContents): void {
  installPermissionHandlers(contents.session);
}

import { createDesktop, type Desktop } from './core';
import { browserEnv } from './web';

export { createDesktop, webConfig, type Desktop } from './core';
export type { TokenVault } from './tokenVault';
export type { DesktopEnv } from './web';
export { parseRoute, routeHash, type WindowRoute } from './windows';

/**
 * The app's one desktop module (issue 4 point 3, R-DT-07): `window.atende` inside the desktop
 * shell, web APIs in a browser. Components and stores import only this.
 */
export const desktop: Desktop = createDesktop(browserEnv(window));

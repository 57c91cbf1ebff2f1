import { SUPERVISOR_BOARDS, type SupervisorBoard } from '@atende/protocol';

/** Screens of the admin area (issue 10 point 6; issue 15 adds users, teams…): the first is the default. */
import { ADMIN_SECTIONS, type AdminSection } from '@atende/protocol';

export { ADMIN_SECTIONS, type AdminSection };

/**
 * What a window of the app shows, from its `location.hash` (R-DT-03, R-SV-05): the agent's
 * workstation, one conversation popped out, a supervisor board, or a screen of the admin area.
 * The desktop shell opens its windows on the same hashes, so the renderer routes both the same way.
 */
export type WindowRoute =
  | { kind: 'home' }
  | { kind: 'conversation'; id: string }
  | { kind: 'supervisor'; board: SupervisorBoard }
  | { kind: 'admin'; section: AdminSection }
  /** "Cadastrar senha" (R-AUTH-02): a password link's page, shown without anyone signed in; its token is in the query. */
  | { kind: 'setPassword' };

const CONVERSATION_ID = /^conversation:[A-Za-z0-9_.@-]{1,90}$/;

export function isSupervisorBoard(value: string): value is SupervisorBoard {
  return (SUPERVISOR_BOARDS as readonly string[]).includes(value);
}

function decode(part: string): string | undefined {
  try {
    return decodeURIComponent(part);
  } catch {
    return undefined;
  }
}

export function parseRoute(hash: string): WindowRoute {
  if (/^#?\/cadastrar-senha\/?(?:\?.*)?$/.test(hash)) return { kind: 'setPassword' };
  const [, kind, param = ''] = /^#?\/([a-z]+)(?:\/([^/?#]*))?\/?$/.exec(hash) ?? [];
  if (kind === 'conversation') {
    const id = decode(param);
    return id && CONVERSATION_ID.test(id) ? { kind: 'conversation', id } : { kind: 'home' };
  }
  if (kind === 'supervisor') {
    const board = decode(param) ?? '';
    return { kind: 'supervisor', board: isSupervisorBoard(board) ? board : 'agents' };
  }
  if (kind === 'admin') {
    const section = ADMIN_SECTIONS.find((name) => name === decode(param));
    return { kind: 'admin', section: section ?? ADMIN_SECTIONS[0] };
  }
  return { kind: 'home' };
}

export function routeHash(route: WindowRoute): string {
  if (route.kind === 'conversation') return `#/conversation/${encodeURIComponent(route.id)}`;
  if (route.kind === 'supervisor') return `#/supervisor/${route.board}`;
  if (route.kind === 'admin') return `#/admin/${route.section}`;
  if (route.kind === 'setPassword') return '#/cadastrar-senha';
  return '';
}

/** The same app document (same origin, same store) showing `route`. */
export function windowUrl(href: string, route: WindowRoute): string {
  const hashAt = href.indexOf('#');
  return (hashAt === -1 ? href : href.slice(0, hashAt)) + routeHash(route);
}

/** A stable window name per view, so opening it again brings the existing window back. */
export function windowName(route: WindowRoute): string {
  if (route.kind === 'conversation') return `atende-conversation-${route.id.replace(/[^A-Za-z0-9]/g, '-')}`;
  if (route.kind === 'supervisor') return `atende-supervisor-${route.board}`;
  if (route.kind === 'admin') return 'atende-admin';
  return 'atende-home';
}

export const WINDOW_FEATURES: Record<WindowRoute['kind'], string> = {
  home: '',
  conversation: 'popup,width=760,height=780',
  supervisor: 'popup,width=1120,height=760',
  admin: '',
  setPassword: '',
};

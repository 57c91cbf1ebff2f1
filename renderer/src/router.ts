import { createRouter, createWebHashHistory, type RouteLocationNormalized, type RouteRecordRaw } from 'vue-router';
import { canAdminister, sectionsFor } from './components/admin/access';
import { parseRoute, type WindowRoute } from './desktop';
import { useSessionStore } from './stores/session';
import AdminView from './views/AdminView.vue';
import ConversationWindow from './views/ConversationWindow.vue';
import HomeView from './views/HomeView.vue';
import SetPasswordView from './views/SetPasswordView.vue';
import SupervisorWindow from './views/SupervisorWindow.vue';

/**
 * The screens of each window (R-DT-03, R-SV-05): the workstation (`#/`), a popped-out
 * conversation (`#/conversation/<id>`), a supervisor board (`#/supervisor/<board>`) or a screen of
 * the admin area (`#/admin/<section>`, admins only, issue 10 point 6). The
 * desktop shell and the web fallback open windows on these same hashes (desktop/windows.ts);
 * which ids and boards are valid stays that module's one rule (`parseRoute`), so an address
 * it would not accept leads home, and an unknown board to the first one. Views are bundled,
 * not lazy: the offline shell caches only what index.html references (sw.ts).
 */
const windowRoute = (to: RouteLocationNormalized): WindowRoute => parseRoute(`#${to.path}`);

export const SET_PASSWORD_ROUTE = 'set-password';

export const routes: RouteRecordRaw[] = [
  { path: '/', name: 'home', component: HomeView },
  {
    path: '/conversation/:id',
    name: 'conversation',
    component: ConversationWindow,
    props: (to) => {
      const route = windowRoute(to);
      return { conversationId: route.kind === 'conversation' ? route.id : '' };
    },
  },
  {
    path: '/supervisor/:board?',
    name: 'supervisor',
    component: SupervisorWindow,
    props: (to) => {
      const route = windowRoute(to);
      return { board: route.kind === 'supervisor' ? route.board : 'agents' };
    },
  },
  {
    path: '/admin/:section?',
    name: 'admin',
    component: AdminView,
    props: (to) => {
      const route = windowRoute(to);
      return { section: route.kind === 'admin' ? route.section : 'channels' };
    },
  },
  // A password link's page (R-AUTH-02): App.vue shows it whether or not someone is signed in.
  {
    path: '/cadastrar-senha',
    name: SET_PASSWORD_ROUTE,
    component: SetPasswordView,
    props: (to) => ({ token: typeof to.query.token === 'string' ? to.query.token : '' }),
  },
  { path: '/:unknown(.*)*', redirect: { name: 'home' } },
];

export const router = createRouter({ history: createWebHashHistory(), routes });

// Every navigation, the first one and later hash edits alike, lands on an address parseRoute accepts.
router.beforeEach((to) => {
  const route = windowRoute(to);
  if (route.kind === 'home') return to.name === 'home' || { name: 'home', replace: true };
  if (route.kind === 'setPassword') return true;
  if (route.kind === 'supervisor' && to.params.board !== route.board) {
    return { name: 'supervisor', params: { board: route.board }, replace: true };
  }
  // Decided before anything renders, so a non-admin never sees the screen flash (the view checks again live).
  if (route.kind === 'admin') {
    const user = useSessionStore().user;
    if (!canAdminister(user)) return { name: 'home', replace: true };
    // A supervisor asking for an admin-only section lands on their first one.
    const section = sectionsFor(user).includes(route.section) ? route.section : sectionsFor(user)[0];
    if (to.params.section !== section) return { name: 'admin', params: { section }, replace: true };
  }
  return true;
});

import './csp';
import { createPinia } from 'pinia';
import { createApp, watch } from 'vue';
import App from './App.vue';
import { desktop } from './desktop';
import { i18n } from './i18n';
import { router } from './router';
import { usePreferencesStore } from './stores/preferences';
import { useRealtimeStore } from './stores/realtime';
import { useSessionStore } from './stores/session';
import './theme/tokens.css';
import './styles.css';

const app = createApp(App);
app.use(createPinia());
app.use(i18n);
app.use(router);

const preferences = usePreferencesStore();
watch(
  () => preferences.locale,
  (locale) => {
    i18n.global.locale.value = locale;
    document.documentElement.lang = locale;
  },
  { immediate: true },
);

// The web build keeps its shell in a service worker so it can start offline (R-NET-05); the
// desktop shell loads it from disk instead.
if (import.meta.env.PROD && 'serviceWorker' in navigator && window.location.protocol.startsWith('http')) {
  navigator.serviceWorker.register('./sw.js').catch(() => undefined);
}

// Presence is listened to from the first socket frame, whichever view this window shows.
useRealtimeStore();

// The desktop shell says where the server is (R-DT-05); then, R-NET-05: open the stored
// user's replica before anything waits on the network.
void desktop
  .init()
  .then(() => {
    const machine = desktop.config();
    preferences.applyMachineLanguage(machine.language, machine.lockedKeys.includes('language'));
    const session = useSessionStore();
    // R-WS-11: the language on the user's profile applies at sign-in and when they change it on
    // another machine; a pick on this machine alone stands until then.
    watch(() => session.user?.language, (language) => language && preferences.applyUserLanguage(language));
    return session.restore();
  })
  .finally(() => app.mount('#app'));

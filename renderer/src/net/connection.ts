import { readonly, ref } from 'vue';

/**
 * The one connection state every view reads (ARCHITECTURE §7, R-NET-01). `connecting` is only
 * the first attempt after start-up; once a session was online, losing it shows `offline`
 * until the socket is welcomed again, so the banner does not flicker during retries.
 */
export type ConnectionState = 'online' | 'connecting' | 'offline';

const state = ref<ConnectionState>('connecting');

export const connectionState = readonly(state);

export function setConnectionState(next: ConnectionState): void {
  state.value = next;
}

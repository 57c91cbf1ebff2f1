import { ref, type Ref } from 'vue';
import { API, type TelephonySettings } from '@atende/protocol';
import { call } from '../../net/client';

/**
 * The organisation's telephony settings (R-WS-16), asked once per window and shared by every call
 * button. Until they arrive (or when the request failed, e.g. offline) the button reads as the
 * default `tel:` handler, which needs nothing from the server.
 */
const DEFAULT: TelephonySettings = { mode: 'uri', scheme: 'tel', sipDomain: null };
const settings = ref<TelephonySettings>(DEFAULT);
let asked: Promise<void> | undefined;

export function useTelephony(): Readonly<Ref<TelephonySettings>> {
  asked ??= call(API.telephony, {}).then(
    (answer) => {
      settings.value = answer;
    },
    () => {
      // Asked again by the next button that mounts.
      asked = undefined;
    },
  );
  return settings;
}

import { SIP_DOMAIN, type TelephonySettings } from '@atende/protocol';
import { ConfigError, HTTP, str, url, type Env } from './env.js';

/** Click-to-call (R-WS-16); README lists the keys. */
export interface TelephonyConfig extends TelephonySettings {
  /** http mode: the click-to-call service the server POSTs `{extension, number, agentId}` to. */
  url: string | undefined;
  token: string | undefined;
}

/** `ATENDE_TELEPHONY` = tel (default) | sip | http | none. */
export function loadTelephonyConfig(env: Env): TelephonyConfig {
  const kind = str(env, 'ATENDE_TELEPHONY') ?? 'tel';
  const sipDomain = str(env, 'ATENDE_SIP_DOMAIN') ?? null;
  const token = str(env, 'ATENDE_TELEPHONY_TOKEN');
  if (sipDomain !== null && !SIP_DOMAIN.test(sipDomain)) throw new ConfigError(`ATENDE_SIP_DOMAIN "${sipDomain}" is not a host name`);
  switch (kind) {
    case 'tel':
      return { mode: 'uri', scheme: 'tel', sipDomain, url: undefined, token: undefined };
    case 'sip':
      if (!sipDomain) throw new ConfigError('ATENDE_TELEPHONY=sip needs ATENDE_SIP_DOMAIN (the PBX\'s SIP domain)');
      return { mode: 'uri', scheme: 'sip', sipDomain, url: undefined, token: undefined };
    case 'http': {
      // Read only in http mode: another mode ignores a left-over URL, as it always has.
      const service = url(env, 'ATENDE_TELEPHONY_URL', HTTP);
      if (!service) throw new ConfigError('ATENDE_TELEPHONY=http needs ATENDE_TELEPHONY_URL (the click-to-call service)');
      return { mode: 'http', scheme: 'tel', sipDomain, url: service, token };
    }
    case 'none':
      return { mode: 'none', scheme: 'tel', sipDomain, url: undefined, token: undefined };
    default:
      throw new ConfigError(`ATENDE_TELEPHONY must be tel, sip, http or none, got "${kind}"`);
  }
}

import { SIP_DOMAIN, type TelephonySettings } from '@atende/protocol';
import { ConfigError } from '../config/config.js';

/** Click-to-call (R-WS-16); README lists the keys. */
export interface TelephonyConfig extends TelephonySettings {
  /** http mode: the click-to-call service the server POSTs `{extension, number, agentId}` to. */
  url: string | undefined;
  token: string | undefined;
}

type Env = Record<string, string | undefined>;

/** `ATENDE_TELEPHONY` = tel (default) | sip | http | none. */
export function loadTelephonyConfig(env: Env): TelephonyConfig {
  const kind = env.ATENDE_TELEPHONY || 'tel';
  const sipDomain = env.ATENDE_SIP_DOMAIN || null;
  const url = env.ATENDE_TELEPHONY_URL || undefined;
  const token = env.ATENDE_TELEPHONY_TOKEN || undefined;
  if (sipDomain !== null && !SIP_DOMAIN.test(sipDomain)) throw new ConfigError(`ATENDE_SIP_DOMAIN "${sipDomain}" is not a host name`);
  switch (kind) {
    case 'tel':
      return { mode: 'uri', scheme: 'tel', sipDomain, url: undefined, token: undefined };
    case 'sip':
      if (!sipDomain) throw new ConfigError('ATENDE_TELEPHONY=sip needs ATENDE_SIP_DOMAIN (the PBX\'s SIP domain)');
      return { mode: 'uri', scheme: 'sip', sipDomain, url: undefined, token: undefined };
    case 'http': {
      if (!url) throw new ConfigError('ATENDE_TELEPHONY=http needs ATENDE_TELEPHONY_URL (the click-to-call service)');
      let protocol = '';
      try {
        protocol = new URL(url).protocol;
      } catch {
        throw new ConfigError(`ATENDE_TELEPHONY_URL "${url}" is not a URL`);
      }
      if (protocol !== 'http:' && protocol !== 'https:') throw new ConfigError('ATENDE_TELEPHONY_URL must start with http:// or https://');
      return { mode: 'http', scheme: 'tel', sipDomain, url, token };
    }
    case 'none':
      return { mode: 'none', scheme: 'tel', sipDomain, url: undefined, token: undefined };
    default:
      throw new ConfigError(`ATENDE_TELEPHONY must be tel, sip, http or none, got "${kind}"`);
  }
}

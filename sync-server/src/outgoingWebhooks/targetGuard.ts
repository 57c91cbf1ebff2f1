import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { isIP, type LookupFunction } from 'node:net';
import { DomainError } from '@atende/protocol';

/**
 * Whoever administers webhooks chooses where the server POSTs: without a guard the server would
 * become a way into its own network (SSRF). Private, loopback and link-local targets are refused —
 * the address written in the URL when creating, and each address a connection really uses when
 * delivering (so a name that resolves to a private address later gains nothing) — unless
 * `ATENDE_WEBHOOKS_ALLOW_PRIVATE=1` (tests and the demo, whose receivers run on this machine).
 * The address rules are the channels' (channels/safeDownload.ts `isPrivateAddress`), handed in by
 * the composition root since that folder is a higher layer.
 */
export interface TargetGuard {
  /** Throws a 400 for an address the server will not deliver to. */
  assertAllowed(url: string): void;
  /** For http(s).request: undefined lets every address through. */
  lookup: LookupFunction | undefined;
}

export function targetGuard(isPrivateAddress: (address: string) => boolean, allowPrivate: boolean): TargetGuard {
  if (allowPrivate) return { assertAllowed: () => {}, lookup: undefined };
  const lookup: LookupFunction = (hostname, options, callback) => {
    dnsLookup(hostname, { ...options, all: true }, (error, addresses: LookupAddress[]) => {
      if (error) return callback(error, '', 0);
      const first = addresses[0];
      if (!first || addresses.some((a) => isPrivateAddress(a.address))) {
        return callback(Object.assign(new Error('address not allowed (private network)'), { code: 'EADDRNOTALLOWED' }), '', 0);
      }
      if (options.all) return (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, addresses);
      callback(null, first.address, first.family);
    });
  };
  return {
    lookup,
    assertAllowed(url) {
      const host = new URL(url).hostname.replace(/^\[|\]$/g, '').toLowerCase();
      const local = host === 'localhost' || host.endsWith('.localhost') || (isIP(host) !== 0 && isPrivateAddress(host));
      if (local) {
        throw new DomainError('invalid', 'webhook_private_address', 'Endereços de rede interna não são aceitos para webhooks.');
      }
    },
  };
}

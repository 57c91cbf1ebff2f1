import { isIP, type LookupFunction } from 'node:net';
import { DomainError } from '@atende/protocol';
import { isPrivateAddress, publicOnlyLookup } from '../egress/publicAddress.js';

/**
 * Whoever administers webhooks chooses where the server POSTs: without a guard the server would
 * become a way into its own network (SSRF). Private, loopback and link-local targets are refused —
 * the address written in the URL when creating, and each address a connection really uses when
 * delivering (so a name that resolves to a private address later gains nothing) — unless
 * `ATENDE_WEBHOOKS_ALLOW_PRIVATE=1` (tests and the demo, whose receivers run on this machine).
 * The address rules are the channels' downloads' too (egress/publicAddress.ts).
 */
export interface TargetGuard {
  /** Throws a 400 for an address the server will not deliver to. */
  assertAllowed(url: string): void;
  /** For http(s).request: undefined lets every address through. */
  lookup: LookupFunction | undefined;
}

export function targetGuard(allowPrivate: boolean): TargetGuard {
  if (allowPrivate) return { assertAllowed: () => {}, lookup: undefined };
  return {
    lookup: publicOnlyLookup,
    assertAllowed(url) {
      const host = new URL(url).hostname.replace(/^\[|\]$/g, '').toLowerCase();
      const local = host === 'localhost' || host.endsWith('.localhost') || (isIP(host) !== 0 && isPrivateAddress(host));
      if (local) {
        throw new DomainError('invalid', 'webhook_private_address', 'Endereços de rede interna não são aceitos para webhooks.');
      }
    },
  };
}

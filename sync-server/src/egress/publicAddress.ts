import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { BlockList, isIP, type LookupFunction } from 'node:net';

/**
 * Where the server itself connects to an address someone else chose (an upstream's file link, an
 * admin's webhook target): it must not become a way into its own network (SSRF). One rule for
 * every such connection, so the channels' downloads and the outgoing webhooks cannot drift apart.
 */

/** Addresses no outside party lives at: this machine, private and link-local networks, multicast, reserved. */
const PRIVATE = new BlockList();
for (const [net, prefix] of [
  ['0.0.0.0', 8], ['10.0.0.0', 8], ['100.64.0.0', 10], ['127.0.0.0', 8], ['169.254.0.0', 16], ['172.16.0.0', 12],
  ['192.0.0.0', 24], ['192.0.2.0', 24], ['192.168.0.0', 16], ['198.18.0.0', 15], ['198.51.100.0', 24], ['203.0.113.0', 24],
  ['224.0.0.0', 4], ['240.0.0.0', 4],
] as const) PRIVATE.addSubnet(net, prefix, 'ipv4');
// IPv6: unspecified/loopback/IPv4-compatible (::/96), unique-local, link-local, site-local, multicast, documentation.
// IPv4-mapped addresses (::ffff:a.b.c.d) are judged by the IPv4 rules above (BlockList does so).
for (const [net, prefix] of [['::', 96], ['fc00::', 7], ['fe80::', 10], ['fec0::', 10], ['ff00::', 8], ['2001:db8::', 32]] as const) {
  PRIVATE.addSubnet(net, prefix, 'ipv6');
}

/** True when an IP address (v4 or v6, mapped included) is not a public Internet address; a non-address counts as private. */
export function isPrivateAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 0) return true;
  return PRIVATE.check(address, family === 4 ? 'ipv4' : 'ipv6');
}

/** The error code a refused connection fails with: callers tell it from a network failure. */
export const ADDRESS_NOT_ALLOWED = 'EADDRNOTALLOWED';

/**
 * A lookup for http(s).request that fails the connection before it opens when any address the
 * name resolves to is private — checked on the addresses the connection really uses, so a name
 * that resolves differently the second time gains nothing.
 */
export const publicOnlyLookup: LookupFunction = (hostname, options, callback) => {
  dnsLookup(hostname, { ...options, all: true }, (error, addresses: LookupAddress[]) => {
    if (error) return callback(error, '', 0);
    const first = addresses[0];
    if (!first || addresses.some((a) => isPrivateAddress(a.address))) {
      return callback(Object.assign(new Error('address not allowed (private network)'), { code: ADDRESS_NOT_ALLOWED }), '', 0);
    }
    if (options.all) return callback(null, addresses);
    callback(null, first.address, first.family);
  });
};

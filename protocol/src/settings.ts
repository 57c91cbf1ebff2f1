/** The organisation's settings: for now the sign-in network allow-list (R-AUTH-03). */
import { z } from 'zod';
import { endpoint } from './endpoint.js';

/** At most this many networks: the list is checked at every sign-in. */
export const LOGIN_NETWORKS_MAX = 200;

/** Codes of the sign-in refusals the sign-in screen explains (R-AUTH-01, R-AUTH-03), beside the wrong password and the lockout. */
export const USER_DISABLED = 'user_disabled';
export const NETWORK_NOT_ALLOWED = 'network_not_allowed';

/** An IPv4 or IPv6 address, alone or with a `/prefix` (CIDR). */
const Network = z.union([z.ipv4(), z.ipv6(), z.cidrv4(), z.cidrv6()]);

/**
 * Whether `entry` is a network the allow-list accepts: an IPv4 or IPv6 address, alone or with a
 * `/prefix` (CIDR). The same rule for the admin screen's messages and the server's 400.
 */
export function isNetwork(entry: string): boolean {
  return Network.safeParse(entry.trim()).success;
}

export const OrganisationSettings = z.object({
  /** Empty: sign-in from anywhere. Otherwise only from these networks (R-AUTH-03). */
  loginNetworks: z.array(z.string()),
});
export type OrganisationSettings = z.infer<typeof OrganisationSettings>;

export const UpdateSettingsBody = z.strictObject({
  loginNetworks: z.array(z.string().trim().max(64)).max(LOGIN_NETWORKS_MAX),
});
export type UpdateSettingsBody = z.infer<typeof UpdateSettingsBody>;

export const SETTINGS_API = {
  adminGetSettings: endpoint({ method: 'GET', path: '/api/admin/settings', auth: 'user', response: OrganisationSettings }),
  adminUpdateSettings: endpoint({
    method: 'PATCH', path: '/api/admin/settings', auth: 'user', body: UpdateSettingsBody, response: OrganisationSettings,
  }),
} as const;

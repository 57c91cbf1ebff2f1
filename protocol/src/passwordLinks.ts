/** Password links ("Cadastrar senha", R-AUTH-02), "Esqueceu a senha?" and the login network allow-list (R-AUTH-03). */
import { z } from 'zod';
import { endpoint } from './endpoint.js';
import { PASSWORD_MAX } from './profile.js';

/** Where the SPA shows a link's page: `<server>/#/cadastrar-senha?token=<token>`. */
export const SET_PASSWORD_PATH = '/cadastrar-senha';

export const PASSWORD_LINK_STATUSES = ['valid', 'expired', 'used', 'unknown'] as const;
export type PasswordLinkStatus = (typeof PASSWORD_LINK_STATUSES)[number];

/** Lenient on purpose: a mangled token is reported as an unknown link, not a 400 the page cannot explain. */
const LinkToken = z.string().min(1).max(200);

export const ForgotPasswordBody = z.strictObject({ email: z.email().max(254) });
export type ForgotPasswordBody = z.infer<typeof ForgotPasswordBody>;

export const PasswordLinkQuery = z.object({ token: LinkToken });
export const PasswordLinkStatusResponse = z.object({
  status: z.enum(PASSWORD_LINK_STATUSES),
  /** Only for a valid link: whose password it sets. */
  email: z.string().optional(),
});
export type PasswordLinkStatusResponse = z.infer<typeof PasswordLinkStatusResponse>;

/** The password rule (profile.ts passwordProblem) and the confirmation are checked by the service, with clear messages. */
export const SetPasswordBody = z.strictObject({
  token: LinkToken,
  password: z.string().max(PASSWORD_MAX),
  confirmation: z.string().max(PASSWORD_MAX),
});
export type SetPasswordBody = z.infer<typeof SetPasswordBody>;

/** At most this many networks: the list is checked at every sign-in. */
export const LOGIN_NETWORKS_MAX = 200;

/** `a.b.c.d` or `a.b.c.d/n` (n 0–32). */
function ipv4Problem(address: string, prefix: number | undefined): boolean {
  const parts = address.split('.');
  const ok = parts.length === 4 && parts.every((p) => /^\d{1,3}$/.test(p) && Number(p) <= 255);
  return !ok || (prefix !== undefined && prefix > 32);
}

/** IPv6 is left to the URL parser (browser and Node alike) rather than a regex of our own. */
function ipv6Problem(address: string, prefix: number | undefined): boolean {
  if (!/^[0-9a-fA-F:.]+$/.test(address)) return true;
  try {
    new URL(`http://[${address}]/`);
  } catch {
    return true;
  }
  return prefix !== undefined && prefix > 128;
}

/**
 * Whether `entry` is a network the allow-list accepts: an IPv4 or IPv6 address, alone or with a
 * `/prefix` (CIDR). The same rule for the admin screen's messages and the server's 400.
 */
export function isNetwork(entry: string): boolean {
  const match = /^([^/]+)(?:\/(\d{1,3}))?$/.exec(entry.trim());
  if (!match) return false;
  const [, address = '', bits] = match;
  const prefix = bits === undefined ? undefined : Number(bits);
  return address.includes(':') ? !ipv6Problem(address, prefix) : !ipv4Problem(address, prefix);
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

export const PASSWORD_API = {
  /** Always 202: the answer never tells whether the e-mail is registered. */
  forgotPassword: endpoint({ method: 'POST', path: '/api/auth/forgot', auth: 'none', body: ForgotPasswordBody, response: null }),
  passwordLinkStatus: endpoint({
    method: 'GET', path: '/api/auth/password-link', auth: 'none', query: PasswordLinkQuery, response: PasswordLinkStatusResponse,
  }),
  setPasswordWithLink: endpoint({ method: 'POST', path: '/api/auth/password-link', auth: 'none', body: SetPasswordBody, response: null }),
  adminGetSettings: endpoint({ method: 'GET', path: '/api/admin/settings', auth: 'user', response: OrganisationSettings }),
  adminUpdateSettings: endpoint({
    method: 'PATCH', path: '/api/admin/settings', auth: 'user', body: UpdateSettingsBody, response: OrganisationSettings,
  }),
} as const;

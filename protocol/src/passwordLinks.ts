/** Password links ("Cadastrar senha", R-AUTH-02) and "Esqueceu a senha?"; the sign-in network allow-list is in settings.ts. */
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

export const PASSWORD_API = {
  /** Always 202: the answer never tells whether the e-mail is registered. */
  forgotPassword: endpoint({ method: 'POST', path: '/api/auth/forgot', auth: 'none', body: ForgotPasswordBody, response: null }),
  passwordLinkStatus: endpoint({
    method: 'GET', path: '/api/auth/password-link', auth: 'none', query: PasswordLinkQuery, response: PasswordLinkStatusResponse,
  }),
  setPasswordWithLink: endpoint({ method: 'POST', path: '/api/auth/password-link', auth: 'none', body: SetPasswordBody, response: null }),
} as const;

import { API, type PasswordLinkStatusResponse, type SetPasswordBody } from '@atende/protocol';
import { publicCall } from '../../net/client';

/**
 * The public password-link calls (R-AUTH-02): made before anyone is signed in, so without a
 * token; a refusal comes back as an ApiError like every other call's.
 */

/** "Esqueceu a senha?": the server answers alike whether or not the address is registered. */
export function forgotPassword(email: string): Promise<void> {
  return publicCall(API.forgotPassword, { body: { email } });
}

export function passwordLinkStatus(token: string): Promise<PasswordLinkStatusResponse> {
  return publicCall(API.passwordLinkStatus, { query: { token } });
}

export function setPasswordWithLink(body: SetPasswordBody): Promise<void> {
  return publicCall(API.setPasswordWithLink, { body });
}

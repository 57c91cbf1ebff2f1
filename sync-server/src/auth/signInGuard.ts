import { DomainError, USER_DISABLED, type UserDoc } from '@atende/protocol';

export const DISABLED_MESSAGE = 'Este usuário está desativado. Fale com um administrador.';

/**
 * Who may sign in or refresh beyond holding the right password or token: the organisation's
 * checks of the caller's address (the login network allow-list, R-AUTH-03, set by settings/) and
 * the user's own state (disabled by an administrator, R-AUTH-01).
 */
export class SignInGuard {
  private readonly addressChecks: Array<(address: string) => Promise<void>> = [];

  /** A check that may refuse a sign-in or refresh by the caller's address (it throws a DomainError). */
  add(check: (address: string) => Promise<void>): void {
    this.addressChecks.push(check);
  }

  async checkAddress(address: string): Promise<void> {
    for (const check of this.addressChecks) await check(address);
  }

  /** Told only to whoever proved the password or holds the session: a wrong password reads the same for a disabled account. */
  assertEnabled(user: UserDoc): void {
    if (user.disabled) throw new DomainError('forbidden', USER_DISABLED, DISABLED_MESSAGE);
  }
}

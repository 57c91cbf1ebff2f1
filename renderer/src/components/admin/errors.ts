import { ApiError } from '../../net/api';

/**
 * What an admin reads when a call fails: the server's own sentence for a refusal (4xx, e.g.
 * "Invalid whatsapp configuration: config.phoneNumberId: digits only"), otherwise why it could not be done.
 */
export function adminErrorMessage(t: (key: string) => string, error: unknown): string {
  if (error instanceof ApiError) {
    if (error.isNetwork) return t('admin.offline');
    if (error.status >= 400 && error.status < 500) return error.message;
  }
  return t('admin.failed');
}

import { failedCall } from '../../net/failedCall';

/**
 * What an admin reads when a call fails: the server's own sentence for a refusal (4xx, e.g.
 * "Informe o WhatsApp Business Account ID (WABA)…"), otherwise why it could not be done.
 */
export function adminErrorMessage(t: (key: string) => string, error: unknown): string {
  const failure = failedCall(error);
  if (failure.kind === 'refused') return failure.message;
  return failure.kind === 'unreachable' ? t('admin.offline') : t('admin.failed');
}

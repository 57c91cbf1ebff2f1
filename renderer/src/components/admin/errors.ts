/**
 * What an admin reads when a call fails: the server's own sentence for a refusal (4xx, e.g.
 * "Informe o WhatsApp Business Account ID (WABA)…"), otherwise why it could not be done. Read
 * from the shape of net/api's ApiError (status 0: the request never reached the server), so
 * this rule needs no browser to be tested.
 */
interface FailedCall {
  status: number;
  message: string;
}

const isFailedCall = (error: unknown): error is FailedCall =>
  error instanceof Error && typeof (error as Partial<FailedCall>).status === 'number';

export function adminErrorMessage(t: (key: string) => string, error: unknown): string {
  if (isFailedCall(error)) {
    if (error.status === 0) return t('admin.offline');
    if (error.status >= 400 && error.status < 500) return error.message;
  }
  return t('admin.failed');
}

/**
 * Meta's template statuses (R-WA-08) as the admin reads them: known ones in words with a tone,
 * any other (Meta adds some: IN_APPEAL, PENDING_DELETION…) shown as Meta wrote it.
 */
export const TEMPLATE_STATUSES = ['APPROVED', 'PENDING', 'REJECTED', 'PAUSED', 'DISABLED'] as const;
export type KnownTemplateStatus = (typeof TEMPLATE_STATUSES)[number];
export type StatusTone = 'success' | 'warning' | 'danger' | 'muted';

const TONES: Record<KnownTemplateStatus, StatusTone> = {
  APPROVED: 'success',
  PENDING: 'warning',
  REJECTED: 'danger',
  PAUSED: 'warning',
  DISABLED: 'muted',
};

const known = (status: string): status is KnownTemplateStatus => (TEMPLATE_STATUSES as readonly string[]).includes(status);

export function templateStatusTone(status: string): StatusTone {
  return known(status) ? TONES[status] : 'muted';
}

/** The status in the admin's language (`t` from vue-i18n), or Meta's word when it is a new one. */
export function templateStatusLabel(t: (key: string) => string, status: string): string {
  return known(status) ? t(`admin.templateStatus.${status}`) : status;
}

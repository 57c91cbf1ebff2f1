import { CreatePauseTypeBody, type PauseType } from '@atende/protocol';

/**
 * The admin's pause type form (R-WS-09) as typed, and the body the server accepts, checked with
 * the protocol's own schema so the screen refuses what the server would (and says where).
 */
export interface PauseTypeForm {
  name: string;
  /** Minutes as typed; empty: no maximum. */
  maxMinutes: string;
  /** `HH:MM` as typed; both empty: any time of day. */
  from: string;
  to: string;
  active: boolean;
}

export type PauseTypeProblem = 'name' | 'max' | 'window';

export const emptyPauseTypeForm = (): PauseTypeForm => ({ name: '', maxMinutes: '', from: '', to: '', active: true });

export function pauseTypeFormOf(type: PauseType): PauseTypeForm {
  return {
    name: type.name, maxMinutes: type.maxMinutes === null ? '' : String(type.maxMinutes),
    from: type.window?.from ?? '', to: type.window?.to ?? '', active: type.active,
  };
}

/** The body to send, or the fields to fix. */
export function pauseTypeBodyOf(form: PauseTypeForm): { body: CreatePauseTypeBody } | { problems: PauseTypeProblem[] } {
  const problems: PauseTypeProblem[] = [];
  const max = form.maxMinutes.trim();
  if (max !== '' && !/^\d+$/.test(max)) problems.push('max');
  const from = form.from.trim();
  const to = form.to.trim();
  if ((from === '') !== (to === '')) problems.push('window');
  const parsed = CreatePauseTypeBody.safeParse({
    name: form.name,
    maxMinutes: max === '' ? null : Number(max),
    window: from === '' && to === '' ? null : { from, to },
    active: form.active,
  });
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const field = issue.path[0];
      const problem: PauseTypeProblem = field === 'name' ? 'name' : field === 'maxMinutes' ? 'max' : 'window';
      if (!problems.includes(problem)) problems.push(problem);
    }
  }
  return problems.length > 0 || !parsed.success ? { problems } : { body: parsed.data };
}

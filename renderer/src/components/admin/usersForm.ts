import { CreateUserBody, UpdateUserBody, type AdminUser, type CreateUser, type Role, type UpdateUserBody as UpdateBody } from '@atende/protocol';

/**
 * The admin's user form (R-AUTH-01) as typed, and the body the server accepts, checked with the
 * protocol's own schemas so the screen refuses what the server would (and says next to which field).
 */
export const WEEKDAYS = [0, 1, 2, 3, 4, 5, 6] as const;
export const PERMISSIONS = ['historyOtherTeams', 'internalChat', 'startConversations', 'tags'] as const;
export type PermissionName = (typeof PERMISSIONS)[number];

export interface UserForm {
  name: string;
  email: string;
  role: Role;
  teamIds: string[];
  /** As typed. */
  maxConcurrent: string;
  permissions: Record<PermissionName, boolean>;
  /**
   * "Ver dados pessoais" (issue 19, R-PRIV-04): off by default, so an agent reads CPF, card
   * numbers, e-mails and phones in messages masked; supervisors and admins read them regardless.
   */
  personalData: boolean;
  /** Off: any time (no working hours). */
  hoursOn: boolean;
  timeZone: string;
  /** One interval per weekday, Sunday first; both empty: not working that day. */
  days: Array<{ from: string; to: string }>;
}

export type UserProblem = 'name' | 'email' | 'role' | 'teams' | 'maxConcurrent' | 'timeZone' | `day${number}`;

const localTimeZone = () => Intl.DateTimeFormat().resolvedOptions().timeZone || 'America/Sao_Paulo';
const allowedByDefault = (): Record<PermissionName, boolean> => ({ historyOtherTeams: false, internalChat: true, startConversations: true, tags: true });
const closedWeek = () => WEEKDAYS.map(() => ({ from: '', to: '' }));

export const emptyUserForm = (): UserForm => ({
  name: '', email: '', role: 'agent', teamIds: [], maxConcurrent: '5', permissions: allowedByDefault(), personalData: false,
  hoursOn: false, timeZone: localTimeZone(), days: closedWeek(),
});

export function userFormOf(user: AdminUser): UserForm {
  const granted = user.permissions ?? {};
  const defaults = allowedByDefault();
  const hours = user.workingHours ?? null;
  return {
    name: user.name, email: user.email, role: user.role, teamIds: [...user.teamIds], maxConcurrent: String(user.maxConcurrent),
    // Absent means the default: history of other teams withheld, the rest allowed.
    permissions: Object.fromEntries(PERMISSIONS.map((p) => [p, granted[p] ?? defaults[p]])) as Record<PermissionName, boolean>,
    // Absent means withheld: masking is on by default for agents.
    personalData: granted.personalData === true,
    hoursOn: hours !== null,
    timeZone: hours?.timeZone ?? localTimeZone(),
    days: WEEKDAYS.map((d) => ({ from: hours?.days[d]?.[0]?.from ?? '', to: hours?.days[d]?.[0]?.to ?? '' })),
  };
}

function fieldsOf(form: UserForm) {
  const max = form.maxConcurrent.trim();
  return {
    name: form.name,
    email: form.email,
    role: form.role,
    teamIds: form.teamIds,
    maxConcurrent: /^\d+$/.test(max) ? Number(max) : Number.NaN,
    permissions: { ...form.permissions, personalData: form.personalData },
    workingHours: form.hoursOn
      ? { timeZone: form.timeZone.trim(), days: form.days.map((d) => (d.from === '' && d.to === '' ? [] : [{ from: d.from, to: d.to }])) }
      : null,
  };
}

function problemOf(path: ReadonlyArray<PropertyKey>): UserProblem {
  const [field, second, day] = path;
  if (field === 'teamIds') return 'teams';
  if (field === 'workingHours') return second === 'days' && typeof day === 'number' ? `day${day}` : 'timeZone';
  return field === 'name' || field === 'email' || field === 'role' || field === 'maxConcurrent' ? field : 'name';
}

type Checked<B> = { body: B } | { problems: UserProblem[] };

function check<B>(schema: { safeParse(v: unknown): { success: true; data: B } | { success: false; error: { issues: Array<{ path: PropertyKey[] }> } } }, value: unknown): Checked<B> {
  const parsed = schema.safeParse(value);
  if (parsed.success) return { body: parsed.data };
  return { problems: [...new Set(parsed.error.issues.map((i) => problemOf(i.path)))] };
}

/** A new user's body, or the fields to fix. */
export const createBodyOf = (form: UserForm): Checked<CreateUser> => check(CreateUserBody, fieldsOf(form));

/** An edit's body (the e-mail is not changed here), or the fields to fix. */
export function updateBodyOf(form: UserForm): Checked<UpdateBody> {
  const { email: _email, ...fields } = fieldsOf(form);
  return check(UpdateUserBody, fields);
}

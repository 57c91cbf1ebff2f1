/** Users administered by admins (R-AUTH-01): create with an invitation, edit, disable, unlock, reset password. */
import { z } from 'zod';
import { Id, Role, UserDoc } from './documents.js';
import { endpoint } from './endpoint.js';
import { DomainError } from './errors.js';
import { isValidTimeZone, WeeklyHours } from './hours.js';

export const USER_NAME_MAX = 200;
export const MAX_CONCURRENT_LIMIT = 100;

/** The rights an admin grants or withholds per agent (supervisors and admins hold them all). */
export const UserPermissions = z.strictObject({
  historyOtherTeams: z.boolean(),
  internalChat: z.boolean(),
  startConversations: z.boolean(),
  tags: z.boolean(),
  /** "Ver dados pessoais" (issue 19): absent or false, an agent reads personal data in messages masked. */
  personalData: z.boolean(),
}).partial();
export type UserPermissions = z.infer<typeof UserPermissions>;

const WorkingHours = WeeklyHours.refine((h) => isValidTimeZone(h.timeZone), { message: 'unknown time zone', path: ['timeZone'] });

/** One e-mail is one person: compared in lower case, stored in lower case (login lowercases too). */
const UserEmail = z.string().trim().toLowerCase().pipe(z.email('enter a valid e-mail address').max(254));
const UserName = z.string().trim().min(1, 'give the user a name').max(USER_NAME_MAX);
const MaxConcurrent = z.number().int().min(1).max(MAX_CONCURRENT_LIMIT);
const TeamIds = z.array(Id).max(100).refine((ids) => new Set(ids).size === ids.length, 'a team is listed twice');

export const CreateUserBody = z.strictObject({
  name: UserName,
  email: UserEmail,
  role: Role,
  teamIds: TeamIds,
  maxConcurrent: MaxConcurrent.default(5),
  permissions: UserPermissions.default({}),
  workingHours: WorkingHours.nullable().default(null),
});
export type CreateUserBody = z.input<typeof CreateUserBody>;
export type CreateUser = z.infer<typeof CreateUserBody>;

/** A PATCH: the fields given replace the stored ones (`permissions` as a whole); the e-mail is fixed once created. */
export const UpdateUserBody = z
  .strictObject({
    name: UserName,
    role: Role,
    teamIds: TeamIds,
    maxConcurrent: MaxConcurrent,
    permissions: UserPermissions,
    workingHours: WorkingHours.nullable(),
    disabled: z.boolean(),
  })
  .partial()
  .refine((b) => Object.keys(b).length > 0, { message: 'nothing to change' });
export type UpdateUserBody = z.infer<typeof UpdateUserBody>;

/** A user as the admin's list shows it: the public profile and the state of their sign-in. */
export const AdminUser = UserDoc.pick({
  id: true, name: true, email: true, role: true, teamIds: true, maxConcurrent: true, permissions: true, workingHours: true, createdAt: true, updatedAt: true,
}).extend({
  disabled: z.boolean(),
  /** No password set yet: the invitation has not been used. */
  invitationPending: z.boolean(),
  /** A lockout holds the login now, at some place or everywhere (R-AUTH-03). */
  locked: z.boolean(),
});
export type AdminUser = z.infer<typeof AdminUser>;

export type UserStatus = 'active' | 'invitationPending' | 'locked' | 'disabled';
/** The one status the list shows, the strongest first. */
export const userStatusOf = (u: Pick<AdminUser, 'disabled' | 'locked' | 'invitationPending'>): UserStatus =>
  u.disabled ? 'disabled' : u.locked ? 'locked' : u.invitationPending ? 'invitationPending' : 'active';

export const AdminUsersResponse = z.object({ users: z.array(AdminUser) });
export const CreatedUserResponse = AdminUser.extend({
  /** Whether the invitation went out; when not, "Redefinir senha" sends another link. */
  invitationSent: z.boolean(),
});

const MOUNT = '/api/admin/users';
export const USERS_API = {
  adminListUsers: endpoint({ method: 'GET', path: MOUNT, auth: 'user', response: AdminUsersResponse }),
  adminCreateUser: endpoint({ method: 'POST', path: MOUNT, auth: 'user', body: CreateUserBody, response: CreatedUserResponse }),
  adminUpdateUser: endpoint({ method: 'PATCH', path: `${MOUNT}/:id`, auth: 'user', body: UpdateUserBody, response: AdminUser }),
  adminUnlockUser: endpoint({ method: 'POST', path: `${MOUNT}/:id/unlock`, auth: 'user', response: null }),
  adminResetUserPassword: endpoint({ method: 'POST', path: `${MOUNT}/:id/password-reset`, auth: 'user', response: null }),
} as const;

export const userAdminErrors = {
  duplicateEmail: (email: string) => new DomainError('conflict', 'duplicate_email', `Já existe um usuário com o e-mail ${email}.`),
  lastAdmin: () =>
    new DomainError('conflict', 'last_admin', 'Este é o último administrador ativo: promova outro usuário a administrador antes de desativá-lo ou mudar o seu perfil.'),
  disabled: () => new DomainError('conflict', 'user_disabled', 'Este usuário está desativado. Reative-o antes de enviar um link de senha.'),
} as const;

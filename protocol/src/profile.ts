import { z } from 'zod';
import { UserDoc } from './documents.js';

/**
 * "Editar perfil" (R-WS-11): what an agent changes about themselves — the extension calls are
 * placed from, the interface language (kept on the user so it follows them to other machines), a
 * photo colleagues see (never customers), and their password. The rules live here once: the
 * server enforces them, the dialog checks them before sending.
 */

export const PROFILE_LANGUAGES = ['pt-BR', 'en', 'es'] as const;
export type ProfileLanguage = (typeof PROFILE_LANGUAGES)[number];

/** The same rule as `UserDoc.extension`: 1 to 15 of the keys a phone dials. */
export const EXTENSION_PATTERN = /^[0-9*#]{1,15}$/;

/** The extension as typed (spaces around it dropped); '' or null clears it. */
export function normalizeExtension(value: string | null): string | null {
  const trimmed = value?.trim() ?? '';
  return trimmed === '' ? null : trimmed;
}

export function isValidExtension(value: string | null): boolean {
  const normalized = normalizeExtension(value);
  return normalized === null || EXTENSION_PATTERN.test(normalized);
}

/**
 * An extension belongs to one agent (calls ring it, R-WS-16): taking a colleague's is refused with
 * 409 and this code; the refusal's `extension` names it, for the dialog's translated message.
 */
export const EXTENSION_TAKEN = 'extension_taken';
export const extensionTakenMessage = (extension: string): string => `O ramal ${extension} já é de outro agente.`;

/** The alias's length (`UserDoc.alias`). */
export const ALIAS_MAX = 60;

/** The name customers see (R-WS-11, issue 18): the alias when the agent chose one, else the name. */
export function customerFacingName(user: { name: string; alias?: string | null | undefined }): string {
  return user.alias?.trim() || user.name;
}

/**
 * `PATCH /api/me`: only the fields sent change. The extension's shape is loose here so that a
 * wrong one answers 422 with a message the agent can act on (the service checks
 * `isValidExtension`), while an unknown field or a wrong type is a 400 like every command.
 */
export const UpdateProfileBody = z
  .strictObject({
    extension: z.string().max(64).nullable().optional(),
    language: z.enum(PROFILE_LANGUAGES).optional(),
    /** "Codinome" (issue 18): '' or null clears it; spaces around it dropped. */
    alias: z.string().trim().max(ALIAS_MAX, `an alias has at most ${ALIAS_MAX} characters`).nullable().optional(),
  })
  .refine((b) => b.extension !== undefined || b.language !== undefined || b.alias !== undefined, 'send an extension, a language or an alias');
export type UpdateProfileBody = z.infer<typeof UpdateProfileBody>;

export const ProfileResponse = z.object({ user: UserDoc });
export type ProfileResponse = z.infer<typeof ProfileResponse>;

/** A photo is a picture the size of a phone camera's, never more: it is fetched by every colleague. */
export const PHOTO_MAX_BYTES = 2 * 1024 * 1024;
export const PHOTO_TYPES = ['image/jpeg', 'image/png', 'image/webp'] as const;
/** For the file picker's `accept`; the server sniffs the bytes whatever the picker said. */
export const PHOTO_ACCEPT = PHOTO_TYPES.join(',');

export function isPhotoType(mimeType: string): boolean {
  return (PHOTO_TYPES as readonly string[]).includes(mimeType);
}

/**
 * The password policy. Login accepts any stored password (up to 1024 characters, as `LoginBody`);
 * a new one must have at least 8 characters, not only spaces, and differ from the current one.
 */
export const PASSWORD_MIN = 8;
export const PASSWORD_MAX = 1024;

export type PasswordProblem = 'too_short' | 'too_long' | 'blank' | 'same_as_current';

export function passwordProblem(newPassword: string, currentPassword: string): PasswordProblem | undefined {
  if (newPassword.length > PASSWORD_MAX) return 'too_long';
  if (newPassword.trim() === '') return 'blank';
  if ([...newPassword].length < PASSWORD_MIN) return 'too_short';
  if (newPassword === currentPassword) return 'same_as_current';
  return undefined;
}

/** `POST /api/me/password` → 204. The policy is checked by the service (422 with the problem). */
export const ChangePasswordBody = z.strictObject({
  currentPassword: z.string().min(1).max(PASSWORD_MAX),
  newPassword: z.string().max(PASSWORD_MAX),
});
export type ChangePasswordBody = z.infer<typeof ChangePasswordBody>;

import { ref } from 'vue';
import {
  ALIAS_MAX, API, isPhotoType, PHOTO_MAX_BYTES, ProfileResponse, type ErrorBody, type ProfileLanguage, type UserDoc,
} from '@atende/protocol';
import { accessToken, ApiError, serverUrl } from '../../net/api';
import { call } from '../../net/client';

/**
 * "Editar perfil" (R-WS-11): whether the dialog is open — one for the window, opened from the
 * user menu, which closes (and unmounts its items) as the dialog opens — and the calls it makes.
 */
export const profileDialogOpen = ref(false);

/** The key under `profile.errors` that says what went wrong, from a refusal or a failed call. */
export function problemOf(error: unknown): string {
  if (!(error instanceof ApiError)) return 'failed';
  if (error.isNetwork) return 'network';
  const known: Record<string, string> = {
    wrong_password: 'wrong_password', locked: 'locked', invalid_extension: 'invalid_extension', extension_taken: 'extension_taken',
    too_short: 'too_short', too_long: 'too_long', blank: 'blank', same_as_current: 'same_as_current',
    unsupported_type: 'photo_type', too_large: 'photo_size', empty_file: 'photo_type', unreadable_image: 'photo_unreadable',
  };
  return known[error.code] ?? 'failed';
}

/** A picture the server would refuse, told before sending it (the server sniffs the bytes anyway). */
export function photoProblem(file: { type: string; size: number }): 'photo_type' | 'photo_size' | undefined {
  if (!isPhotoType(file.type)) return 'photo_type';
  if (file.size > PHOTO_MAX_BYTES) return 'photo_size';
  return undefined;
}

/**
 * The alias ("Codinome", issue 18) as the server keeps it: spaces around it dropped, and nothing
 * left clears it (null), so customers see the name again.
 */
export function normalizeAlias(value: string): string | null {
  const trimmed = value.trim();
  return trimmed === '' ? null : trimmed;
}

/** An alias the server would refuse, told before it is sent (counted as the server's schema counts it). */
export function aliasProblem(value: string): 'tooLong' | undefined {
  return value.trim().length > ALIAS_MAX ? 'tooLong' : undefined;
}

export async function saveProfile(body: { extension?: string | null; language?: ProfileLanguage; alias?: string | null }): Promise<UserDoc> {
  return (await call(API.updateProfile, { body })).user;
}

/** `PUT /api/me/photo` with the picture's bytes as the body (JSON cannot carry them). */
export async function uploadPhoto(file: Blob): Promise<UserDoc> {
  const token = await accessToken();
  if (!token) throw new ApiError(401, 'unauthenticated', 'Sessão encerrada');
  let response: Response;
  try {
    response = await fetch(`${serverUrl()}${API.setProfilePhoto.path}`, {
      method: API.setProfilePhoto.method,
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': file.type || 'application/octet-stream' },
      body: file,
    });
  } catch {
    throw new ApiError(0, 'network', 'Sem conexão com o servidor');
  }
  const body: unknown = await response.json().catch(() => undefined);
  if (!response.ok) {
    const error = (body ?? {}) as Partial<ErrorBody>;
    throw new ApiError(response.status, error.error ?? 'http_error', error.message ?? `HTTP ${response.status}`);
  }
  const parsed = ProfileResponse.safeParse(body);
  if (!parsed.success) throw new ApiError(response.status, 'bad_response', 'Resposta inesperada do servidor');
  return parsed.data.user;
}

export async function removePhoto(): Promise<UserDoc> {
  return (await call(API.removeProfilePhoto, {})).user;
}

export async function changePassword(currentPassword: string, newPassword: string): Promise<void> {
  await call(API.changePassword, { body: { currentPassword, newPassword } });
}

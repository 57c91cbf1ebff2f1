import {
  DomainError, isPhotoType, isValidExtension, normalizeExtension, passwordProblem, PHOTO_MAX_BYTES,
  type ChangePasswordBody, type PasswordProblem, type UpdateProfileBody, type UserDoc,
} from '@atende/protocol';
import type { AuthService, Principal } from '../auth/service.js';
import type { MediaService } from '../media/service.js';
import { sniffMediaType } from '../media/sniff.js';
import type { DocStore } from '../store/index.js';
import { getWire, updateWire } from '../store/wire.js';
import { ExtensionClaims } from './extensions.js';

const PASSWORD_MESSAGES: Record<PasswordProblem, string> = {
  too_short: 'A nova senha precisa ter pelo menos 8 caracteres.',
  too_long: 'A nova senha é longa demais.',
  blank: 'A nova senha não pode ser só espaços.',
  same_as_current: 'A nova senha precisa ser diferente da atual.',
};

const gone = () => new DomainError('unauthenticated', 'unauthenticated', 'Sign in first');

/**
 * "Editar perfil" (R-WS-11): an agent changes their own extension, language, alias (the name
 * customers see, issue 18), photo and password.
 * The user document is replicated to every colleague, so each change is a revision-checked write
 * (`updateWire`) that keeps what others wrote meanwhile (a pause, a team change by an admin).
 */
export class ProfileService {
  constructor(
    private readonly store: DocStore,
    private readonly auth: AuthService,
    private readonly media: MediaService,
    private readonly extensions: ExtensionClaims = new ExtensionClaims(store),
  ) {}

  async update(user: UserDoc, body: UpdateProfileBody): Promise<UserDoc> {
    if (body.extension !== undefined && !isValidExtension(body.extension)) {
      throw new DomainError('unprocessable', 'invalid_extension', 'O ramal deve ter de 1 a 15 dígitos (0–9, * ou #).');
    }
    const extension = body.extension === undefined ? undefined : normalizeExtension(body.extension);
    const language = body.language ? { language: body.language } : {};
    // "Codinome" (issue 18): trimmed by the schema; '' or null clears it.
    const alias = body.alias === undefined ? {} : { alias: body.alias || null };
    const stored = await getWire<UserDoc>(this.store, user.id);
    // Setting one's own extension again changes nothing: no claim to make or release.
    if (extension === undefined || extension === (stored?.extension ?? null)) return this.write(user.id, (current) => ({ ...current, ...language, ...alias }));
    if (extension !== null) await this.extensions.claim(user.id, extension);
    let previous: string | null | undefined;
    let saved: UserDoc;
    try {
      saved = await this.write(user.id, (current) => {
        previous = current.extension ?? null;
        return { ...current, extension, ...language, ...alias };
      });
    } catch (error) {
      if (extension !== null) await this.extensions.release(user.id, extension);
      throw error;
    }
    // The extension the write replaced (read inside it, so a concurrent edit of one's own is counted).
    if (previous && previous !== extension) await this.extensions.release(user.id, previous);
    return saved;
  }

  /** Stores the picture (sniffed: JPEG, PNG or WebP, at most 2 MB) and points the user at it. */
  async setPhoto(user: UserDoc, bytes: Buffer): Promise<UserDoc> {
    if (bytes.length === 0) throw new DomainError('invalid', 'empty_file', 'Envie a imagem da foto.');
    if (bytes.length > PHOTO_MAX_BYTES) {
      throw new DomainError('too_large', 'too_large', 'A foto pode ter no máximo 2 MB.', { maxBytes: PHOTO_MAX_BYTES });
    }
    const type = await sniffMediaType(bytes, 'foto');
    if (!type || !isPhotoType(type)) {
      throw new DomainError('unsupported_type', 'unsupported_type', 'A foto deve ser uma imagem JPEG, PNG ou WebP.');
    }
    // Checked above against the photo's own rules, so no channel's table applies ('any').
    const stored = await this.media.upload(
      { bytes, filename: `foto.${type.slice('image/'.length)}`, channel: 'webchat', uploadedBy: user.id, photoOf: user.id },
      'any',
    );
    return this.replacePhoto(user.id, stored.mediaId);
  }

  removePhoto(user: UserDoc): Promise<UserDoc> {
    return this.replacePhoto(user.id, null);
  }

  /**
   * The current password is proven first (a wrong one counts toward the login lockout); then the
   * new one is stored and every other session of the user ends, the one asking kept.
   */
  async changePassword(principal: Principal, body: ChangePasswordBody, address: string): Promise<void> {
    const problem = passwordProblem(body.newPassword, body.currentPassword);
    await this.auth.verifyCurrentPassword(principal.user.id, body.currentPassword, address);
    if (problem) throw new DomainError('unprocessable', problem, PASSWORD_MESSAGES[problem]);
    await this.auth.setPassword(principal.user, body.newPassword);
    await this.auth.revokeOtherSessions(principal.user, principal.sessionId);
  }

  private async replacePhoto(userId: string, mediaId: string | null): Promise<UserDoc> {
    let previous: string | null | undefined;
    const user = await this.write(userId, (current) => {
      previous = current.photoMediaId;
      return { ...current, photoMediaId: mediaId };
    });
    if (previous && previous !== mediaId) await this.media.discardPhoto(previous, userId);
    return user;
  }

  private async write(userId: string, change: (current: UserDoc) => UserDoc): Promise<UserDoc> {
    const { doc } = await updateWire<UserDoc>(this.store, userId, (current) =>
      current ? { ...change(current), updatedAt: Date.now() } : undefined,
    );
    if (!doc) throw gone();
    return doc;
  }
}

import { createPublicKey, verify, type KeyObject } from 'node:crypto';

/**
 * The check that lets the app trust update metadata (issue 17): `latest*.yml` carries the sha512 of
 * the installer, so whoever can change it can make the app install anything. `npm run dist` signs
 * each metadata file with the organisation's Ed25519 key (build/updateSigning.ts) and writes a
 * detached base64 signature `<file>.sig`; the app accepts the metadata only when that signature
 * verifies with the public key built into it (buildInfo.ts), as Signal-Desktop does.
 */

/** Thrown when metadata must not be used; updates.ts turns it into the 'refused' status. */
export class UpdateRefusedError extends Error {
  readonly code = 'ERR_ATENDE_UPDATE_REFUSED';
  constructor(message: string) {
    super(message);
    this.name = 'UpdateRefusedError';
  }
}

export function isUpdateRefused(error: unknown): error is UpdateRefusedError {
  return error instanceof UpdateRefusedError || (error instanceof Error && (error as { code?: unknown }).code === 'ERR_ATENDE_UPDATE_REFUSED');
}

const ED25519_SIGNATURE_BYTES = 64;
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

/** The Ed25519 public key from its PEM (SPKI); refuses anything else, so a wrong key is named, not half-used. */
export function updatePublicKey(pem: string): KeyObject {
  let key: KeyObject;
  try {
    key = createPublicKey(pem);
  } catch {
    throw new UpdateRefusedError('The update key built into this app is not a valid public key: updates are refused.');
  }
  if (key.asymmetricKeyType !== 'ed25519') {
    throw new UpdateRefusedError(`The update key built into this app is ${key.asymmetricKeyType ?? 'unknown'}, not Ed25519: updates are refused.`);
  }
  return key;
}

/** Decodes a `.sig` file's text: one base64 Ed25519 signature, surrounding whitespace allowed. */
function signatureBytes(text: string): Buffer | undefined {
  const trimmed = text.trim();
  if (!BASE64.test(trimmed)) return undefined;
  const bytes = Buffer.from(trimmed, 'base64');
  return bytes.length === ED25519_SIGNATURE_BYTES ? bytes : undefined;
}

/**
 * Throws UpdateRefusedError unless `signatureText` is a valid signature of exactly `data` (the bytes
 * as served: no re-encoding, so a changed space or line ending fails too) by `publicKeyPem`.
 */
export function verifyUpdateMetadata(fileName: string, data: Buffer, signatureText: string, publicKeyPem: string): void {
  const key = updatePublicKey(publicKeyPem);
  const signature = signatureBytes(signatureText);
  if (!signature) throw new UpdateRefusedError(`${fileName}.sig is not an Ed25519 signature: the update was refused.`);
  if (!verify(null, data, key, signature)) {
    throw new UpdateRefusedError(`${fileName} does not match its signature (altered, or signed with another key): the update was refused.`);
  }
}

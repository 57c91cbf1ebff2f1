/**
 * Signs the update metadata of a release (issue 17 point 1). electron-builder writes `latest.yml`
 * (Windows; `latest-user.yml` for the per-user installer), `latest-mac.yml` and `latest-linux*.yml`
 * next to the installers, each carrying the sha512 of the file to install. This writes beside each
 * a detached signature `<file>.sig`: the base64 Ed25519 signature of the file's exact bytes, made
 * with the organisation's private key (ATENDE_UPDATE_SIGNING_KEY, PEM PKCS#8). The installed app
 * verifies it with the public key built into it (electron/src/main/updateSignature.ts) before it
 * reads the metadata, so a feed server that is compromised, or a copy in between, cannot make
 * the app download anything the organisation did not sign.
 */
import { createPrivateKey, createPublicKey, sign, type KeyObject } from 'node:crypto';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/** electron-builder's metadata names: latest.yml, latest-user.yml, latest-mac.yml, latest-linux-arm64.yml… */
const METADATA_FILE = /^latest(-[A-Za-z0-9_-]+)?\.yml$/;

function signingKey(privateKeyPem: string): KeyObject {
  let key: KeyObject;
  try {
    key = createPrivateKey(privateKeyPem);
  } catch (error) {
    throw new Error(`the update signing key is not a readable private key (PEM, PKCS#8): ${error instanceof Error ? error.message : String(error)}`);
  }
  if (key.asymmetricKeyType !== 'ed25519') throw new Error(`the update signing key must be Ed25519, got ${key.asymmetricKeyType ?? 'an unknown type'}`);
  return key;
}

/** The public key (PEM, SPKI) the app must carry to accept what this private key signs. */
export function publicKeyOf(privateKeyPem: string): string {
  return createPublicKey(signingKey(privateKeyPem)).export({ type: 'spki', format: 'pem' }).toString();
}

/** Signs every update metadata file directly in `dir`; returns their paths (sorted). Writes nothing on a bad key. */
export function signUpdateMetadata(dir: string, privateKeyPem: string): string[] {
  const key = signingKey(privateKeyPem);
  const files = readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.isFile() && METADATA_FILE.test(entry.name))
    .map((entry) => path.join(dir, entry.name))
    .sort();
  for (const file of files) {
    const signature = sign(null, readFileSync(file), key).toString('base64');
    writeFileSync(`${file}.sig`, `${signature}\n`);
  }
  return files;
}

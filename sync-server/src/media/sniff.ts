import { fileTypeFromBuffer } from 'file-type';

/** Names file-type uses that the channel tables spell the usual way. */
const ALIASES: Record<string, string> = {
  'audio/x-m4a': 'audio/mp4',
  'audio/x-wav': 'audio/wav',
  'audio/vnd.wave': 'audio/wav',
  'image/apng': 'image/png',
};

/** Legacy Office files share one container format (CFB); only the extension tells them apart. */
const CFB_BY_EXTENSION: Record<string, string> = {
  doc: 'application/msword',
  xls: 'application/vnd.ms-excel',
  ppt: 'application/vnd.ms-powerpoint',
};

const utf8 = new TextDecoder('utf-8', { fatal: true });

function isPlainText(bytes: Uint8Array): boolean {
  if (bytes.includes(0)) return false;
  try {
    utf8.decode(bytes);
    return true;
  } catch {
    return false;
  }
}

const extensionOf = (filename: string) => {
  const dot = filename.lastIndexOf('.');
  return dot > 0 ? filename.slice(dot + 1).toLowerCase() : '';
};

/**
 * The real type of a file, read from its bytes; the client's declared type is never believed,
 * except that text — which has no signature — is taken as text/plain or text/csv when the bytes
 * are valid UTF-8 without NULs and the client said text/*. undefined: not a type we recognise.
 */
export async function sniffMediaType(bytes: Uint8Array, filename: string, declaredMime = ''): Promise<string | undefined> {
  const detected = await fileTypeFromBuffer(bytes);
  if (detected) {
    const base = detected.mime.split(';')[0]?.trim() ?? '';
    if (base === 'application/x-cfb') return CFB_BY_EXTENSION[extensionOf(filename)];
    return ALIASES[base] ?? base;
  }
  const declared = declaredMime.split(';')[0]?.trim().toLowerCase() ?? '';
  if (!declared.startsWith('text/') || !isPlainText(bytes)) return undefined;
  // Never text/html or the like: a page served from our origin could run script.
  return declared === 'text/csv' || extensionOf(filename) === 'csv' ? 'text/csv' : 'text/plain';
}

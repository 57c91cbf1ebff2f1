import type SharpModule from 'sharp';

/** Longest side of a thumbnail: a message bubble shows pictures at most this wide. */
export const THUMBNAIL_PX = 320;
export const THUMBNAIL_TYPE = 'image/webp';
/**
 * A small PNG can decode to gigabytes: refuse more pixels than a 48 MP phone camera makes.
 * Such images are kept, just without a thumbnail.
 */
const MAX_INPUT_PIXELS = 50_000_000;

type Sharp = typeof SharpModule;
let loading: Promise<Sharp | undefined> | undefined;

/**
 * sharp ships its native binary in per-platform npm packages (@img/sharp-*); loaded on first use
 * so a machine where it cannot load still stores images, only without thumbnails.
 */
export function loadSharp(): Promise<Sharp | undefined> {
  loading ??= import('sharp').then(
    (module) => module.default,
    () => undefined,
  );
  return loading;
}

export interface Thumbnailer {
  (bytes: Uint8Array): Promise<Buffer | undefined>;
}

/** A WebP (keeps transparency) no larger than 320 px, upright per EXIF, without metadata. */
export const makeThumbnail: Thumbnailer = async (bytes) => {
  const sharp = await loadSharp();
  if (!sharp) return undefined;
  try {
    return await sharp(bytes, { limitInputPixels: MAX_INPUT_PIXELS, failOn: 'error' })
      .autoOrient()
      .resize({ width: THUMBNAIL_PX, height: THUMBNAIL_PX, fit: 'inside', withoutEnlargement: true })
      .webp({ quality: 70 })
      .toBuffer();
  } catch {
    // Undecodable or oversized pictures are still delivered; they just show as a file.
    return undefined;
  }
};

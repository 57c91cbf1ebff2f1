/**
 * The tray mark and the Windows taskbar count badge, drawn in code as raw BGRA bitmaps (the pixel
 * order `nativeImage.createFromBitmap` expects). Drawing them here means no image file has to be
 * found at run time, inside or outside the asar archive, and the badge can show any count.
 */
export interface Bitmap {
  width: number;
  height: number;
  /** BGRA, row-major, not premultiplied. */
  data: Buffer;
}

type Rgba = readonly [number, number, number, number];

const BRAND: Rgba = [37, 99, 235, 255];
const BADGE_RED: Rgba = [220, 38, 38, 255];
const WHITE: Rgba = [255, 255, 255, 255];
const BLACK: Rgba = [0, 0, 0, 255];

function blank(size: number): Bitmap {
  return { width: size, height: size, data: Buffer.alloc(size * size * 4) };
}

/** Paints one pixel with `coverage` (0..1) of `color`; coverage 0 of a clear colour erases. */
function paint(bitmap: Bitmap, x: number, y: number, color: Rgba, coverage = 1): void {
  if (x < 0 || y < 0 || x >= bitmap.width || y >= bitmap.height || coverage <= 0) return;
  const at = (y * bitmap.width + x) * 4;
  const alpha = Math.round(color[3] * Math.min(1, coverage));
  if (color[3] === 0) {
    bitmap.data[at + 3] = Math.round((bitmap.data[at + 3] ?? 0) * (1 - Math.min(1, coverage)));
    return;
  }
  bitmap.data[at] = color[2];
  bitmap.data[at + 1] = color[1];
  bitmap.data[at + 2] = color[0];
  bitmap.data[at + 3] = Math.max(bitmap.data[at + 3] ?? 0, alpha);
}

/** A disc with a one-pixel soft edge, so small sizes do not look jagged. */
function disc(bitmap: Bitmap, cx: number, cy: number, radius: number, color: Rgba): void {
  for (let y = Math.floor(cy - radius - 1); y <= Math.ceil(cy + radius + 1); y++) {
    for (let x = Math.floor(cx - radius - 1); x <= Math.ceil(cx + radius + 1); x++) {
      const distance = Math.hypot(x + 0.5 - cx, y + 0.5 - cy);
      paint(bitmap, x, y, color, radius - distance + 0.5);
    }
  }
}

/** A speech bubble with three dots: "someone is talking to you". Template = black for macOS. */
export function trayBitmap(size: number, template = false): Bitmap {
  const bitmap = blank(size);
  const color = template ? BLACK : BRAND;
  const cx = size / 2;
  const cy = size * 0.45;
  const radius = size * 0.42;
  disc(bitmap, cx, cy, radius, color);
  // The tail, bottom left.
  for (let y = Math.floor(cy); y < size; y++) {
    const reach = Math.round(((y - cy) / (size - cy)) * size * 0.3);
    for (let x = Math.round(size * 0.12); x < Math.round(size * 0.42) - reach; x++) paint(bitmap, x, y, color);
  }
  const dot = Math.max(1, size * 0.07);
  for (const offset of [-0.2, 0, 0.2]) disc(bitmap, cx + offset * size, cy, dot, template ? [0, 0, 0, 0] : WHITE);
  return bitmap;
}

const DIGITS: Record<string, readonly string[]> = {
  '0': ['111', '101', '101', '101', '111'],
  '1': ['010', '110', '010', '010', '111'],
  '2': ['111', '001', '111', '100', '111'],
  '3': ['111', '001', '111', '001', '111'],
  '4': ['101', '101', '111', '001', '001'],
  '5': ['111', '100', '111', '001', '111'],
  '6': ['111', '100', '111', '101', '111'],
  '7': ['111', '001', '001', '001', '001'],
  '8': ['111', '101', '111', '101', '111'],
  '9': ['111', '101', '111', '001', '111'],
  '+': ['000', '010', '111', '010', '000'],
};

export function badgeLabel(count: number): string {
  return count > 99 ? '99+' : String(Math.max(0, Math.floor(count)));
}

/** A red disc with the count in white, for `BrowserWindow.setOverlayIcon` on Windows. */
export function badgeBitmap(count: number, size = 16): Bitmap {
  const bitmap = blank(size);
  disc(bitmap, size / 2, size / 2, size / 2 - 0.5, BADGE_RED);
  const label = badgeLabel(count);
  const scale = Math.max(1, Math.floor(size / 16)) * (label.length === 1 ? 2 : 1);
  const width = label.length * 3 * scale + (label.length - 1) * scale;
  const left = Math.floor((size - width) / 2);
  const top = Math.floor((size - 5 * scale) / 2);
  [...label].forEach((char, index) => {
    const rows = DIGITS[char] ?? [];
    rows.forEach((row, gy) => {
      [...row].forEach((bit, gx) => {
        if (bit !== '1') return;
        for (let dy = 0; dy < scale; dy++) {
          for (let dx = 0; dx < scale; dx++) {
            paint(bitmap, left + index * 4 * scale + gx * scale + dx, top + gy * scale + dy, WHITE);
          }
        }
      });
    });
  });
  return bitmap;
}

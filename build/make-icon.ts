/**
 * Draws build/icon.png, the placeholder app icon electron-builder turns into .ico, .icns and the
 * Linux icon set: a blue rounded square with a white speech bubble. Node's zlib only, no image
 * library. Run `npx tsx build/make-icon.ts` after changing the drawing; the PNG is committed.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { crc32, deflateSync } from 'node:zlib';

type Rgb = readonly [number, number, number];
const BLUE: Rgb = [0x0b, 0x6b, 0xcb];
const WHITE: Rgb = [0xff, 0xff, 0xff];
const SAMPLES = 4; // per axis: 16 samples a pixel smooth the edges

/** Which colour covers the point (x, y) in a 1×1 square, or undefined for transparent. */
function colourAt(x: number, y: number): Rgb | undefined {
  const inset = 0.04;
  const radius = 0.2;
  const cx = Math.min(Math.max(x, inset + radius), 1 - inset - radius);
  const cy = Math.min(Math.max(y, inset + radius), 1 - inset - radius);
  if ((x - cx) ** 2 + (y - cy) ** 2 > radius ** 2) return undefined;
  for (const dot of [0.36, 0.5, 0.64]) if ((x - dot) ** 2 + (y - 0.46) ** 2 < 0.045 ** 2) return BLUE;
  const bubble = ((x - 0.5) / 0.3) ** 2 + ((y - 0.46) / 0.23) ** 2 <= 1;
  // The tail: a triangle below the bubble's lower left.
  const tail = y >= 0.6 && y <= 0.8 && x >= 0.3 + (y - 0.6) * -0.2 && x <= 0.46 - (y - 0.6) * 0.8;
  return bubble || tail ? WHITE : BLUE;
}

/** RGBA pixels of the icon at `size`×`size`. */
export function drawIcon(size: number): Uint8Array {
  const pixels = new Uint8Array(size * size * 4);
  for (let py = 0; py < size; py++) {
    for (let px = 0; px < size; px++) {
      const sum = [0, 0, 0, 0];
      for (let sy = 0; sy < SAMPLES; sy++) {
        for (let sx = 0; sx < SAMPLES; sx++) {
          const colour = colourAt((px + (sx + 0.5) / SAMPLES) / size, (py + (sy + 0.5) / SAMPLES) / size);
          if (!colour) continue;
          sum[0]! += colour[0];
          sum[1]! += colour[1];
          sum[2]! += colour[2];
          sum[3]! += 255;
        }
      }
      const covered = sum[3]! / 255;
      const at = (py * size + px) * 4;
      for (let c = 0; c < 3; c++) pixels[at + c] = covered ? Math.round(sum[c]! / covered) : 0;
      pixels[at + 3] = Math.round(sum[3]! / (SAMPLES * SAMPLES));
    }
  }
  return pixels;
}

function chunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

/** A PNG (8-bit RGBA, no interlace) of `rgba` pixels, `width` × `height`. */
export function encodePng(width: number, height: number, rgba: Uint8Array): Buffer {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 6, 0, 0, 0], 8);
  const rows = Buffer.alloc(height * (width * 4 + 1));
  for (let y = 0; y < height; y++) {
    // Each row starts with its filter type, 0 (none).
    rows.set(rgba.subarray(y * width * 4, (y + 1) * width * 4), y * (width * 4 + 1) + 1);
  }
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(rows, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

export const ICON_SIZE = 512;
export const ICON_PATH = path.join(path.dirname(fileURLToPath(import.meta.url)), 'icon.png');

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  writeFileSync(ICON_PATH, encodePng(ICON_SIZE, ICON_SIZE, drawIcon(ICON_SIZE)));
  console.log(`wrote ${ICON_PATH}`);
}

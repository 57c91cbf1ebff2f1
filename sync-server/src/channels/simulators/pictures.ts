import { createHash } from 'node:crypto';
import { loadSharp } from '../../media/thumbnail.js';

/**
 * Pictures the Meta simulator serves from its fake CDN (issue 11): a customer's profile picture
 * (a colour of their own, from their name) and story images. Real PNGs, so our server's media
 * checks treat them as Meta's.
 */
const COLOURS = ['#1d4ed8', '#b91c1c', '#15803d', '#7c3aed', '#c2410c', '#0f766e', '#be185d', '#4d7c0f'];

/** A 1×1 PNG, for a machine where sharp cannot load. */
const DOT_PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64');

export async function solidPng(colour: string, width = 96, height = width): Promise<Buffer> {
  const sharp = await loadSharp();
  if (!sharp) return DOT_PNG;
  return sharp({ create: { width, height, channels: 3, background: colour } }).png().toBuffer();
}

/** The same name always gets the same colour. */
export function profilePicture(name: string): Promise<Buffer> {
  const digest = createHash('sha256').update(name).digest();
  return solidPng(COLOURS[(digest[0] ?? 0) % COLOURS.length] ?? '#1d4ed8');
}


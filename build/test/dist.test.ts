import { readFileSync } from 'node:fs';
import { inflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { isDownloadFailure, offlineMessage } from '../dist.js';
import { drawIcon, encodePng, ICON_PATH, ICON_SIZE } from '../make-icon.js';

describe('npm run dist', () => {
  it('recognises a failed download, also when it is the cause of another error', () => {
    const offline = Object.assign(new Error('getaddrinfo ENOTFOUND github.com'), { code: 'ENOTFOUND' });
    expect(isDownloadFailure(offline)).toBe(true);
    expect(isDownloadFailure(new Error('cannot build', { cause: Object.assign(new Error('connect'), { code: 'ECONNREFUSED' }) }))).toBe(true);
    expect(isDownloadFailure(new Error('HttpError: 404 Not Found, status code 404'))).toBe(true);
    expect(isDownloadFailure(new Error('Unable to read header size'))).toBe(false);
    expect(isDownloadFailure('nope')).toBe(false);
  });

  it('says what to do when offline, without a stack trace', () => {
    const message = offlineMessage('41.7.1', 'ENOTFOUND github.com');
    expect(message).toContain('Electron 41.7.1');
    expect(message).toContain('ATENDE_ELECTRON_DIST');
    expect(message).toContain('build/README.md');
    expect(message).not.toMatch(/\n\s+at /);
  });
});

describe('placeholder icon (build/make-icon.ts)', () => {
  /** The chunks of a PNG, each checked against its CRC. */
  function chunks(png: Buffer): Array<{ type: string; data: Buffer }> {
    expect(png.subarray(0, 8).toString('hex')).toBe('89504e470d0a1a0a');
    const found: Array<{ type: string; data: Buffer }> = [];
    for (let at = 8; at < png.length; ) {
      const length = png.readUInt32BE(at);
      const type = png.toString('ascii', at + 4, at + 8);
      found.push({ type, data: png.subarray(at + 8, at + 8 + length) });
      at += 12 + length;
    }
    return found;
  }

  it('encodes pixels as a PNG whose rows inflate back to them', () => {
    const pixels = drawIcon(16);
    const parts = chunks(encodePng(16, 16, pixels));
    expect(parts.map((p) => p.type)).toEqual(['IHDR', 'IDAT', 'IEND']);
    const rows = inflateSync(parts[1]?.data ?? Buffer.alloc(0));
    expect(rows.length).toBe(16 * (16 * 4 + 1));
    expect(rows.subarray(1, 65).equals(Buffer.from(pixels.subarray(0, 64)))).toBe(true);
  });

  it('the committed build/icon.png is a 512×512 RGBA PNG, as macOS needs at least', () => {
    const header = chunks(readFileSync(ICON_PATH))[0]?.data;
    expect(header?.readUInt32BE(0)).toBe(ICON_SIZE);
    expect(header?.readUInt32BE(4)).toBe(ICON_SIZE);
    expect([...(header?.subarray(8, 10) ?? [])]).toEqual([8, 6]);
  });
});

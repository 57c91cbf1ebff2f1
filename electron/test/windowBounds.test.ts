import { describe, expect, it } from 'vitest';
import { placeWindow, type DisplayLike } from '../src/main/windowBounds';

const primary: DisplayLike = { id: 1, workArea: { x: 0, y: 0, width: 1920, height: 1040 } };
const right: DisplayLike = { id: 2, workArea: { x: 1920, y: 0, width: 1280, height: 984 } };
const size = { width: 1280, height: 800 };

describe('R-DT-03 window bounds restore', () => {
  it('restores bounds that are fully visible as they were', () => {
    expect(placeWindow({ x: 100, y: 50, width: 1000, height: 700, displayId: 1 }, size, [primary, right], primary)).toEqual({
      x: 100, y: 50, width: 1000, height: 700, maximized: false,
    });
  });
  it('restores a window on the second display', () => {
    expect(placeWindow({ x: 2000, y: 100, width: 800, height: 600, displayId: 2, maximized: true }, size, [primary, right], primary)).toEqual({
      x: 2000, y: 100, width: 800, height: 600, maximized: true,
    });
  });
  it('brings back a window left on a monitor that was unplugged', () => {
    const placed = placeWindow({ x: 2000, y: 100, width: 800, height: 600, displayId: 2 }, size, [primary], primary);
    expect(placed.x).toBeGreaterThanOrEqual(0);
    expect(placed.x + placed.width).toBeLessThanOrEqual(1920);
    expect(placed.y + placed.height).toBeLessThanOrEqual(1040);
  });
  it('clamps off-screen bounds onto the display', () => {
    expect(placeWindow({ x: 1800, y: 900, width: 1000, height: 700 }, size, [primary], primary)).toEqual({
      x: 920, y: 340, width: 1000, height: 700, maximized: false,
    });
    expect(placeWindow({ x: -5000, y: -5000, width: 1000, height: 700 }, size, [primary], primary)).toEqual({
      x: 460, y: 170, width: 1000, height: 700, maximized: false,
    });
  });
  it('shrinks a window larger than the display', () => {
    expect(placeWindow({ x: 0, y: 0, width: 4000, height: 3000 }, size, [primary], primary)).toEqual({
      x: 0, y: 0, width: 1920, height: 1040, maximized: false,
    });
  });
  it('centres the default size when nothing (or garbage) was saved', () => {
    const centred = { x: 320, y: 120, width: 1280, height: 800, maximized: false };
    expect(placeWindow(undefined, size, [primary], primary)).toEqual(centred);
    for (const junk of [null, 'x', { x: 'a' }, { x: 1, y: 1, width: 5, height: 5 }, { x: Number.NaN, y: 0, width: 900, height: 900 }]) {
      expect(placeWindow(junk, size, [primary], primary)).toEqual(centred);
    }
  });
});

import { z } from 'zod';

/**
 * Where a window reopens (R-DT-03). Saved bounds are untrusted input (the file may be stale, edited,
 * or from a session with a monitor since unplugged): they are validated, then placed on the display
 * they overlap most, or centred on the display they were on, or on the primary one, and always
 * clamped so the whole window (title bar included) is on screen.
 */
export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface DisplayLike {
  id: number;
  workArea: Rect;
}

const Coordinate = z.number().int().min(-100_000).max(100_000);
const Size = z.number().int().min(100).max(100_000);

export const SavedBounds = z.object({
  x: Coordinate,
  y: Coordinate,
  width: Size,
  height: Size,
  displayId: z.number().optional(),
  maximized: z.boolean().optional(),
});
export type SavedBounds = z.infer<typeof SavedBounds>;

export interface Placement extends Rect {
  maximized: boolean;
}

function overlapArea(a: Rect, b: Rect): number {
  const width = Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x);
  const height = Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y);
  return width > 0 && height > 0 ? width * height : 0;
}

function clamp(value: number, min: number, max: number): number {
  return Math.min(Math.max(value, min), max);
}

function fitSize(size: { width: number; height: number }, area: Rect): { width: number; height: number } {
  return { width: Math.min(size.width, area.width), height: Math.min(size.height, area.height) };
}

function centred(size: { width: number; height: number }, area: Rect): Rect {
  const fitted = fitSize(size, area);
  return {
    ...fitted,
    x: Math.round(area.x + (area.width - fitted.width) / 2),
    y: Math.round(area.y + (area.height - fitted.height) / 2),
  };
}

export function placeWindow(
  saved: unknown,
  defaultSize: { width: number; height: number },
  displays: readonly DisplayLike[],
  primary: DisplayLike,
): Placement {
  const parsed = SavedBounds.safeParse(saved);
  if (!parsed.success) return { ...centred(defaultSize, primary.workArea), maximized: false };
  const bounds = parsed.data;

  let best: DisplayLike | undefined;
  let bestArea = 0;
  for (const display of displays) {
    const area = overlapArea(bounds, display.workArea);
    if (area > bestArea) {
      best = display;
      bestArea = area;
    }
  }
  const maximized = bounds.maximized ?? false;
  if (!best) {
    // Nothing of it is visible any more: same display if it is still there, else the primary.
    const fallback = displays.find((display) => display.id === bounds.displayId) ?? primary;
    return { ...centred(bounds, fallback.workArea), maximized };
  }
  const area = best.workArea;
  const size = fitSize(bounds, area);
  return {
    ...size,
    x: clamp(bounds.x, area.x, area.x + area.width - size.width),
    y: clamp(bounds.y, area.y, area.y + area.height - size.height),
    maximized,
  };
}

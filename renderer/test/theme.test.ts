import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/**
 * issue 9: the design tokens exist under the shared names in both themes, and the colour pairs
 * components use pass WCAG AA: text 4.5:1 on every background, controls' borders and the focus
 * ring 3:1 (WCAG 1.4.11).
 */
const css = readFileSync(path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../src/theme/tokens.css'), 'utf8');
const COLOURS = [
  'bg', 'surface', 'surface-2', 'border', 'text', 'text-muted', 'primary', 'on-primary', 'danger', 'on-danger',
  'success', 'warning', 'focus',
].map((name) => `--color-${name}`);
const SHARED = ['--space-1', '--space-2', '--space-3', '--space-4', '--space-5', '--space-6', '--radius', '--font-sm', '--font-md', '--font-lg', '--font-xl'];

function block(selector: string): Record<string, string> {
  const start = css.indexOf(`${selector} {`);
  if (start === -1) throw new Error(`no ${selector} block`);
  const body = css.slice(css.indexOf('{', start) + 1, css.indexOf('}', start));
  return Object.fromEntries([...body.matchAll(/(--[\w-]+):\s*([^;]+);/g)].map((m) => [m[1] as string, (m[2] as string).trim()]));
}

function luminance(hex: string): number {
  const channels = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16) / 255);
  const [r, g, b] = channels.map((c) => (c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4)) as [number, number, number];
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}
function contrast(a: string, b: string): number {
  const [high, low] = [luminance(a), luminance(b)].sort((x, y) => y - x) as [number, number];
  return (high + 0.05) / (low + 0.05);
}

const themes = { light: block("[data-theme='light']"), dark: block("[data-theme='dark']") };

describe('issue 9: design tokens and themes', () => {
  it('the shared spacing and type tokens are defined once for both themes', () => {
    const shared = block(':root');
    expect(SHARED.filter((name) => !shared[name])).toEqual([]);
  });

  describe.each(Object.entries(themes))('%s theme', (_name, theme) => {
    const colour = (name: string) => {
      const value = theme[`--color-${name}`];
      if (!value || !/^#[0-9a-f]{6}$/i.test(value)) throw new Error(`--color-${name} is not a #rrggbb colour: ${value}`);
      return value;
    };

    it('defines every colour token and the popover shadow', () => {
      expect(COLOURS.filter((name) => !theme[name])).toEqual([]);
      expect(theme['--shadow-popover']).toBeTruthy();
    });

    it.each(['text', 'text-muted', 'primary', 'danger', 'success', 'warning'])('WCAG AA: %s on every background ≥ 4.5:1', (fg) => {
      for (const bg of ['bg', 'surface', 'surface-2']) expect(contrast(colour(fg), colour(bg)), `${fg} on ${bg}`).toBeGreaterThanOrEqual(4.5);
    });

    it('WCAG AA: text on filled primary and danger ≥ 4.5:1', () => {
      expect(contrast(colour('on-primary'), colour('primary'))).toBeGreaterThanOrEqual(4.5);
      expect(contrast(colour('on-danger'), colour('danger'))).toBeGreaterThanOrEqual(4.5);
    });

    it('WCAG 1.4.11: control borders and the focus ring ≥ 3:1 against the surfaces', () => {
      expect(contrast(colour('border'), colour('surface'))).toBeGreaterThanOrEqual(3);
      for (const bg of ['bg', 'surface', 'surface-2']) expect(contrast(colour('focus'), colour(bg)), `focus on ${bg}`).toBeGreaterThanOrEqual(3);
    });
  });
});

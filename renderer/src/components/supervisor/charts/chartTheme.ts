import {
  BarController, BarElement, CategoryScale, Chart, Legend, LinearScale, LineController, LineElement, PointElement, Tooltip,
  type PointStyle,
} from 'chart.js';

/**
 * Chart.js for the supervisor's charts (R-SV-06): only the pieces used are registered, so the
 * rest of the library stays out of the bundle; colours are the theme's tokens, read at draw time.
 */
Chart.register(LineController, LineElement, PointElement, BarController, BarElement, CategoryScale, LinearScale, Legend, Tooltip);

export { Chart };

/** A series' look: its colour token and, so colour is never the only difference, a point shape and dash. */
const SERIES_TOKENS = ['--color-primary', '--color-success', '--color-warning', '--color-danger', '--color-focus', '--color-text-muted'];
const POINT_STYLES: PointStyle[] = ['circle', 'rect', 'triangle', 'rectRot', 'crossRot', 'star'];
const DASHES: number[][] = [[], [6, 3], [2, 2], [8, 3, 2, 3]];

export interface ThemeColours {
  text: string;
  muted: string;
  grid: string;
  series: (i: number) => { colour: string; pointStyle: PointStyle; dash: number[] };
}

const token = (style: CSSStyleDeclaration, name: string) => style.getPropertyValue(name).trim();

/** The current theme's colours (tokens.css), as the document shows them now. */
export function themeColours(): ThemeColours {
  const style = getComputedStyle(document.documentElement);
  const palette = SERIES_TOKENS.map((name) => token(style, name));
  return {
    text: token(style, '--color-text'),
    muted: token(style, '--color-text-muted'),
    grid: token(style, '--color-surface-2'),
    series: (i) => ({
      colour: palette[i % palette.length] ?? '',
      pointStyle: POINT_STYLES[i % POINT_STYLES.length] ?? 'circle',
      dash: DASHES[Math.floor(i / palette.length) % DASHES.length] ?? [],
    }),
  };
}

/** WCAG 2.3.3: people who ask for less motion get charts that change without animating. */
export const reducedMotion = (): boolean => window.matchMedia?.('(prefers-reduced-motion: reduce)').matches ?? false;

/** Calls `redraw` whenever the theme changes (the preferences store sets `data-theme` on <html>). */
export function onThemeChange(redraw: () => void): () => void {
  const observer = new MutationObserver(redraw);
  observer.observe(document.documentElement, { attributes: true, attributeFilter: ['data-theme'] });
  return () => observer.disconnect();
}

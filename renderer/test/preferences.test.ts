import { createPinia, setActivePinia } from 'pinia';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { nextTick } from 'vue';
import { machineLocale, resolveTheme, usePreferencesStore } from '../src/stores/preferences';

describe('machine language (R-DT-05)', () => {
  it('R-DT-05 a locked machine language wins over the user’s choice and locks the menu', () => {
    expect(machineLocale('en', true, true)).toEqual({ locale: 'en', locked: true });
  });

  it('R-DT-05 an unlocked machine language is only the default until the user chooses', () => {
    expect(machineLocale('en', false, false)).toEqual({ locale: 'en', locked: false });
    expect(machineLocale('en', false, true)).toEqual({ locale: undefined, locked: false });
  });

  it('R-DT-05 Spanish set by IT is taken (issue 9: pt-BR, en, es)', () => {
    expect(machineLocale('es', true, false)).toEqual({ locale: 'es', locked: true });
  });

  it('R-DT-05 a language this build lacks is ignored rather than breaking the UI', () => {
    expect(machineLocale('fr', true, false)).toEqual({ locked: false });
  });
});

/** A machine whose light/dark setting the test switches, like the OS settings would. */
function fakeMachine(dark: boolean) {
  const listeners = new Set<(event: { matches: boolean }) => void>();
  const media = {
    matches: dark,
    addEventListener: (_type: string, listener: (event: { matches: boolean }) => void) => listeners.add(listener),
    removeEventListener: (_type: string, listener: (event: { matches: boolean }) => void) => listeners.delete(listener),
  };
  const items = new Map<string, string>();
  const root = { dataset: {} as Record<string, string> };
  vi.stubGlobal('window', { matchMedia: () => media });
  vi.stubGlobal('document', { documentElement: root });
  vi.stubGlobal('localStorage', {
    getItem: (key: string) => items.get(key) ?? null,
    setItem: (key: string, value: string) => void items.set(key, value),
  });
  return {
    root,
    items,
    switchTo(next: boolean) {
      media.matches = next;
      for (const listener of listeners) listener({ matches: next });
    },
  };
}

describe('theme preference (issue 9: light and dark themes)', () => {
  beforeEach(() => setActivePinia(createPinia()));
  afterEach(() => vi.unstubAllGlobals());

  it('resolves "system" from the machine and keeps an explicit choice', () => {
    expect(resolveTheme('system', true)).toBe('dark');
    expect(resolveTheme('system', false)).toBe('light');
    expect(resolveTheme('light', true)).toBe('light');
    expect(resolveTheme('dark', false)).toBe('dark');
  });

  it('defaults to "system", marks the page with the resolved theme and follows the machine live', async () => {
    const machine = fakeMachine(false);
    const preferences = usePreferencesStore();
    expect(preferences.theme).toBe('system');
    expect(machine.root.dataset.theme).toBe('light');
    machine.switchTo(true);
    await nextTick();
    expect(machine.root.dataset.theme).toBe('dark');
  });

  it('an explicit theme wins over the machine and is kept for the next start', async () => {
    const machine = fakeMachine(true);
    const preferences = usePreferencesStore();
    preferences.theme = 'light';
    await nextTick();
    expect(machine.root.dataset.theme).toBe('light');
    expect(JSON.parse(machine.items.get('atende.preferences') ?? '{}')).toMatchObject({ theme: 'light' });

    setActivePinia(createPinia());
    const again = usePreferencesStore();
    expect(again.theme).toBe('light');
    machine.switchTo(false);
    machine.switchTo(true);
    await nextTick();
    expect(machine.root.dataset.theme).toBe('light');
  });

  it('a stored theme this build does not know falls back to "system"', () => {
    const machine = fakeMachine(true);
    machine.items.set('atende.preferences', JSON.stringify({ theme: 'sepia' }));
    expect(usePreferencesStore().theme).toBe('system');
    expect(machine.root.dataset.theme).toBe('dark');
  });
});

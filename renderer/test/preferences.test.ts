import { describe, expect, it } from 'vitest';
import { machineLocale } from '../src/stores/preferences';

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

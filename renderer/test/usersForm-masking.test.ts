import { describe, expect, it } from 'vitest';
import type { AdminUser } from '@atende/protocol';
import { createBodyOf, emptyUserForm, updateBodyOf, userFormOf } from '../src/components/admin/usersForm';
import { MESSAGES } from '../src/i18n/messages';

/** Issue 19, R-PRIV-04: "Ver dados pessoais" in the admin's user form. */
const ana: AdminUser = {
  id: 'user:ana', name: 'Ana Souza', email: 'ana@demo.local', role: 'agent', teamIds: ['team:suporte'], maxConcurrent: 5,
  permissions: { tags: true }, workingHours: null, createdAt: 1, updatedAt: 1, disabled: false, invitationPending: false, locked: false,
};

describe('R-PRIV-04 "Ver dados pessoais" in the user form', () => {
  it('R-PRIV-04 a new agent starts without it: masking is on by default', () => {
    const form = { ...emptyUserForm(), name: 'Dora', email: 'dora@demo.local', teamIds: ['team:suporte'] };
    expect(form.personalData).toBe(false);
    expect(createBodyOf(form)).toMatchObject({ body: { permissions: { personalData: false } } });
  });

  it('R-PRIV-04 the stored permission is read back, absent as withheld, and saved with the other permissions', () => {
    expect(userFormOf(ana).personalData).toBe(false);
    const granted = userFormOf({ ...ana, permissions: { tags: true, personalData: true } });
    expect(granted.personalData).toBe(true);
    expect(updateBodyOf({ ...userFormOf(ana), personalData: true })).toMatchObject({
      body: { permissions: { tags: true, historyOtherTeams: false, personalData: true } },
    });
    expect(updateBodyOf({ ...granted, personalData: false })).toMatchObject({ body: { permissions: { personalData: false } } });
  });

  it('R-PRIV-04 the checkbox and its hint are said in pt-BR, en and es', () => {
    expect(MESSAGES['pt-BR'].masking.permission).toBe('Ver dados pessoais');
    for (const locale of ['pt-BR', 'en', 'es'] as const) {
      expect(MESSAGES[locale].masking.permissionHint).toMatch(/CPF/);
    }
  });
});

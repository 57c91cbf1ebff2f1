import { describe, expect, it } from 'vitest';
import { checkContactForm, CreateContactBody, DEFAULT_REQUIRED_CONTACT_FIELDS, nameWarning } from '../src/contacts.js';
import { maySeeOtherTeamsHistory } from '../src/permissions.js';
import { INVALID_NUMBER_MESSAGE } from '../src/phone.js';
import { foldForSearch, isNumberQuery, matchesAllWords, searchWords } from '../src/search.js';

const form = { name: 'Maria Oliveira', email: 'maria@example.com', whatsapp: '11987654321' };

describe('contact form rules', () => {
  it('R-CT-01 name, e-mail and WhatsApp are required by default', () => {
    expect(DEFAULT_REQUIRED_CONTACT_FIELDS).toEqual(['name', 'email', 'whatsapp']);
    const check = checkContactForm({ name: ' ', email: '' });
    expect(check.errors).toEqual({ name: 'required', email: 'required', whatsapp: 'required' });
    expect(checkContactForm(form).errors).toEqual({});
  });

  it('R-CT-01 the admin may require other fields, custom ones included', () => {
    const required = ['name', 'empresa'];
    expect(checkContactForm({ name: 'Ana', email: '' }, { required }).errors).toEqual({ empresa: 'required' });
    expect(checkContactForm({ name: 'Ana', email: '', customFields: { empresa: 'ACME' } }, { required }).errors).toEqual({});
  });

  it('R-CT-01 an edit checks only the fields it sends but may not empty a required one', () => {
    expect(checkContactForm({ name: 'Novo nome' }, { partial: true }).errors).toEqual({});
    expect(checkContactForm({ email: '' }, { partial: true }).errors).toEqual({ email: 'required' });
  });

  it('R-CT-02 the WhatsApp number is stored as E.164 digits with 55 added to Brazilian input', () => {
    expect(checkContactForm(form).whatsapp).toBe('5511987654321');
    expect(checkContactForm({ ...form, whatsapp: '(21) 3333-4444' }).whatsapp).toBe('552133334444');
    expect(checkContactForm({ ...form, whatsapp: '+55 11 98765-4321' }).whatsapp).toBe('5511987654321');
    // Another country's number written with + keeps its own code.
    expect(checkContactForm({ ...form, whatsapp: '+351 912 345 678' }).whatsapp).toBe('351912345678');
  });

  it('R-WA-03 a wrong number is refused with the manual\'s message', () => {
    const check = checkContactForm({ ...form, whatsapp: '1198765432' });
    expect(check.errors.whatsapp).toBe('invalid_number');
    expect(check.messages.whatsapp).toBe(INVALID_NUMBER_MESSAGE);
    expect(checkContactForm({ ...form, whatsapp: '1133' }).errors.whatsapp).toBe('incomplete_number');
    expect(checkContactForm({ ...form, email: 'maria@' }).errors.email).toBe('invalid_email');
  });

  it('R-CT-01 emoji and symbols in a name are a warning, not an error', () => {
    expect(nameWarning('Maria 😀')).toBe('emoji_or_symbols');
    expect(nameWarning('João ★ Silva')).toBe('emoji_or_symbols');
    expect(nameWarning('#Maria$')).toBe('emoji_or_symbols');
    for (const name of ["Maria D'Ávila (ACME Ltda.)", 'Silva & Filhos', 'Núñez-Peña', 'Loja nº 2', '王小明']) {
      expect(nameWarning(name)).toBeUndefined();
    }
    const check = checkContactForm({ ...form, name: 'Maria 😀' });
    expect(check.errors).toEqual({});
    expect(check.nameWarning).toBe('emoji_or_symbols');
  });

  it('R-CT-01 a created contact carries a client-chosen contact id', () => {
    expect(CreateContactBody.safeParse({ ...form, id: 'contact:01HXYZ' }).success).toBe(true);
    expect(CreateContactBody.safeParse({ ...form, id: 'message:01HXYZ' }).success).toBe(false);
  });
});

describe('search words', () => {
  it('R-WS-13 case and accents are ignored; punctuation and emoji separate words', () => {
    expect(foldForSearch('JOÃO Ávila Ñandú Ç')).toBe('joao avila nandu c');
    expect(searchWords('Olá, João! O boleto-vencido 😀chegou?')).toEqual(['ola', 'joao', 'o', 'boleto', 'vencido', 'chegou']);
    expect(matchesAllWords(searchWords('Boleto vencido'), searchWords('BOL venc'))).toBe(true);
    expect(matchesAllWords(searchWords('Boleto vencido'), ['pago'])).toBe(false);
  });

  it('R-WS-13 a contact query is a number when it has 3 digits or more and only phone punctuation', () => {
    expect(isNumberQuery(' +55 (11) 98765-4321 ')).toBe(true);
    expect(isNumberQuery('119')).toBe(true);
    expect(isNumberQuery('11')).toBe(false);
    expect(isNumberQuery('Maria 119')).toBe(false);
  });
});

describe('history permission', () => {
  it('R-WS-05 supervisors and admins always see other teams\' history; agents only when granted', () => {
    expect(maySeeOtherTeamsHistory({ role: 'supervisor' })).toBe(true);
    expect(maySeeOtherTeamsHistory({ role: 'admin' })).toBe(true);
    expect(maySeeOtherTeamsHistory({ role: 'agent' })).toBe(false);
    expect(maySeeOtherTeamsHistory({ role: 'agent', permissions: { historyOtherTeams: false } })).toBe(false);
    expect(maySeeOtherTeamsHistory({ role: 'agent', permissions: { historyOtherTeams: true } })).toBe(true);
  });
});

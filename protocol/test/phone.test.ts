import { describe, expect, it } from 'vitest';
import {
  brazilianMobileVariant, isWhatsAppUserId,
  checkBrazilianPhone, checkWhatsAppNumber, formatPhoneNumber, INVALID_NUMBER_MESSAGE, isE164Digits, nationalPhoneNumber, normaliseBrazilianPhone,
} from '../src/phone.js';

describe('Brazilian phone numbers', () => {
  it('R-WA-02 R-CT-02 prepends 55 to area code + number and stores digits only', () => {
    expect(checkBrazilianPhone('11999999999')).toEqual({ status: 'valid', e164: '5511999999999', kind: 'mobile' });
    expect(normaliseBrazilianPhone('(11)999999999')).toBe('5511999999999');
    expect(normaliseBrazilianPhone('1133334444')).toBe('551133334444');
  });

  it('R-CT-02 accepts input that already carries the country code without doubling it', () => {
    expect(normaliseBrazilianPhone('5511999999999')).toBe('5511999999999');
    expect(normaliseBrazilianPhone('+55 11 3333-4444')).toBe('551133334444');
  });

  it('R-WA-03 rejects a mobile number (9 or 8 after the area code) without exactly 11 digits', () => {
    for (const input of ['1199999999', '119999999999', '1188888888']) {
      expect(checkBrazilianPhone(input)).toEqual({ status: 'invalid', message: INVALID_NUMBER_MESSAGE });
    }
    expect(checkBrazilianPhone('11888888888')).toMatchObject({ status: 'valid', kind: 'mobile' });
    expect(INVALID_NUMBER_MESSAGE).toBe('Número inválido, corrija e tente novamente');
  });

  it('R-WA-04 a landline is incomplete until it has 10 digits, then valid; more is invalid', () => {
    expect(checkBrazilianPhone('113333444')).toEqual({ status: 'incomplete', kind: 'landline' });
    expect(checkBrazilianPhone('1133334444')).toMatchObject({ status: 'valid', kind: 'landline' });
    expect(checkBrazilianPhone('11333344445')).toMatchObject({ status: 'invalid' });
    expect(checkBrazilianPhone('11')).toEqual({ status: 'incomplete' });
  });

  it('R-WA-03 rejects letters, unknown area codes and impossible first digits', () => {
    expect(checkBrazilianPhone('11a99999999').status).toBe('invalid');
    expect(checkBrazilianPhone('10999999999').status).toBe('invalid');
    expect(checkBrazilianPhone('20999999999').status).toBe('invalid');
    expect(checkBrazilianPhone('1169999999').status).toBe('invalid');
    expect(normaliseBrazilianPhone('abc')).toBeUndefined();
  });

  it('R-CT-02 E.164 digits check used by the contact schema', () => {
    expect(isE164Digits('5511999999999')).toBe(true);
    expect(isE164Digits('+5511999999999')).toBe(false);
    expect(isE164Digits('011999')).toBe(false);
  });
});

describe('WhatsApp numbers as typed in the contact form', () => {
  it('R-CT-02 Brazilian input gets 55; a + with another country code keeps it', () => {
    expect(checkWhatsAppNumber('11987654321')).toMatchObject({ status: 'valid', e164: '5511987654321' });
    expect(checkWhatsAppNumber('+1 (415) 555-2671')).toMatchObject({ status: 'valid', e164: '14155552671' });
    expect(checkWhatsAppNumber('+1 415')).toEqual({ status: 'incomplete' });
    expect(checkWhatsAppNumber('+1 415 abc 2671').status).toBe('invalid');
    expect(checkWhatsAppNumber('+0 4155552671').status).toBe('invalid');
  });
});

describe('stored numbers on screen', () => {
  it('R-WS-02 R-WA-10 formats Brazilian mobiles and landlines, other countries with their +', () => {
    expect(formatPhoneNumber('5511912345678')).toBe('+55 11 91234-5678');
    expect(formatPhoneNumber('551131234567')).toBe('+55 11 3123-4567');
    expect(formatPhoneNumber('14155550100')).toBe('+14155550100');
  });

  it('R-WA-09 gives a stored number back in the form agents type it, which the number check accepts', () => {
    expect(nationalPhoneNumber('5511912345678')).toBe('11912345678');
    expect(checkWhatsAppNumber(nationalPhoneNumber('5511912345678'))).toMatchObject({ status: 'valid', e164: '5511912345678' });
    expect(nationalPhoneNumber('14155550100')).toBe('+14155550100');
    expect(checkWhatsAppNumber(nationalPhoneNumber('14155550100'))).toMatchObject({ status: 'valid', e164: '14155550100' });
  });
});

describe('the two forms of a Brazilian mobile on WhatsApp', () => {
  it('R-WA-02 a mobile with the 9 pairs with its form without it, both ways', () => {
    expect(brazilianMobileVariant('5531988887777')).toBe('553188887777');
    expect(brazilianMobileVariant('553188887777')).toBe('5531988887777');
  });
  it('R-WA-02 landlines, other countries and malformed numbers have no other form', () => {
    expect(brazilianMobileVariant('551131234567')).toBeUndefined();
    expect(brazilianMobileVariant('14155550123')).toBeUndefined();
    expect(brazilianMobileVariant('55319888877')).toBeUndefined();
  });
});

describe('WhatsApp business-scoped user ids', () => {
  it('R-CH-03 a contact known only by its user id keeps it through the contact form and on screen', () => {
    expect(isWhatsAppUserId('BR.13491208655302741918')).toBe(true);
    expect(isWhatsAppUserId('5511912345678')).toBe(false);
    expect(checkWhatsAppNumber('BR.1A2B3C')).toEqual({ status: 'valid', e164: 'BR.1A2B3C', kind: 'userId' });
    expect(formatPhoneNumber('BR.1A2B3C')).toBe('BR.1A2B3C');
    expect(nationalPhoneNumber('BR.1A2B3C')).toBe('BR.1A2B3C');
    expect(checkWhatsAppNumber('br.1a2b3c').status).toBe('invalid');
  });
});

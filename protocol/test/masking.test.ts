import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  isCardNumber, isValidCpf, maskPersonalData, mayViewPersonalData, passesLuhn,
} from '../src/masking.js';

/** The two check digits of a CPF's first nine (Receita Federal's rule). */
function cpfOf(nine: readonly number[]): string {
  const digits = [...nine];
  for (const length of [9, 10]) {
    const sum = digits.slice(0, length).reduce((s, d, i) => s + d * (length + 1 - i), 0);
    const rest = (sum * 10) % 11;
    digits.push(rest === 10 ? 0 : rest);
  }
  return digits.join('');
}

const formatCpf = (d: string) => `${d.slice(0, 3)}.${d.slice(3, 6)}.${d.slice(6, 9)}-${d.slice(9)}`;

/** The Luhn check digit that completes `body`. */
function luhnComplete(body: string): string {
  for (let check = 0; check <= 9; check++) if (passesLuhn(`${body}${check}`)) return `${body}${check}`;
  throw new Error('unreachable');
}

const nineDigits = fc.array(fc.integer({ min: 0, max: 9 }), { minLength: 9, maxLength: 9 })
  .filter((d) => d.some((x) => x !== d[0]));

describe('masking of personal data in message text (R-PRIV-04)', () => {
  it('R-PRIV-04 a valid CPF is masked formatted and bare, its last two digits kept', () => {
    expect(maskPersonalData('Meu CPF é 529.982.247-25.')).toBe('Meu CPF é ***.***.***-25.');
    expect(maskPersonalData('cpf 52998224725 ok')).toBe('cpf *********25 ok');
  });

  it('R-PRIV-04 an 11-digit number failing the CPF check digits, or eleven equal digits, stays as written', () => {
    for (const text of ['CPF 529.982.247-24', 'número 52998224724', 'zeros 000.000.000-00', '11111111111', 'pedido 12345678900']) {
      expect(maskPersonalData(text)).toBe(text);
    }
    expect(isValidCpf('111.111.111-11')).toBe(false);
  });

  it('R-PRIV-04 every CPF made with its check digits is masked; changing a check digit leaves it alone (property)', () => {
    fc.assert(fc.property(nineDigits, fc.boolean(), (nine, formatted) => {
      const cpf = cpfOf(nine);
      const written = formatted ? formatCpf(cpf) : cpf;
      const masked = maskPersonalData(`CPF: ${written} obrigado`);
      expect(masked).not.toContain(written);
      expect(masked).toBe(`CPF: ${formatted ? `***.***.***-${cpf.slice(9)}` : `*********${cpf.slice(9)}`} obrigado`);
      const wrong = `${cpf.slice(0, 10)}${(Number(cpf[10]) + 1) % 10}`;
      const wrongWritten = formatted ? formatCpf(wrong) : wrong;
      expect(maskPersonalData(`CPF: ${wrongWritten} obrigado`)).toBe(`CPF: ${wrongWritten} obrigado`);
    }), { numRuns: 300 });
  });

  it('R-PRIV-04 a Luhn-valid card number is masked but its last four, grouped by spaces or dashes or bare', () => {
    expect(maskPersonalData('cartão 4111 1111 1111 1111')).toBe('cartão **** **** **** 1111');
    expect(maskPersonalData('5555-5555-5555-4444.')).toBe('****-****-****-4444.');
    expect(maskPersonalData('amex 378282246310005')).toBe('amex ***********0005');
    expect(maskPersonalData('amex 3782 822463 10005')).toBe('amex **** ****** *0005');
  });

  it('R-PRIV-04 a card or CPF written next to other numbers is still found', () => {
    expect(maskPersonalData('parcelas: 2 4111 1111 1111 1111 3 vezes')).toBe('parcelas: 2 **** **** **** 1111 3 vezes');
    expect(maskPersonalData('item 1 529.982.247-25 ok')).toBe('item 1 ***.***.***-25 ok');
    expect(maskPersonalData('opção 2 (11) 98765-4321')).toBe('opção 2 (11) *****-4321');
  });

  it('R-PRIV-04 numbers failing Luhn, protocols and Brazilian numbers without a plus are not cards', () => {
    for (const text of ['cartão 4111 1111 1111 1112', 'protocolo 20261129-000123', 'pedido 4111111111111112', 'valor R$ 1.234,56 em 29/11/2026']) {
      expect(maskPersonalData(text)).toBe(text);
    }
    // 5511987654325 passes Luhn but a Mastercard has 16 digits.
    expect(passesLuhn('5511987654325')).toBe(true);
    expect(isCardNumber('5511987654325')).toBe(false);
  });

  it('R-PRIV-04 every Luhn-valid 16-digit Visa number is masked, the same digits with a wrong check digit are not (property)', () => {
    const body = fc.array(fc.integer({ min: 0, max: 9 }), { minLength: 14, maxLength: 14 }).map((d) => `4${d.join('')}`);
    fc.assert(fc.property(body, fc.constantFrom('', ' ', '-'), (digits, sep) => {
      const card = luhnComplete(digits);
      const grouped = (n: string) => n.match(/.{4}/g)!.join(sep);
      expect(maskPersonalData(`pago com ${grouped(card)}`)).toBe(`pago com ${grouped(`************${card.slice(12)}`)}`);
      const wrong = `${card.slice(0, 15)}${(Number(card[15]) + 1) % 10}`;
      expect(maskPersonalData(`pago com ${grouped(wrong)}`)).toBe(`pago com ${grouped(wrong)}`);
    }), { numRuns: 300 });
  });

  it('R-PRIV-04 e-mail addresses keep their first letter and domain', () => {
    expect(maskPersonalData('escreva para maria.silva@exemplo.com.br.')).toBe('escreva para m***@exemplo.com.br.');
    expect(maskPersonalData('joao+loja@x.io, ok')).toBe('j***@x.io, ok');
  });

  it('R-PRIV-04 Brazilian phones keep DDD and last four; E.164 numbers keep the plus, +55 and the DDD', () => {
    expect(maskPersonalData('ligue (11) 98765-4321')).toBe('ligue (11) *****-4321');
    expect(maskPersonalData('fixo 11 3456-7890')).toBe('fixo 11 ****-7890');
    expect(maskPersonalData('zap +55 11 98765-4321')).toBe('zap +55 11 *****-4321');
    expect(maskPersonalData('+5511987654321')).toBe('+5511*****4321');
    expect(maskPersonalData('US +1 415 555 0100')).toBe('US +* *** *** 0100');
  });

  it('R-PRIV-04 bare digits that are no CPF nor card, ids and ordinary text stay as written', () => {
    for (const text of [
      'número 12345678901 e 5511987654325', 'id message:01J9X12345678909AB', 'às 10:30 do dia 29/11/2026', 'Olá, tudo bem?', '',
    ]) expect(maskPersonalData(text)).toBe(text);
  });

  it('R-PRIV-04 a preview cut short inside a number or an address does not show its beginning', () => {
    expect(maskPersonalData('meu cpf 529.982.2…')).toBe('meu cpf ***.***.*…');
    expect(maskPersonalData('email maria@exem…')).toBe('email m****@****…');
    expect(maskPersonalData('até amanhã…')).toBe('até amanhã…');
  });

  it('R-PRIV-04 no valid CPF, card, phone or e-mail survives among other numbers and words, however they are mixed (property)', () => {
    const cpf = fc.tuple(nineDigits, fc.boolean()).map(([nine, formatted]) => (formatted ? formatCpf(cpfOf(nine)) : cpfOf(nine)));
    const visa = fc.tuple(fc.array(fc.integer({ min: 0, max: 9 }), { minLength: 14, maxLength: 14 }), fc.constantFrom('', ' ', '-'))
      .map(([d, sep]) => luhnComplete(`4${d.join('')}`).match(/.{4}/g)!.join(sep));
    const four = fc.integer({ min: 0, max: 9999 }).map((n) => String(n).padStart(4, '0'));
    const phone = fc.tuple(fc.integer({ min: 11, max: 99 }).filter((d) => d % 10 !== 0), four, four, fc.constantFrom('(D) 9A-B', 'D 9A-B', '+55 D 9A-B', 'D A-B'))
      .map(([ddd, a, b, shape]) => shape.replace('D', String(ddd)).replace('A', a).replace('B', b));
    const email = fc.constantFrom('maria.silva@exemplo.com.br', 'joao@x.io', 'ana+loja@empresa.com');
    const filler = fc.oneof(fc.integer({ min: 0, max: 99_999 }).map(String), fc.constantFrom('em', 'vezes', 'R$', 'CPF:', 'ok.', '-'));
    const piece = fc.oneof(
      cpf.map((value) => ({ value, secret: true })),
      visa.map((value) => ({ value, secret: true })),
      phone.map((value) => ({ value, secret: true })),
      email.map((value) => ({ value, secret: true })),
      filler.map((value) => ({ value, secret: false })),
    );
    fc.assert(fc.property(fc.array(piece, { minLength: 1, maxLength: 8 }), (pieces) => {
      const masked = maskPersonalData(pieces.map((p) => p.value).join(' '));
      for (const { value, secret } of pieces) if (secret) expect(masked).not.toContain(value);
    }), { numRuns: 1000 });
  });

  it('R-PRIV-04 masking is idempotent: masked text masked again is unchanged (property)', () => {
    const pieces = fc.constantFrom('529.982.247-25', '4111 1111 1111 1111', 'ana@exemplo.com', '(11) 98765-4321', '+5511987654321', 'olá', ' ', '12345678901', ', ');
    fc.assert(fc.property(fc.array(pieces, { maxLength: 8 }), (parts) => {
      const once = maskPersonalData(parts.join(' '));
      expect(maskPersonalData(once)).toBe(once);
    }));
  });

  it('R-PRIV-04 supervisors and admins view personal data; agents only with "ver dados pessoais"', () => {
    expect(mayViewPersonalData({ role: 'supervisor' })).toBe(true);
    expect(mayViewPersonalData({ role: 'admin', permissions: { personalData: false } })).toBe(true);
    expect(mayViewPersonalData({ role: 'agent' })).toBe(false);
    expect(mayViewPersonalData({ role: 'agent', permissions: { personalData: false } })).toBe(false);
    expect(mayViewPersonalData({ role: 'agent', permissions: { personalData: true } })).toBe(true);
  });
});

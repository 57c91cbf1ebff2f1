import { describe, expect, it } from 'vitest';
import { formatProtocolNumber, parseProtocolNumber, protocolDay } from '../src/protocolNumber.js';

describe('protocol numbers', () => {
  it('R-WS-03 formats as YYYYMMDD-NNNNNN and parses back', () => {
    expect(formatProtocolNumber('20261121', 123)).toBe('20261121-000123');
    expect(parseProtocolNumber('20261121-000123')).toEqual({ day: '20261121', sequence: 123 });
    expect(formatProtocolNumber('20261121', 1234567)).toBe('20261121-1234567');
  });

  it('R-WS-03 uses the organisation’s time zone for the day', () => {
    const lateEvening = Date.UTC(2026, 10, 22, 1, 30); // 22:30 on the 21st in São Paulo (UTC−3)
    expect(protocolDay(lateEvening, 'America/Sao_Paulo')).toBe('20261121');
    expect(protocolDay(lateEvening, 'UTC')).toBe('20261122');
  });

  it('R-WS-03 refuses malformed parts instead of producing ambiguous numbers', () => {
    expect(() => formatProtocolNumber('2026-11-21', 1)).toThrow(RangeError);
    expect(() => formatProtocolNumber('20261121', 0)).toThrow(RangeError);
    expect(parseProtocolNumber('20261121-12')).toBeUndefined();
    expect(parseProtocolNumber('hello')).toBeUndefined();
  });
});

import { describe, expect, it } from 'vitest';
import {
  MEDIA_LIMITS, RA_META, RA_MODERATION_MESSAGE_MAX, RA_MODERATION_REASONS, RA_REFUSAL, RA_TARGET_COMPANY_MAX, RaModerationBody,
} from '@atende/protocol';
import {
  moderationFileRefusal, moderationProblems, moderationRefusalCode, moderationRequest, needsTargetCompany, offersRaCommands,
  type ModerationDraft,
} from '../src/components/reclameaqui/moderation';

/**
 * "Solicitar moderação" (R-CH-09): the dialog's rules, the ones the server enforces (protocol
 * RaModerationBody, raModerationRefusal, MEDIA_LIMITS.reclameaqui).
 */
const complaint = (meta: Record<string, string> = {}) => ({ channel: 'reclameaqui' as const, channelMeta: { [RA_META.complaintId]: '900', ...meta } });
const draft = (change: Partial<ModerationDraft> = {}): ModerationDraft => ({ reason: '4', targetCompany: '', message: 'Reclamação repetida.', ...change });
const MB = 1024 * 1024;

describe('R-CH-09 moderation request: fields', () => {
  it('R-CH-09 only "Reclamação de outra empresa" (1) asks for the correct company', () => {
    expect(RA_MODERATION_REASONS.filter((r) => needsTargetCompany(r.code)).map((r) => r.code)).toEqual(['1']);
    expect(needsTargetCompany('')).toBe(false);
  });

  it('R-CH-09 a reason is required; the company is required (and bounded) only for reason 1', () => {
    expect(moderationProblems(draft({ reason: '' }))).toEqual({ reason: 'reasonMissing' });
    expect(moderationProblems(draft({ reason: '1', targetCompany: '  ' }))).toEqual({ targetCompany: 'companyMissing' });
    expect(moderationProblems(draft({ reason: '1', targetCompany: 'x'.repeat(RA_TARGET_COMPANY_MAX + 1) }))).toEqual({ targetCompany: 'companyTooLong' });
    expect(moderationProblems(draft({ reason: '1', targetCompany: 'Loja Certa Ltda' }))).toEqual({});
    // Another reason does not need it, whatever was typed.
    expect(moderationProblems(draft({ reason: '5', targetCompany: '' }))).toEqual({});
  });

  it('R-CH-09 the message is required and at most RA_MODERATION_MESSAGE_MAX characters', () => {
    expect(moderationProblems(draft({ message: ' \n ' }))).toEqual({ message: 'messageMissing' });
    expect(moderationProblems(draft({ message: 'x'.repeat(RA_MODERATION_MESSAGE_MAX + 1) }))).toEqual({ message: 'messageTooLong' });
    expect(moderationProblems(draft({ message: 'x'.repeat(RA_MODERATION_MESSAGE_MAX) }))).toEqual({});
  });

  it('R-CH-09 the request sent is trimmed, names the company only for reason 1, carries the one file, and passes the server schema', () => {
    expect(moderationRequest(draft({ reason: '' }))).toBeNull();
    const other = moderationRequest(draft({ reason: '1', targetCompany: ' Loja Certa ', message: ' Não somos nós. ', mediaId: 'media:m1' }));
    expect(other).toEqual({ reason: '1', targetCompany: 'Loja Certa', message: 'Não somos nós.', mediaIds: ['media:m1'] });
    // A company typed before switching to another reason is left out.
    const duplicate = moderationRequest(draft({ reason: '4', targetCompany: 'Loja Certa' }));
    expect(duplicate).toEqual({ reason: '4', message: 'Reclamação repetida.' });
    for (const body of [other, duplicate]) expect(RaModerationBody.safeParse({ id: '01JCMDMODERATION', ...body }).success).toBe(true);
  });
});

describe('R-CH-09 moderation request: the file', () => {
  it('R-CH-09 one JPEG, PNG or PDF up to the channel limit is taken; no file is fine too', () => {
    expect(moderationFileRefusal([])).toBeNull();
    expect(moderationFileRefusal([{ name: 'print.png', type: 'image/png', size: 2 * MB }])).toBeNull();
    expect(moderationFileRefusal([{ name: 'nota.pdf', type: 'application/pdf', size: MEDIA_LIMITS.reclameaqui.maxBytes }])).toBeNull();
  });

  it('R-CH-09 a second file, another type or a file over the limit is refused with the reason', () => {
    const png = { name: 'a.png', type: 'image/png', size: MB };
    expect(moderationFileRefusal([png, { ...png, name: 'b.png' }])).toEqual({ key: 'oneFile', values: {} });
    expect(moderationFileRefusal([{ name: 'audio.mp3', type: 'audio/mpeg', size: MB }])).toEqual({
      key: 'unsupported', values: { name: 'audio.mp3', types: 'JPEG, PNG, PDF' },
    });
    // No declared type: the extension decides.
    expect(moderationFileRefusal([{ name: 'planilha.xlsx', type: '', size: MB }])?.key).toBe('unsupported');
    expect(moderationFileRefusal([{ name: 'big.pdf', type: 'application/pdf', size: MEDIA_LIMITS.reclameaqui.maxBytes + 1 }])).toEqual({
      key: 'tooLarge', values: { name: 'big.pdf', max: '10 MB' },
    });
  });
});

describe('R-CH-09 moderation request: when it is offered', () => {
  it('R-CH-09 refused while a moderation is pending; possible again once decided', () => {
    expect(moderationRefusalCode(complaint())).toBeNull();
    expect(moderationRefusalCode(complaint({ [RA_META.moderationStatus]: 'pending' }))).toBe(RA_REFUSAL.moderationPending);
    expect(moderationRefusalCode(complaint({ [RA_META.moderationStatus]: 'refused' }))).toBeNull();
    expect(moderationRefusalCode(complaint({ [RA_META.moderationStatus]: 'accepted' }))).toBeNull();
  });

  it('R-CH-09 only Reclame Aqui complaints, and only to who may answer them', () => {
    expect(moderationRefusalCode({ channel: 'whatsapp', channelMeta: {} })).toBe(RA_REFUSAL.notAComplaint);
    expect(moderationRefusalCode({ channel: 'reclameaqui', channelMeta: {} })).toBe(RA_REFUSAL.notAComplaint);
    expect(offersRaCommands({ channel: 'reclameaqui' }, true)).toBe(true);
    expect(offersRaCommands({ channel: 'reclameaqui' }, false)).toBe(false);
    expect(offersRaCommands({ channel: 'telegram' }, true)).toBe(false);
  });
});

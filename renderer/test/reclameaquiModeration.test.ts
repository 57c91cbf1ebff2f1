import { describe, expect, it } from 'vitest';
import {
  AUDIO_NOT_SUPPORTED, FILES_ONLY_PRIVATE, MEDIA_LIMITS, RA_MODERATION_MESSAGE_MAX, RA_REFUSAL, RA_TARGET_COMPANY_MAX, RaModerationBody,
} from '@atende/protocol';
import en from '../src/i18n/locales/en.json';
import {
  firstInvalidField, moderationFileRefusal, moderationProblems, moderationRequest, offersRaCommands, shownProblems,
  type ModerationDraft, type ModerationField,
} from '../src/components/reclameaqui/moderation';
import { raRefusalText } from '../src/components/reclameaqui/raRefusal';

/**
 * "Solicitar moderação" (R-CH-09): the dialog's rules, the ones the server enforces (protocol
 * RaModerationBody, raModerationRefusal, MEDIA_LIMITS.reclameaqui).
 */
const draft = (change: Partial<ModerationDraft> = {}): ModerationDraft => ({ reason: '4', targetCompany: '', message: 'Reclamação repetida.', ...change });
const MB = 1024 * 1024;

describe('R-CH-09 moderation request: fields', () => {
  it('R-CH-09 a reason of the list is required; the company is required (and bounded) only for reason 1', () => {
    expect(moderationProblems(draft({ reason: '' }))).toEqual({ reason: 'reasonMissing' });
    expect(moderationProblems(draft({ reason: '99' }))).toEqual({ reason: 'reasonMissing' });
    expect(moderationProblems(draft({ reason: '1', targetCompany: '', message: '' }))).toEqual({ targetCompany: 'companyMissing', message: 'messageMissing' });
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

describe('R-CH-09 moderation request: when a field is called wrong', () => {
  const fresh = draft({ reason: '1', targetCompany: '', message: '' });

  it('R-CH-09 nothing is called wrong before the agent left a field or tried to send: not the company the moment reason 1 is picked', () => {
    expect(shownProblems(moderationProblems(fresh), new Set())).toEqual({});
    // The agent picked the reason and left it: its field is fine, the others are not judged yet.
    expect(shownProblems(moderationProblems(fresh), new Set<ModerationField>(['reason']))).toEqual({});
  });

  it('R-CH-09 a field left empty, or every field at a send attempt, shows its problem', () => {
    expect(shownProblems(moderationProblems(fresh), new Set<ModerationField>(['reason', 'targetCompany']))).toEqual({ targetCompany: 'companyMissing' });
    expect(shownProblems(moderationProblems(fresh), new Set<ModerationField>(['reason', 'targetCompany', 'message'])))
      .toEqual({ targetCompany: 'companyMissing', message: 'messageMissing' });
  });

  it('R-CH-09 after a failed send the focus goes to the first field with a problem, in the dialog’s order', () => {
    expect(firstInvalidField(moderationProblems(draft({ reason: '', message: '' })))).toBe('reason');
    expect(firstInvalidField(moderationProblems(fresh))).toBe('targetCompany');
    expect(firstInvalidField(moderationProblems(draft({ message: '' })))).toBe('message');
    expect(firstInvalidField(moderationProblems(draft()))).toBeUndefined();
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
  // When a request is refused (pending, not a complaint) is the protocol's raModerationRefusal: protocol/test/reclameAquiActions.test.ts.
  it('R-CH-09 only Reclame Aqui complaints, and only to who may answer them', () => {
    expect(offersRaCommands({ channel: 'reclameaqui' }, true)).toBe(true);
    expect(offersRaCommands({ channel: 'reclameaqui' }, false)).toBe(false);
    expect(offersRaCommands({ channel: 'telegram' }, true)).toBe(false);
  });
});

describe('R-CH-09 R-CH-10 refusals in the user\'s language', () => {
  const i18n = (known: string[]) => ({
    t: (key: string) => `[${key}]`,
    te: (key: string) => known.includes(key),
  });

  it('R-CH-09 R-CH-10 a known code is translated under reclameaqui.refusal; another keeps the sentence it came with', () => {
    const { t, te } = i18n([`reclameaqui.refusal.${RA_REFUSAL.moderationPending}`]);
    expect(raRefusalText(t, te, RA_REFUSAL.moderationPending, 'pt-BR')).toBe(`[reclameaqui.refusal.${RA_REFUSAL.moderationPending}]`);
    expect(raRefusalText(t, te, 'ra_new_rule', 'Frase do servidor.')).toBe('Frase do servidor.');
  });

  it('R-CH-07 R-CH-09 R-CH-10 every refusal code of the protocol has its sentence (i18n.test.ts keeps the languages in step)', () => {
    const codes = [...Object.values(RA_REFUSAL), FILES_ONLY_PRIVATE, AUDIO_NOT_SUPPORTED].sort();
    expect(Object.keys(en.reclameaqui.refusal).sort()).toEqual(codes);
  });
});

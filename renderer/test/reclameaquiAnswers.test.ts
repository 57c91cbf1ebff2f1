import { describe, expect, it, vi } from 'vitest';
import { ref } from 'vue';
import {
  FILES_ONLY_PRIVATE, AUDIO_NOT_SUPPORTED, MEDIA_LIMITS, RA_FILES_ONLY_PRIVATE, RA_META, raEvaluationPayload, type ChannelKind, type MessageDoc,
} from '@atende/protocol';

/**
 * The agent's side of Reclame Aqui answers (issue 12): the composer's public/private mode and its
 * rules (R-CH-07), the marks on messages, the complaint header's facts (R-CH-06) and the
 * evaluation card's source (R-CH-10). The rules themselves are protocol's; these prove the screen
 * asks them the right questions.
 */
const outbox = vi.hoisted(() => ({ sent: [] as Array<{ text: string; mediaIds: string[]; visibility: string | undefined }> }));
vi.mock('../src/stores/workspace', () => ({
  useWorkspaceStore: () => ({
    sendMessage: (_id: string, text: string, mediaIds: string[], visibility?: string) => {
      outbox.sent.push({ text, mediaIds, visibility });
      return Promise.resolve();
    },
  }),
}));
const { PUBLIC_SENT_NOTICE_MS, refusalText, useAnswerVisibility } = await import('../src/components/reclameaqui/publicMode');
const { raVisibilityOf, companyAnsweredPublicly, complaintPlace, complaintDateTime, safePageUrl, evaluationCardOf } =
  await import('../src/components/reclameaqui/raMessages');
const { useReplySend } = await import('../src/components/composer/replySend');

function message(part: Partial<MessageDoc>): MessageDoc {
  return {
    id: 'm1', type: 'message', conversationId: 'c1', teamId: 't1', formerTeamIds: [], direction: 'in', authorId: null,
    authorName: 'Consumidor', kind: 'text', text: 'Oi', attachments: [], visibility: 'public', status: 'delivered', error: null,
    externalId: null, payload: {}, createdAt: 1, updatedAt: 1, ...part,
  } as MessageDoc;
}

/** `null`: the conversation is not loaded yet. */
function composer(channel: ChannelKind | null = 'reclameaqui') {
  const state = {
    channel: ref<ChannelKind | undefined>(channel ?? undefined),
    meta: ref<Record<string, string>>({ [RA_META.complaintId]: '42' }),
    messages: ref<MessageDoc[]>([]),
    files: ref<Array<{ mimeType: string }>>([]),
  };
  const answer = useAnswerVisibility({
    channel: () => state.channel.value,
    conversation: () => ({ channelMeta: state.meta.value }),
    messages: () => state.messages.value,
    files: () => state.files.value,
  });
  return { state, answer };
}

describe('R-CH-07 the Reclame Aqui composer: private by default, public on purpose', () => {
  it('R-CH-07 a complaint is answered in private unless the agent switches to public; other channels carry no visibility', () => {
    const { answer } = composer();
    expect(answer.applies.value).toBe(true);
    expect(answer.isPublic.value).toBe(false);
    expect(answer.outgoing.value).toBe('private');
    const webchat = composer('webchat').answer;
    expect(webchat.applies.value).toBe(false);
    webchat.toggle();
    expect(webchat.isPublic.value).toBe(false);
    expect(webchat.outgoing.value).toBeUndefined();
  });

  it('R-CH-07 "Responder publicamente" switches to public and "Responder em privado" back', () => {
    const { answer } = composer();
    answer.toggle();
    expect(answer.isPublic.value).toBe(true);
    expect(answer.outgoing.value).toBe('public');
    answer.toggle();
    expect(answer.outgoing.value).toBe('private');
  });

  it('R-CH-07 a conversation that loads after the composer still starts private', () => {
    const { state, answer } = composer(null);
    expect(answer.applies.value).toBe(false);
    state.channel.value = 'reclameaqui';
    expect(answer.outgoing.value).toBe('private');
  });

  it('R-CH-07 after a public answer went to the outbox the composer is private again', () => {
    const { answer } = composer();
    answer.toggle();
    answer.sent();
    expect(answer.isPublic.value).toBe(false);
    expect(answer.outgoing.value).toBe('private');
  });

  it('R-CH-07 after a public answer the agent is told, for a moment, that the next answer is private; a private send says nothing', () => {
    vi.useFakeTimers();
    try {
      const { answer } = composer();
      answer.sent();
      expect(answer.publicSent.value).toBe(false);
      answer.toggle();
      answer.sent();
      expect(answer.isPublic.value).toBe(false);
      expect(answer.publicSent.value).toBe(true);
      vi.advanceTimersByTime(PUBLIC_SENT_NOTICE_MS);
      expect(answer.publicSent.value).toBe(false);
      // Switching to public again ends the notice at once: it would contradict the mode.
      answer.toggle();
      answer.sent();
      answer.toggle();
      expect(answer.publicSent.value).toBe(false);
    } finally {
      vi.useRealTimers();
    }
  });

  it('R-CH-07 the notice says the public answer is queued, not sent: it shows when the answer enters the outbox, and HugMe may still refuse it', async () => {
    const { i18n } = await import('../src/i18n');
    const notice = (locale: 'pt-BR' | 'en' | 'es') => i18n.global.t('reclameaqui.composer.publicSent', {}, { locale });
    expect(notice('pt-BR')).toBe('Resposta pública na fila de envio. A próxima resposta será privada.');
    expect(notice('en')).toMatch(/queued/i);
    expect(notice('en')).not.toMatch(/\bsent\b/i);
    expect(notice('es')).toMatch(/cola de envío/i);
    expect(notice('es')).not.toMatch(/enviada/i);
  });

  it('R-CH-07 the tip shows until the company has answered publicly (poller, or a public answer in the history)', () => {
    const { state, answer } = composer();
    expect(answer.showTip.value).toBe(true);
    state.messages.value = [message({ direction: 'out', visibility: 'private', status: 'sent' })];
    expect(answer.showTip.value).toBe(true);
    state.messages.value = [message({ direction: 'out', visibility: 'public', status: 'failed' })];
    expect(answer.showTip.value).toBe(true);
    state.messages.value = [message({ direction: 'out', visibility: 'public', status: 'queued' })];
    expect(answer.showTip.value).toBe(false);
    state.messages.value = [message({ direction: 'out', visibility: 'private', payload: { raInteractionType: '3' } })];
    expect(answer.showTip.value).toBe(true);
    state.messages.value = [];
    state.meta.value = { ...state.meta.value, [RA_META.lastPublicBy]: 'consumer' };
    expect(answer.showTip.value).toBe(true);
    state.meta.value = { ...state.meta.value, [RA_META.lastPublicBy]: 'company' };
    expect(answer.showTip.value).toBe(false);
    expect(composer('telegram').answer.showTip.value).toBe(false);
  });

  it('R-CH-07 files are refused in public mode (attach disabled, send held back), allowed one per message in private', () => {
    const { state, answer } = composer();
    expect(answer.attachRefusal.value).toBeNull();
    state.files.value = [{ mimeType: 'application/pdf' }, { mimeType: 'image/png' }];
    expect(answer.sendRefusal.value).toBeNull();
    answer.toggle();
    expect(answer.attachRefusal.value?.code).toBe(FILES_ONLY_PRIVATE);
    expect(answer.sendRefusal.value?.code).toBe(FILES_ONLY_PRIVATE);
    answer.toggle();
    state.files.value = [{ mimeType: 'audio/ogg' }];
    expect(answer.sendRefusal.value?.code).toBe(AUDIO_NOT_SUPPORTED);
    expect(composer('whatsapp').answer.attachRefusal.value).toBeNull();
  });

  it('R-CH-07 no audio on Reclame Aqui: the attach picker offers none', () => {
    expect(MEDIA_LIMITS.reclameaqui.mimeTypes.filter((type) => type.startsWith('audio/'))).toEqual([]);
    expect(MEDIA_LIMITS.reclameaqui.mimeTypes.length).toBeGreaterThan(0);
  });

  it('R-CH-07 a refusal is said in the user’s language; one the screen does not know keeps the protocol’s sentence', () => {
    const known = new Set(['reclameaqui.refusal.files_only_private']);
    const i18n = { t: (key: string) => `[${key}]`, te: (key: string) => known.has(key) };
    expect(refusalText({ code: FILES_ONLY_PRIVATE, message: RA_FILES_ONLY_PRIVATE }, i18n)).toBe('[reclameaqui.refusal.files_only_private]');
    expect(refusalText({ code: 'too_many_files', message: 'Um arquivo por mensagem.' }, i18n)).toBe('Um arquivo por mensagem.');
  });

  it('R-CH-07 every part of a send carries the chosen visibility to the outbox; other channels send none', async () => {
    outbox.sent = [];
    expect(await useReplySend(() => 'c1', () => 'reclameaqui').send('Segue', ['media:a', 'media:b'], 'private')).toBe(true);
    expect(outbox.sent).toEqual([
      { text: 'Segue', mediaIds: ['media:a'], visibility: 'private' },
      { text: '', mediaIds: ['media:b'], visibility: 'private' },
    ]);
    outbox.sent = [];
    await useReplySend(() => 'c2', () => 'webchat').send('Oi', []);
    expect(outbox.sent).toEqual([{ text: 'Oi', mediaIds: [], visibility: undefined }]);
  });
});

describe('R-CH-07 "Pública" / "Privada" on Reclame Aqui messages', () => {
  it('R-CH-07 every Reclame Aqui message by its stored visibility: the agent’s answers as sent, imported ones as the server read HugMe', () => {
    const ra = 'reclameaqui' as const;
    // The stored visibility is the server's reading of HugMe (privacy, else the type): it is what shows.
    expect(raVisibilityOf(message({ visibility: 'public', payload: { raInteractionType: '1' } }), ra)).toBe('public');
    expect(raVisibilityOf(message({ visibility: 'private', payload: { raInteractionType: '6' } }), ra)).toBe('private');
    expect(raVisibilityOf(message({ visibility: 'private', payload: { raInteractionType: '1' } }), ra)).toBe('private');
    expect(raVisibilityOf(message({ visibility: 'public', payload: { raInteractionType: '11' } }), ra)).toBe('public');
    expect(raVisibilityOf(message({ direction: 'out', visibility: 'public' }), ra)).toBe('public');
    expect(raVisibilityOf(message({ direction: 'out', visibility: 'private' }), ra)).toBe('private');
    expect(raVisibilityOf(message({ direction: 'out', visibility: 'private', payload: { raInteractionType: '3' } }), ra)).toBe('private');
    expect(raVisibilityOf(message({ direction: 'system', kind: 'event' }), ra)).toBeNull();
  });

  it('R-CH-07 a consumer’s private reply stored before messages carried their visibility (all "public") is still shown private', () => {
    const ra = 'reclameaqui' as const;
    expect(raVisibilityOf(message({ visibility: 'public', payload: { raInteractionType: '6' } }), ra)).toBe('private');
    // A public type, or no type at all, keeps what was stored.
    expect(raVisibilityOf(message({ visibility: 'public', payload: { raInteractionType: '1' } }), ra)).toBe('public');
    expect(raVisibilityOf(message({ visibility: 'public', payload: {} }), ra)).toBe('public');
    // The company's imported answers always stored theirs.
    expect(raVisibilityOf(message({ direction: 'out', visibility: 'public', payload: { raInteractionType: '3' } }), ra)).toBe('public');
    expect(raVisibilityOf(message({ direction: 'out', visibility: 'public' }), 'whatsapp')).toBeNull();
  });

  it('R-CH-07 a public answer imported from the site counts as the company answering publicly', () => {
    expect(companyAnsweredPublicly({ channelMeta: {} }, [message({ direction: 'out', payload: { raInteractionType: '2' } })])).toBe(true);
    expect(companyAnsweredPublicly({ channelMeta: {} }, [message({ payload: { raInteractionType: '1' } })])).toBe(false);
  });

  it('R-CH-07 the tip stays away once the company answered publicly, even after the consumer evaluated (their public word last)', () => {
    const evaluatedMeta = { [RA_META.lastPublicBy]: 'consumer', [RA_META.answeredPublicly]: 'true' };
    expect(companyAnsweredPublicly({ channelMeta: evaluatedMeta }, [])).toBe(true);
    expect(companyAnsweredPublicly({ channelMeta: { [RA_META.lastPublicBy]: 'consumer' } }, [])).toBe(false);
  });
});

describe('R-CH-06 the complaint header’s facts', () => {
  it('R-CH-06 city/state, the date in the user’s language, and only web pages as the complaint link', () => {
    expect(complaintPlace({ city: 'Campinas', state: 'SP' })).toBe('Campinas/SP');
    expect(complaintPlace({ city: null, state: 'SP' })).toBe('SP');
    expect(complaintPlace({ city: null, state: null })).toBe('');
    // No offset: a local time, so the text does not depend on the machine's time zone.
    expect(complaintDateTime('2026-03-05T14:30:00', 'pt-BR')).toBe('05/03/2026, 14:30');
    expect(complaintDateTime('ontem', 'pt-BR')).toBe('');
    expect(complaintDateTime(null, 'en')).toBe('');
    expect(safePageUrl('https://www.reclameaqui.com.br/empresa/x/abc_123/')).toBe('https://www.reclameaqui.com.br/empresa/x/abc_123/');
    expect(safePageUrl('javascript:alert(1)')).toBeNull();
    expect(safePageUrl(null)).toBeNull();
  });
});

describe('R-CH-10 the consumer’s evaluation as a card', () => {
  it('R-CH-10 an inbound message with the evaluation payload is a card; its comment stays text; other messages are not', () => {
    const payload = { raInteractionType: '11', ...raEvaluationPayload({ rating: 8, resolved: true, backDoingBusiness: false, comment: '<b>ok</b>' }) };
    expect(evaluationCardOf(message({ payload }))).toEqual({ rating: 8, resolved: true, backDoingBusiness: false, comment: '<b>ok</b>' });
    expect(evaluationCardOf(message({ direction: 'out', payload }))).toBeNull();
    expect(evaluationCardOf(message({ payload: { raInteractionType: '6' } }))).toBeNull();
  });
});

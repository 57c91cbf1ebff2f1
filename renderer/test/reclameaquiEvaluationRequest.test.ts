import { afterEach, describe, expect, it, vi } from 'vitest';
import { RA_META, RA_REFUSAL, raCommandMessageId, RaEvaluationBody, RaModerationBody, type MessageDoc } from '@atende/protocol';

/**
 * "Solicitar avaliação" (R-CH-10) in the finish dialog: what the agent is told about it once
 * asked; and both Reclame Aqui requests (R-CH-09 too) travel as outbox commands to their
 * endpoints with the command id.
 */
const net = vi.hoisted(() => ({
  sent: [] as Array<{ path: string; params: unknown; body: unknown }>,
  failure: undefined as Error | undefined,
}));
vi.mock('../src/net/api', () => {
  class ApiError extends Error {
    constructor(readonly status: number, readonly code: string, message: string) {
      super(message);
    }
  }
  return { ApiError };
});
vi.mock('../src/net/client', () => ({
  call: vi.fn(async (endpoint: { path: string }, request: { params?: unknown; body?: unknown }) => {
    net.sent.push({ path: endpoint.path, params: request.params, body: request.body });
    if (net.failure) throw net.failure;
    return { message: {} };
  }),
}));

const { ApiError } = await import('../src/net/api');
const { CommandRefused } = await import('../src/db/outbox');
const { httpTransport } = await import('../src/db/outboxTransport');
const { evaluationRequestHeld, evaluationRequestState } = await import('../src/components/reclameaqui/evaluationRequest');
const { closeOutboxes, outboxCollection, startedOutbox } = await import('./outboxFixture');

const complaint = (meta: Record<string, string> = {}) => ({ channel: 'reclameaqui' as const, channelMeta: { [RA_META.complaintId]: '900', ...meta } });
const answered = { [RA_META.lastPublicBy]: 'company' };

function eventMessage(id: string, status: MessageDoc['status'], error: string | null = null, createdAt = 1_000): MessageDoc {
  return {
    id, type: 'message', createdAt, updatedAt: createdAt, conversationId: 'conversation:c1', teamId: 'team:sac', formerTeamIds: [],
    direction: 'system', authorId: null, authorName: '', kind: 'event', text: 'Avaliação solicitada ao consumidor.', attachments: [],
    visibility: 'public', status, error, externalId: null, payload: { event: 'raEvaluationRequested', byUserId: 'user:ana' },
  };
}

afterEach(async () => {
  net.sent.length = 0;
  net.failure = undefined;
  await closeOutboxes();
});

// When "Solicitar avaliação" is enabled is the protocol's raEvaluationRefusal: protocol/test/reclameAquiActions.test.ts.

describe('R-CH-10 what the dialog says about the request', () => {
  it('R-CH-10 never requested: nothing; requested earlier: when, from channelMeta', () => {
    expect(evaluationRequestState(complaint(answered), [])).toBeNull();
    const at = '2026-11-28T12:00:00.000Z';
    expect(evaluationRequestState(complaint({ ...answered, [RA_META.evaluationRequestedAt]: at }), [])).toEqual({
      kind: 'requested', at: Date.parse(at),
    });
  });

  it('R-CH-10 the last request’s event message tells its delivery: sending, requested or failed with the reason', () => {
    const c = complaint(answered);
    expect(evaluationRequestState(c, [eventMessage('message:a', 'queued')])).toEqual({ kind: 'sending' });
    expect(evaluationRequestState(c, [eventMessage('message:a', 'sent', null, 5)])).toEqual({ kind: 'requested', at: 5 });
    expect(evaluationRequestState(c, [eventMessage('message:a', 'sent'), eventMessage('message:b', 'failed', 'Recusado pelo Reclame Aqui')]))
      .toEqual({ kind: 'failed', error: 'Recusado pelo Reclame Aqui' });
  });

  it('R-CH-10 the request just made wins over an older one: waiting offline, then sending, then its own event', () => {
    const older = eventMessage('message:old', 'sent');
    const c = complaint(answered);
    expect(evaluationRequestState(c, [older], { commandId: '01JCMDEVAL01', outcome: 'queued' })).toEqual({ kind: 'waiting' });
    expect(evaluationRequestState(c, [older], { commandId: '01JCMDEVAL01', outcome: 'done' })).toEqual({ kind: 'sending' });
    // Another request's message whose id merely contains the command id is not this one.
    const lookalike = eventMessage('message:01JCMDEVAL01', 'failed', 'Outro pedido');
    expect(evaluationRequestState(c, [older, lookalike], { commandId: '01JCMDEVAL01', outcome: 'done' })).toEqual({ kind: 'sending' });
    const own = eventMessage(raCommandMessageId('01JCMDEVAL01'), 'sent', null, 9);
    expect(evaluationRequestState(c, [older, lookalike, own], { commandId: '01JCMDEVAL01', outcome: 'done' })).toEqual({ kind: 'requested', at: 9 });
  });
});

describe('R-CH-10 "Solicitar avaliação" waits while a request is on its way', () => {
  const own = { commandId: '01JCMDEVAL09', outcome: 'done' as const };

  it('R-CH-10 held while queued here or sending (the server refuses repeats in flight), and once this dialog’s request was accepted', () => {
    expect(evaluationRequestHeld({ kind: 'waiting' }, { ...own, outcome: 'queued' })).toBe(true);
    expect(evaluationRequestHeld({ kind: 'sending' }, own)).toBe(true);
    // Another agent's (or an earlier visit's) request still being sent holds it too.
    expect(evaluationRequestHeld({ kind: 'sending' }, undefined)).toBe(true);
    expect(evaluationRequestHeld({ kind: 'requested', at: 9 }, own)).toBe(true);
  });

  it('R-CH-10 free when never asked, after a refusal, or when the accepted request is an earlier visit’s', () => {
    expect(evaluationRequestHeld(null, undefined)).toBe(false);
    expect(evaluationRequestHeld({ kind: 'failed', error: 'Recusado' }, own)).toBe(false);
    expect(evaluationRequestHeld({ kind: 'failed', error: null }, undefined)).toBe(false);
    expect(evaluationRequestHeld({ kind: 'requested', at: 9 }, undefined)).toBe(false);
  });

  it('R-CH-10 the state line follows this dialog’s request from queued to accepted, holding the button all along', () => {
    const c = complaint(answered);
    const steps = [
      { messages: [], local: { ...own, outcome: 'queued' as const } },
      { messages: [], local: own },
      { messages: [eventMessage(raCommandMessageId(own.commandId), 'queued')], local: own },
      { messages: [eventMessage(raCommandMessageId(own.commandId), 'sent', null, 7)], local: own },
    ];
    expect(steps.map(({ messages, local }) => {
      const state = evaluationRequestState(c, messages, local);
      return [state?.kind, evaluationRequestHeld(state, local)];
    })).toEqual([['waiting', true], ['sending', true], ['sending', true], ['requested', true]]);
  });
});

describe('R-CH-09 R-CH-10 the requests as outbox commands', () => {
  it('R-CH-10 R-CH-09 the HTTP transport calls the two endpoints with the stored body, command id included', async () => {
    const moderation = { id: '01JCMDMOD001', reason: '1', targetCompany: 'Loja Certa', message: 'Não somos nós.', mediaIds: ['media:m1'] };
    await httpTransport('raEvaluation', 'conversation:c1', { id: '01JCMDEVAL01' });
    await httpTransport('raModeration', 'conversation:c1', moderation);
    expect(net.sent).toEqual([
      { path: '/api/conversations/:id/reclameaqui/evaluation', params: { id: 'conversation:c1' }, body: { id: '01JCMDEVAL01' } },
      { path: '/api/conversations/:id/reclameaqui/moderation', params: { id: 'conversation:c1' }, body: moderation },
    ]);
    // What goes is what the server's schemas take.
    expect(RaEvaluationBody.safeParse(net.sent[0]?.body).success).toBe(true);
    expect(RaModerationBody.safeParse(net.sent[1]?.body).success).toBe(true);
  });

  it('R-CH-10 the server’s 409 (the Reclame Aqui rule) is a refusal, never retried; a server error is retried', async () => {
    net.failure = new ApiError(409, RA_REFUSAL.lastPublicNotCompany, 'Responda publicamente antes');
    const refused = await httpTransport('raEvaluation', 'conversation:c1', { id: '01JCMDEVAL02' }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(CommandRefused);
    expect((refused as InstanceType<typeof CommandRefused>).refusal).toEqual({
      status: 409, code: RA_REFUSAL.lastPublicNotCompany, message: 'Responda publicamente antes',
    });
    net.failure = new ApiError(502, 'upstream', 'Bad gateway');
    const retried = await httpTransport('raEvaluation', 'conversation:c1', { id: '01JCMDEVAL02' }).catch((e: unknown) => e);
    expect(retried).not.toBeInstanceOf(CommandRefused);
  });

  it('R-CH-10 R-CH-09 enqueued under the dialog’s command id, each request is sent once with that id as its body id', async () => {
    const sent: Array<{ kind: string; conversationId: string; body: Record<string, unknown> }> = [];
    const outbox = startedOutbox(await outboxCollection(), async (kind, conversationId, body) => {
      sent.push({ kind, conversationId, body });
    });
    await outbox.enqueue({ kind: 'raEvaluation', conversationId: 'conversation:c1', body: {} }, '01JCMDEVAL03');
    // A second confirm of the same action: the same command, applied once.
    await outbox.enqueue({ kind: 'raEvaluation', conversationId: 'conversation:c1', body: {} }, '01JCMDEVAL03');
    await outbox.enqueue({ kind: 'raModeration', conversationId: 'conversation:c1', body: { reason: '4', message: 'Duplicada.' } }, '01JCMDMOD002');
    expect(await outbox.settled('01JCMDEVAL03')).toBe('done');
    expect(await outbox.settled('01JCMDMOD002')).toBe('done');
    expect(sent).toEqual([
      { kind: 'raEvaluation', conversationId: 'conversation:c1', body: { id: '01JCMDEVAL03' } },
      { kind: 'raModeration', conversationId: 'conversation:c1', body: { id: '01JCMDMOD002', reason: '4', message: 'Duplicada.' } },
    ]);
  });
});

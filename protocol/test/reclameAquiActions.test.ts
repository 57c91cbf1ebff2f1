import { describe, expect, it } from 'vitest';
import {
  ClientId, mayRefreshReputation, RESERVED_CLIENT_ID_PREFIXES, raStatusName, raInteractionTypeOf, raInteractionVisibility,
  raModerationStatusOf, RA_MODERATION_UNKNOWN, RA_EVALUATION_PAYLOAD, RA_EVALUATED_STATUS_IDS, RA_META, RA_REFUSAL, RaAccountReputation, raEvaluationOf,
  raEvaluationPayload, raEvaluationRefusal, raEvaluationText, raModerationRefusal, RaModerationBody, raReasonNeedsTargetCompany,
  RaReputation, seesRaReputation, type RaEvaluation,
} from '../src/index.js';

/**
 * The Reclame Aqui commands' and figures' rules the server enforces and the screen follows:
 * moderation (R-CH-09), evaluation request and the consumer's evaluation (R-CH-10), reputation (R-CH-08).
 */
const complaint = (meta: Record<string, string> = {}) => ({ channel: 'reclameaqui', channelMeta: { [RA_META.complaintId]: '900', ...meta } });
const answered = { [RA_META.lastPublicBy]: 'company' };

describe('R-CH-10 evaluation request: when it is allowed', () => {
  it('R-CH-10 allowed once the last public interaction is the company’s and the consumer has not evaluated', () => {
    expect(raEvaluationRefusal(complaint(answered))).toBeNull();
    expect(raEvaluationRefusal(complaint())?.code).toBe(RA_REFUSAL.lastPublicNotCompany);
    expect(raEvaluationRefusal(complaint({ [RA_META.lastPublicBy]: 'consumer' }))?.code).toBe(RA_REFUSAL.lastPublicNotCompany);
  });

  it('R-CH-10 refused once evaluated, by the flag or by an evaluated status', () => {
    expect(raEvaluationRefusal(complaint({ ...answered, [RA_META.evaluated]: 'true' }))?.code).toBe(RA_REFUSAL.alreadyEvaluated);
    for (const statusId of RA_EVALUATED_STATUS_IDS) {
      expect(raEvaluationRefusal(complaint({ ...answered, [RA_META.statusId]: statusId }))?.code, statusId).toBe(RA_REFUSAL.alreadyEvaluated);
    }
  });

  it('R-CH-10 refused outside a Reclame Aqui complaint, with the pt-BR sentence', () => {
    expect(raEvaluationRefusal({ channel: 'whatsapp', channelMeta: answered })).toEqual({
      code: RA_REFUSAL.notAComplaint, message: 'Esta conversa não é uma reclamação do Reclame Aqui.',
    });
    expect(raEvaluationRefusal({ channel: 'reclameaqui', channelMeta: answered })?.code).toBe(RA_REFUSAL.notAComplaint);
  });
});

describe('R-CH-09 moderation request: when it is allowed', () => {
  it('R-CH-09 refused while one is pending; allowed again once decided', () => {
    expect(raModerationRefusal(complaint())).toBeNull();
    expect(raModerationRefusal(complaint({ [RA_META.moderationStatus]: 'pending' }))?.code).toBe(RA_REFUSAL.moderationPending);
    expect(raModerationRefusal(complaint({ [RA_META.moderationStatus]: 'accepted' }))).toBeNull();
    expect(raModerationRefusal(complaint({ [RA_META.moderationStatus]: 'refused' }))).toBeNull();
  });

  it('R-CH-09 refused outside a Reclame Aqui complaint', () => {
    expect(raModerationRefusal({ channel: 'telegram', channelMeta: {} })?.code).toBe(RA_REFUSAL.notAComplaint);
    expect(raModerationRefusal({ channel: 'reclameaqui', channelMeta: {} })?.code).toBe(RA_REFUSAL.notAComplaint);
  });
});

describe('R-CH-09 moderation request body', () => {
  const body = (change: Record<string, unknown> = {}) => ({ id: '01JCMDMODERATION', reason: '4', message: 'Duplicada.', ...change });
  // The fields refused (a field may be refused by more than one check).
  const pathsOf = (input: unknown) => [...new Set(RaModerationBody.safeParse(input).error?.issues.map((i) => i.path.join('.')))];

  it('R-CH-09 reason 1 (another company’s complaint) needs the correct company; the others do not', () => {
    expect(raReasonNeedsTargetCompany('1')).toBe(true);
    expect(['4', '5', '15', '16', '17', '19', ''].filter(raReasonNeedsTargetCompany)).toEqual([]);
    expect(pathsOf(body({ reason: '1' }))).toEqual(['targetCompany']);
    expect(pathsOf(body({ reason: '1', targetCompany: '  ' }))).toEqual(['targetCompany']);
    expect(RaModerationBody.parse(body({ reason: '1', targetCompany: ' Loja Certa ' })).targetCompany).toBe('Loja Certa');
  });

  it('R-CH-09 at most one file', () => {
    expect(pathsOf(body({ mediaIds: ['media:a'] }))).toEqual([]);
    expect(pathsOf(body({ mediaIds: ['media:a', 'media:b'] }))).toEqual(['mediaIds']);
  });

  it('R-CH-09 an unknown reason, an empty message or a field of its own is refused', () => {
    expect(pathsOf(body({ reason: '2' }))).toEqual(['reason']);
    expect(pathsOf(body({ message: ' \n ' }))).toEqual(['message']);
    expect(pathsOf(body({ migrateTo: 'x' }))).toEqual(['']);
  });
});

describe('R-CH-10 the consumer’s evaluation as one message', () => {
  const full: RaEvaluation = { rating: 8, resolved: true, backDoingBusiness: false, comment: 'Resolveram rápido.' };
  const sparse: RaEvaluation = { rating: null, resolved: false, backDoingBusiness: null, comment: null };

  it('R-CH-10 its text reads as the manual’s card, in pt-BR', () => {
    expect(raEvaluationText(full)).toBe([
      'Avaliação do consumidor no Reclame Aqui', 'Nota: 8/10', 'Problema resolvido: sim', 'Voltaria a fazer negócio: não',
      'Comentário: Resolveram rápido.',
    ].join('\n'));
    expect(raEvaluationText(sparse)).toBe([
      'Avaliação do consumidor no Reclame Aqui', 'Nota: não informada', 'Problema resolvido: não', 'Voltaria a fazer negócio: não informado',
    ].join('\n'));
  });

  it('R-CH-10 its payload reads back as the same evaluation; what was not given stays out', () => {
    expect(raEvaluationOf({ payload: raEvaluationPayload(full) })).toEqual(full);
    expect(raEvaluationPayload(sparse)).toEqual({ [RA_EVALUATION_PAYLOAD.resolved]: false });
    expect(raEvaluationOf({ payload: raEvaluationPayload(sparse) })).toEqual(sparse);
  });

  it('R-CH-10 any other message carries no evaluation', () => {
    expect(raEvaluationOf({ payload: {} })).toBeNull();
    expect(raEvaluationOf({ payload: { raInteractionType: '6' } })).toBeNull();
  });
});

describe('R-CH-08 reputation', () => {
  const period = {
    reputation: { code: 'GREAT', name: 'Ótimo' }, finalGrade: 8.3, responseIndex: 98.5, solutionsPercentage: 87.2,
    backDoingBusinessPercentage: 80, avgGrade: 7.1, complaintsCount: 1234, answeredCount: 1200, unansweredCount: 34, notEvaluatedCount: 400,
  };

  it('R-CH-08 a period parses with its figures; what HugMe leaves out is null, not a guess', () => {
    expect(RaReputation.parse(period)).toEqual(period);
    expect(RaReputation.parse({ ...period, avgGrade: null }).avgGrade).toBeNull();
    expect(RaReputation.safeParse({ ...period, complaintsCount: 12.5 }).success).toBe(false);
    expect(RaReputation.safeParse({ ...period, reputation: 'Ótimo' }).success).toBe(false);
  });

  it('R-CH-08 an account’s cache keeps only the panel’s periods', () => {
    const account = { accountId: 'channel:ra', name: 'Loja', description: 'Loja', fetchedAt: null, error: null, periods: { six_months: period } };
    expect(RaAccountReputation.parse(account).periods.six_months).toEqual(period);
    expect(RaAccountReputation.safeParse({ ...account, periods: { two_years_ago: period } }).success).toBe(false);
  });

  it('R-CH-08 the reputation of an account is seen by its entry team and admins; "Atualizar" by supervisors and admins of those', () => {
    const account = { entryTeamId: 'team:sac' };
    const user = (role: 'agent' | 'supervisor' | 'admin', teamIds: string[]) => ({ role, teamIds });
    expect(seesRaReputation(user('agent', ['team:sac']), account)).toBe(true);
    expect(seesRaReputation(user('supervisor', ['team:vendas']), account)).toBe(false);
    expect(seesRaReputation(user('admin', []), account)).toBe(true);
    expect(mayRefreshReputation(user('supervisor', ['team:sac']), account)).toBe(true);
    expect(mayRefreshReputation(user('admin', []), account)).toBe(true);
    expect(mayRefreshReputation(user('agent', ['team:sac']), account)).toBe(false);
    expect(mayRefreshReputation(user('supervisor', ['team:vendas']), account)).toBe(false);
  });

  it('R-CH-08 an account the server listed is one the user sees: the role decides', () => {
    const listed = RaAccountReputation.parse({ accountId: 'channel:ra', name: 'Loja', description: 'Loja', fetchedAt: null, error: null, periods: {} });
    expect(mayRefreshReputation({ role: 'supervisor', teamIds: [] }, listed)).toBe(true);
    expect(mayRefreshReputation({ role: 'agent', teamIds: [] }, listed)).toBe(false);
  });
});

describe('R-CH-06 client ids stay out of the server\'s message keys', () => {
  it('R-CH-06 R-CH-11 a client id may not start with in- (imports) or wc- (visitors): a polled complaint cannot be squatted', () => {
    expect(ClientId.safeParse('01JDEMO0000000000000000000').success).toBe(true);
    expect(ClientId.safeParse('inbox-ok-01JDEMO').success).toBe(true);
    for (const reserved of RESERVED_CLIENT_ID_PREFIXES) {
      const parsed = ClientId.safeParse(`${reserved}${'A'.repeat(40)}`);
      expect(parsed.success).toBe(false);
      expect(parsed.error?.issues[0]?.message).toMatch(/server prefix/);
    }
  });
});

describe('R-CH-10 a message without a payload', () => {
  it('R-CH-10 is no evaluation (older replicas hold messages without one)', () => {
    expect(raEvaluationOf({})).toBeNull();
    expect(raEvaluationOf({ payload: {} })).toBeNull();
  });
});

describe('R-CH-06 upstream codes that name Object members', () => {
  it('R-CH-06 R-CH-09 constructor or __proto__ as a status, type or moderation status reads as unknown, never an inherited member', () => {
    for (const code of ['constructor', '__proto__', 'toString', 'hasOwnProperty']) {
      expect(raStatusName(code)).toBe(`Status ${code}`);
      expect(raStatusName(code, 'Nome do site')).toBe('Nome do site');
      expect(raInteractionTypeOf(code)).toBeUndefined();
      expect(raInteractionVisibility(code)).toBe('private');
      expect(raModerationStatusOf(code)).toBe(RA_MODERATION_UNKNOWN);
    }
    expect(raModerationStatusOf(' Pending ')).toBe('pending');
    expect(raStatusName('6')).toBe('Respondida');
  });
});

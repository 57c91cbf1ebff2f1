import { describe, expect, it } from 'vitest';
import type { ConversationRating } from '@atende/protocol';
import { isRatingRequest, mayViewRating, ratingView } from '../src/components/contact/ratingView';
import { myRatingText } from '../src/components/profile/myRating';
import { ratingTexts } from '../src/components/supervisor/ratingFigures';

/** Where ratings show (issue 18 point 2): who sees a conversation's rating, and how the figures read. */
const t = (key: string, values: Record<string, unknown>) => `${key}${JSON.stringify(values)}`;
const rating: ConversationRating = { score: 4, comment: 'rápido', at: 1, channel: 'telegram' };
const ana = { id: 'user:ana', role: 'agent' as const };
const bruno = { id: 'user:bruno', role: 'agent' as const };
const carla = { id: 'user:carla', role: 'supervisor' as const };

describe('issue 18: a conversation’s rating in its history and transcript', () => {
  it('issue 18 "Agents never see another agent’s individual ratings unless supervisors": the own agent, supervisors and admins only', () => {
    expect(mayViewRating(ana, 'user:ana')).toBe(true);
    expect(mayViewRating(bruno, 'user:ana')).toBe(false);
    expect(mayViewRating(ana, null)).toBe(false);
    expect(mayViewRating(carla, 'user:ana')).toBe(true);
    expect(mayViewRating({ id: 'user:admin', role: 'admin' }, null)).toBe(true);
    expect(mayViewRating(undefined, 'user:ana')).toBe(false);
    // Even if a rating reached the screen, another agent is shown nothing.
    expect(ratingView(bruno, { agentId: 'user:ana', rating }, true)).toBeNull();
  });

  it('issue 18: rated — score, comment and channel; asked and unanswered — "requested"; never asked — nothing', () => {
    expect(ratingView(ana, { agentId: 'user:ana', rating }, true)).toEqual({ kind: 'rated', score: 4, comment: 'rápido', channel: 'telegram' });
    expect(ratingView(carla, { agentId: 'user:ana', rating: null }, true)).toEqual({ kind: 'requested' });
    expect(ratingView(carla, { agentId: 'user:ana' }, false)).toBeNull();
  });

  it('issue 18: the request message is the one carrying the rating key in its payload', () => {
    expect(isRatingRequest({ payload: { ratingRequest: 'abcdefgh12345678' } })).toBe(true);
    expect(isRatingRequest({ payload: { ratingRequest: true } })).toBe(false);
    expect(isRatingRequest({ payload: {} })).toBe(false);
  });
});

describe('issue 18 seed 002 "Nome e média das avaliações": the profile menu', () => {
  it('issue 18 seed 002: the average with one decimal in the user’s language and the count; none yet said so', () => {
    expect(myRatingText({ average: 14 / 3, count: 3 }, 'pt-BR', t)).toBe('ratings.mine.average{"average":"4,7","count":3}');
    expect(myRatingText({ average: 4.25, count: 4 }, 'en', t)).toBe('ratings.mine.average{"average":"4.3","count":4}');
    expect(myRatingText({ average: null, count: 0 }, 'en', t)).toBe('ratings.mine.none{}');
  });
});

describe('issue 18 R-SV-06 R-RT-06: the rating figures of Today and the reports', () => {
  const summary = { ratingAvg: 17 / 5, ratingCount: 5, ratingDistribution: [1, 1, 0, 1, 2], ratingRequested: 7, ratingResponseRate: 5 / 7 };

  it('issue 18 R-SV-06: average of 5, response rate with what it stands on, the five scores', () => {
    const texts = ratingTexts(summary, 'pt-BR', t);
    expect(texts.average).toBe('ratings.figures.averageValue{"average":"3,4"}');
    expect(texts.responseRate).toMatch(/^ratings\.figures\.responseRateValue\{"rate":"71\s?%","answered":"5","asked":"7"\}$/);
    expect(texts.scores).toEqual(['1', '2', '3', '4', '5']);
    expect(texts.distribution).toEqual([1, 1, 0, 1, 2]);
  });

  it('issue 18 R-RT-06: nobody rated or asked — "—", zero bars', () => {
    const none = ratingTexts({ ratingAvg: null, ratingCount: 0, ratingDistribution: [], ratingRequested: 0, ratingResponseRate: null }, 'en', t);
    expect(none).toMatchObject({ average: '—', responseRate: '—', distribution: [0, 0, 0, 0, 0] });
  });
});

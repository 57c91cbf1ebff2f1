import { describe, expect, it } from 'vitest';
import { chatNews, latestPerRoom } from '../src/components/chat/chatRules';

type Row = { id: string; conversationId: string; authorId: string | null; createdAt: number; direction: 'internal' | 'in' };
const msg = (id: string, authorId: string, createdAt: number, room = 'chat:team.suporte'): Row => ({
  id, conversationId: room, authorId, createdAt, direction: 'internal',
});

describe('chat alerts (R-WS-12)', () => {
  const noMarks = () => undefined;

  it('R-WS-12 a colleague\'s new message is news once; my own and those before the window opened are not', () => {
    const seen = new Set<string>();
    const history = [msg('m1', 'user:bruno', 500), msg('m2', 'user:ana', 1_500)];
    expect(chatNews(history, 'user:ana', seen, 1_000, noMarks)).toEqual([]);
    const next = [...history, msg('m3', 'user:bruno', 2_000), msg('m4', 'user:ana', 2_100)];
    expect(chatNews(next, 'user:ana', seen, 1_000, noMarks).map((m) => m.id)).toEqual(['m3']);
    // Seen once: a later change of the list does not announce it again.
    expect(chatNews(next, 'user:ana', seen, 1_000, noMarks)).toEqual([]);
  });

  it('R-WS-12 a message already read in its room (read mark at or after it) is no news', () => {
    const seen = new Set<string>();
    const marks = (room: string) => (room === 'chat:team.suporte' ? 3_000 : undefined);
    const news = chatNews([msg('m1', 'user:bruno', 2_500), msg('m2', 'user:bruno', 3_500), msg('m3', 'user:carla', 2_600, 'chat:dm.x')], 'user:ana', seen, 1_000, marks);
    expect(news.map((m) => m.id)).toEqual(['m2', 'm3']);
  });

  it('R-WS-12 customer messages never count as chat news', () => {
    const customer: Row = { ...msg('c1', 'user:bruno', 5_000), direction: 'in' };
    expect(chatNews([customer], 'user:ana', new Set(), 0, noMarks)).toEqual([]);
  });

  it('R-WS-12 several messages at once raise one alert per room, with its latest', () => {
    const news = [msg('a', 'user:bruno', 1), msg('b', 'user:bruno', 3), msg('c', 'user:carla', 2, 'chat:dm.y'), msg('d', 'user:bruno', 2)];
    expect(latestPerRoom(news).map((m) => m.id).sort()).toEqual(['b', 'c']);
  });
});

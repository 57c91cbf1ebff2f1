import { beforeEach, describe, expect, it, vi } from 'vitest';
import { createPinia, setActivePinia } from 'pinia';
import { VIEWING_TTL_MS, type ServerFrame } from '@atende/protocol';

type Handler = (frame: ServerFrame) => void;
const handlers = vi.hoisted(() => new Map<string, Handler[]>());
vi.mock('../src/net/socket', () => ({
  realtime: {
    on: (type: string, handler: Handler) => {
      handlers.set(type, [...(handlers.get(type) ?? []), handler]);
      return () => undefined;
    },
    onWelcome: () => () => undefined,
    send: () => false,
  },
}));

const { CollisionBook, MAX_CONVERSATIONS, useCollisionsStore } = await import('../src/stores/collisions');
const { collisionLines, typistAsViewer } = await import('../src/components/collision/collisionText');
const { i18n } = await import('../src/i18n');

/** R-WS-17 in the renderer: what a window keeps of others' collision frames and the sentence it shows. */
const names: Record<string, string> = { 'user:ana': 'Ana Souza', 'user:bruno': 'Bruno Lima', 'user:carla': 'Carla Mendes' };
const nameOf = (id: string) => names[id];
const C = 'conversation:c1';

describe('R-WS-17 collision book', () => {
  it('R-WS-17 viewing, typing, idle and left change who is named; typing wins over viewing', () => {
    const book = new CollisionBook();
    book.apply(C, 'user:bruno', 'viewing', 1_000);
    book.apply(C, 'user:ana', 'viewing', 1_000);
    book.apply(C, 'user:ana', 'typing', 2_000);
    expect(book.observers(C, 3_000, nameOf)).toEqual({ typing: ['Ana Souza'], viewing: ['Bruno Lima'] });
    book.apply(C, 'user:ana', 'idle', 4_000);
    expect(book.observers(C, 5_000, nameOf)).toEqual({ typing: [], viewing: ['Ana Souza', 'Bruno Lima'] });
    book.apply(C, 'user:bruno', 'left', 6_000);
    expect(book.observers(C, 7_000, nameOf)).toEqual({ typing: [], viewing: ['Ana Souza'] });
    expect(book.observers('conversation:other', 7_000, nameOf)).toEqual({ typing: [], viewing: [] });
  });

  it('R-WS-17 an entry not renewed for VIEWING_TTL_MS is gone; a renewal keeps it', () => {
    const book = new CollisionBook();
    book.apply(C, 'user:bruno', 'viewing', 0);
    book.apply(C, 'user:carla', 'viewing', 0);
    book.apply(C, 'user:carla', 'viewing', 30_000);
    expect(book.observers(C, VIEWING_TTL_MS, nameOf)).toEqual({ typing: [], viewing: ['Carla Mendes'] });
    // Applying prunes the expired ones too, so the book does not keep what nobody shows.
    book.apply(C, 'user:ana', 'viewing', VIEWING_TTL_MS);
    expect([...(book.conversations.get(C)?.keys() ?? [])].sort()).toEqual(['user:ana', 'user:carla']);
    book.apply(C, 'user:ana', 'left', VIEWING_TTL_MS);
    book.apply(C, 'user:carla', 'left', VIEWING_TTL_MS);
    expect(book.conversations.has(C)).toBe(false);
  });

  it('R-WS-17 the book keeps at most MAX_CONVERSATIONS conversations, dropping the least recently heard', () => {
    const book = new CollisionBook();
    for (let i = 0; i <= MAX_CONVERSATIONS; i++) book.apply(`conversation:n${i}`, 'user:ana', 'viewing', i);
    expect(book.conversations.size).toBe(MAX_CONVERSATIONS);
    expect(book.conversations.has('conversation:n0')).toBe(false);
    expect(book.conversations.has(`conversation:n${MAX_CONVERSATIONS}`)).toBe(true);
  });
});

describe('R-WS-17 collision store', () => {
  beforeEach(() => {
    handlers.clear();
    setActivePinia(createPinia());
  });

  it('R-WS-17 collision frames from the socket fill the store; a new welcome empties it', () => {
    const store = useCollisionsStore();
    const send = (frame: ServerFrame) => (handlers.get(frame.type) ?? []).forEach((h) => h(frame));
    send({ type: 'collision', conversationId: C, userId: 'user:bruno', state: 'viewing' });
    expect(store.book.observers(C, Date.now(), nameOf)).toEqual({ typing: [], viewing: ['Bruno Lima'] });
    send({ type: 'welcome', userId: 'user:ana', presence: {} });
    expect(store.book.observers(C, Date.now(), nameOf)).toEqual({ typing: [], viewing: [] });
  });
});

describe('R-WS-17 collision sentence', () => {
  const lines = (locale: 'pt-BR' | 'en' | 'es', typing: string[], viewing: string[]) => {
    i18n.global.locale.value = locale;
    return collisionLines({ typing, viewing }, (key, named, plural) => i18n.global.t(key, named, plural), locale);
  };

  it('R-WS-17 pt-BR: one person, several grouped with "e", typing first', () => {
    expect(lines('pt-BR', [], ['Ana Souza'])).toEqual(['Ana Souza está vendo']);
    expect(lines('pt-BR', ['Ana Souza'], [])).toEqual(['Ana Souza está digitando']);
    expect(lines('pt-BR', [], ['Ana Souza', 'Bruno Lima'])).toEqual(['Ana Souza e Bruno Lima estão vendo']);
    expect(lines('pt-BR', ['Carla Mendes'], ['Ana Souza', 'Bruno Lima', 'Davi Rocha'])).toEqual([
      'Carla Mendes está digitando', 'Ana Souza, Bruno Lima e Davi Rocha estão vendo',
    ]);
    expect(lines('pt-BR', [], [])).toEqual([]);
  });

  it('R-WS-17 en and es agree the verb with how many', () => {
    expect(lines('en', ['Ana Souza', 'Bruno Lima'], ['Carla Mendes'])).toEqual(['Ana Souza and Bruno Lima are typing', 'Carla Mendes is viewing']);
    expect(lines('es', [], ['Ana Souza', 'Bruno Lima'])).toEqual(['Ana Souza y Bruno Lima están viendo']);
    i18n.global.locale.value = 'pt-BR';
  });
});

describe('R-WS-17 the notice keeps its line while a participant types', () => {
  it('R-WS-17 a typist named by the typing line reads as viewing in the notice, so the strip neither empties nor names them twice', () => {
    const before = { typing: [], viewing: ['Bruno Lima'] };
    const typingNow = { typing: ['Bruno Lima'], viewing: [] };
    expect(typistAsViewer(typingNow, 'Bruno Lima')).toEqual(before);
    expect(typistAsViewer({ typing: ['Bruno Lima', 'Carla Mendes'], viewing: ['Ana Souza'] }, 'Bruno Lima')).toEqual({
      typing: ['Carla Mendes'], viewing: ['Ana Souza', 'Bruno Lima'],
    });
    // Someone the typing line does not name (a peeker's window has none) keeps "está digitando".
    expect(typistAsViewer(typingNow, undefined)).toEqual(typingNow);
    expect(typistAsViewer(before, 'Bruno Lima')).toEqual(before);
  });
});

import { createI18n } from 'vue-i18n';
import { describe, expect, it } from 'vitest';
import { chatRefusal, pauseErrors, ticketFailureText as storedReason, type ChatUser, type TeamDoc } from '@atende/protocol';
import en from '../src/i18n/locales/en.json';
import es from '../src/i18n/locales/es.json';
import ptBR from '../src/i18n/locales/pt-BR.json';
import { chatRefusalKey } from '../src/components/chat/chatRefusal';
import { pauseRefusalText } from '../src/components/pause/pauseRefusal';
import { ticketFailureText } from '../src/components/ticket/tickets';

/**
 * The server's refusals are pt-BR sentences; the workstation says the known ones in the agent's
 * language by their code (or, for a failed ticket, by the stored reason's shape). In pt-BR the
 * words are the server's own; an unknown one is shown as the server said it.
 */
const i18n = createI18n({ legacy: false, locale: 'pt-BR', fallbackLocale: 'pt-BR', messages: { 'pt-BR': ptBR, en, es } });
const t = (locale: 'pt-BR' | 'en' | 'es', key: string, params: Record<string, unknown> = {}) => {
  i18n.global.locale.value = locale;
  return i18n.global.t(key, params);
};

describe('server refusals in the agent’s language', () => {
  it('R-WS-12 a refused chat message reads in en/es; in pt-BR exactly as the server says it', () => {
    const team = (id: string, internalChat = true): TeamDoc => ({ id, type: 'team', name: id, dispositionRequired: false, internalChat, createdAt: 1, updatedAt: 1 });
    const teams = new Map([['team:a', team('team:a')], ['team:off', team('team:off', false)]]);
    const user = (id: string, teamIds: string[], internalChat?: boolean): ChatUser =>
      ({ id, role: 'agent', teamIds, ...(internalChat === undefined ? {} : { permissions: { internalChat } }) }) as ChatUser;
    const teamOf = (id: string) => teams.get(id);
    const cases = [
      { refusal: chatRefusal(user('user:a', ['team:a']), { kind: 'team', teamId: 'team:off' }, teamOf).refusal, room: { kind: 'team' as const, allowed: true } },
      { refusal: chatRefusal(user('user:a', ['team:a']), { kind: 'dm', userIds: ['user:a', 'user:b'] }, teamOf, user('user:b', ['team:a'], false)).refusal, room: { kind: 'dm' as const, allowed: true } },
      { refusal: chatRefusal(user('user:a', ['team:a'], false), { kind: 'dm', userIds: ['user:a', 'user:b'] }, teamOf, user('user:b', ['team:a'])).refusal, room: { kind: 'dm' as const, allowed: false } },
    ];
    for (const { refusal, room } of cases) {
      if (!refusal) throw new Error('expected a refusal');
      const key = chatRefusalKey(refusal.code, room);
      expect(t('pt-BR', `chat.refused.${key}`)).toBe(refusal.message);
      expect(t('en', `chat.refused.${key}`)).not.toBe(refusal.message);
    }
    expect(t('en', `chat.refused.${chatRefusalKey('chat_team_disabled', { kind: 'team', allowed: true })}`)).toBe('This team does not allow the internal chat.');
    expect(chatRefusalKey('rate_limited', { kind: 'team', allowed: true })).toBeUndefined();
  });

  it('R-WS-09 a refused pause reads in en/es with the type’s name and hours; in pt-BR as the server says it', () => {
    const chosen = { id: 'pauseType:almoco', name: 'Almoço', maxMinutes: 60, window: { from: '11:00', to: '15:00' }, allowedNow: false };
    const outside = pauseRefusalText('pause_outside_window', { chosen, current: null });
    expect(t('pt-BR', `pause.refused.${outside?.key}`, outside?.params)).toBe(pauseErrors.outsideWindow('Almoço', chosen.window).message);
    expect(t('es', `pause.refused.${outside?.key}`, outside?.params)).toBe('La pausa "Almoço" solo puede iniciarse entre las 11:00 y las 15:00.');
    const already = pauseRefusalText('already_paused', { chosen, current: { name: 'Café' } });
    expect(t('pt-BR', `pause.refused.${already?.key}`, already?.params)).toBe(pauseErrors.alreadyPaused('Café').message);
    expect(t('en', `pause.refused.${already?.key}`, already?.params)).toBe('You are already on the pause "Café". End it before starting another.');
    expect(t('pt-BR', `pause.refused.${pauseRefusalText('unknown_pause_type', {})?.key}`)).toBe(pauseErrors.unknownType().message);
    // Without the names it needs, or for another code, the server's sentence is shown.
    expect(pauseRefusalText('already_paused', { current: null })).toBeUndefined();
    expect(pauseRefusalText('paused', { chosen })).toBeUndefined();
  });

  it('R-WS-14 a failed ticket’s stored reason reads in en/es; in pt-BR as stored; another reason as stored', () => {
    const reasons = [
      { kind: 'notConfigured' }, { kind: 'timeout' }, { kind: 'down' }, { kind: 'noNumber' }, { kind: 'failed' },
      { kind: 'unavailable', status: 503 }, { kind: 'credentials', status: 401 }, { kind: 'refused', status: 400, detail: 'campo "x" inválido' },
      { kind: 'refused', status: 422, detail: '' },
    ] as const;
    for (const reason of reasons) {
      const stored = storedReason(reason);
      const known = ticketFailureText(stored);
      expect(known, stored).toBeDefined();
      expect(t('pt-BR', `ticket.failure.${known?.key}`, known?.params)).toBe(stored);
      expect(t('en', `ticket.failure.${known?.key}`, known?.params)).not.toBe(stored);
    }
    expect(t('en', 'ticket.failure.down')).toBe('The ticket system is down.');
    expect(t('es', 'ticket.failure.refused', ticketFailureText(storedReason({ kind: 'refused', status: 400, detail: 'bad' }))?.params)).toBe('El sistema de tickets rechazó la solicitud (HTTP 400): bad');
    expect(ticketFailureText('lease lost')).toBeUndefined();
  });
});

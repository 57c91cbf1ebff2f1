import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  isOpenAt, localTimeOf, nextOpening, type BusinessHours, type MessageDoc, type TeamDoc, type TeamHoursView, type WebchatConfig,
} from '@atende/protocol';
import { sendOffHoursMessage } from '../src/routing/offHours.js';
import type { StoredDoc } from '../src/store/index.js';
import { call, login, newVisitor, startTestServer, visitorSays, type TestServer } from './helpers.js';
import { until } from './until.js';

/**
 * R-RT-03 (issue 15 point 4): business hours per team in its own time zone, with holidays; a
 * customer who writes while the team is closed gets the off-hours message once per conversation;
 * the website widget shows the team offline outside the hours.
 */
const WEEKDAYS_8_TO_18 = [[], ...Array.from({ length: 5 }, () => [{ from: '08:00', to: '18:00' }]), []];
const hoursIn = (timeZone: string, extra: Partial<BusinessHours> = {}): BusinessHours => ({
  timeZone, days: WEEKDAYS_8_TO_18, holidays: [], offHoursMessage: '', ...extra,
});

describe('R-RT-03 isOpenAt and nextOpening (pure, any clock)', () => {
  const saoPaulo = hoursIn('America/Sao_Paulo', { holidays: ['2026-12-25'] });
  const utc = hoursIn('UTC', { holidays: ['2026-12-25'] });

  it('R-RT-03 reads the hours on the team’s wall clock: 10:00 UTC on a Monday is 07:00 in São Paulo (closed) but open in UTC', () => {
    const mondayMorning = Date.UTC(2026, 10, 30, 10, 0); // Monday 30 Nov 2026
    expect(isOpenAt(saoPaulo, mondayMorning)).toBe(false);
    expect(isOpenAt(utc, mondayMorning)).toBe(true);
    const mondayEvening = Date.UTC(2026, 10, 30, 20, 30); // 17:30 in São Paulo
    expect(isOpenAt(saoPaulo, mondayEvening)).toBe(true);
    expect(isOpenAt(utc, mondayEvening)).toBe(false);
  });

  it('R-RT-03 across midnight the local weekday counts: 02:00 UTC Tuesday is still Monday 23:00 in São Paulo', () => {
    const lateMonday = hoursIn('America/Sao_Paulo', { days: [[], [{ from: '22:00', to: '23:59' }], [], [], [], [], []] });
    const at = Date.UTC(2026, 11, 1, 2, 0);
    expect(isOpenAt(lateMonday, at)).toBe(true);
    expect(isOpenAt({ ...lateMonday, timeZone: 'UTC' }, at)).toBe(false);
    // 23:59 runs to midnight: the last minute of the day is open too.
    expect(isOpenAt(lateMonday, Date.UTC(2026, 11, 1, 2, 59, 30))).toBe(true);
    expect(isOpenAt(lateMonday, Date.UTC(2026, 11, 1, 3, 0))).toBe(false);
  });

  it('R-RT-03 a holiday is a local date: closed all that day, the next opening is the following working day', () => {
    const christmasMorning = Date.UTC(2026, 11, 25, 13, 0); // Friday 10:00 in São Paulo
    expect(isOpenAt(saoPaulo, christmasMorning)).toBe(false);
    expect(isOpenAt(saoPaulo, Date.UTC(2026, 11, 24, 13, 0))).toBe(true);
    // 01:00 UTC on the 26th is still the 25th (22:00) in São Paulo: the holiday, not the UTC date, decides.
    const allDay = hoursIn('America/Sao_Paulo', { days: Array.from({ length: 7 }, () => [{ from: '00:00', to: '23:59' }]), holidays: ['2026-12-25'] });
    expect(isOpenAt(allDay, Date.UTC(2026, 11, 26, 1, 0))).toBe(false);
    expect(isOpenAt(allDay, Date.UTC(2026, 11, 26, 3, 30))).toBe(true);
    expect(nextOpening(saoPaulo, christmasMorning)).toBe(Date.UTC(2026, 11, 28, 11, 0)); // Monday 08:00 in São Paulo
  });

  it('R-RT-03 daylight saving time: 08:00 in New York is 13:00 UTC before the change and 12:00 UTC after it', () => {
    const newYork = hoursIn('America/New_York');
    expect(isOpenAt(newYork, Date.UTC(2026, 2, 6, 13, 0))).toBe(true); // Friday 08:00 EST
    expect(isOpenAt(newYork, Date.UTC(2026, 2, 6, 12, 59))).toBe(false);
    expect(nextOpening(newYork, Date.UTC(2026, 2, 7, 17, 0))).toBe(Date.UTC(2026, 2, 9, 12, 0)); // Monday 08:00 EDT
    expect(nextOpening(hoursIn('UTC', { days: Array.from({ length: 7 }, () => []) }), Date.UTC(2026, 0, 1))).toBeNull();
  });
});

describe('R-RT-03 off-hours message and the widget', () => {
  let server: TestServer;
  let admin: string;
  let carla: string;
  let ana: string;
  const CLOSED_ALWAYS = { timeZone: 'America/Sao_Paulo', days: [[], [], [], [], [], [], []], holidays: [], offHoursMessage: 'Estamos fora do horário. Responderemos na segunda às 8h.' };
  const OPEN_ALWAYS = { ...CLOSED_ALWAYS, days: Array.from({ length: 7 }, () => [{ from: '00:00', to: '23:59' }]) };

  beforeAll(async () => {
    server = await startTestServer();
    admin = (await login(server, 'admin@demo.local')).accessToken;
    carla = (await login(server, 'carla@demo.local')).accessToken;
    ana = (await login(server, 'ana@demo.local')).accessToken;
  });
  afterAll(async () => server.close());
  afterEach(async () => {
    await setHours(admin, 'team:suporte', null);
  });

  const setHours = (token: string, teamId: string, businessHours: unknown) =>
    call<TeamHoursView & { error?: string; message?: string }>(server, 'PUT', `/api/admin/teams/${teamId}/hours`, { token, body: { businessHours } });
  const outbound = async (conversationId: string): Promise<MessageDoc[]> =>
    (await server.store.find({ selector: { type: 'message', conversationId }, limit: 100 }))
      .filter((m: StoredDoc) => m.direction === 'out') as unknown as MessageDoc[];
  const config = async () => (await call<WebchatConfig>(server, 'GET', '/api/webchat/demo-site/config')).body;

  it('R-RT-03 a customer who writes while the team is closed gets its off-hours message once, through the channel', async () => {
    expect((await setHours(admin, 'team:suporte', CLOSED_ALWAYS)).status).toBe(200);
    const visitor = await newVisitor(server);
    const { conversationId } = await visitorSays(server, visitor, 'Olá, alguém aí?');
    await server.jobs.idle();
    await visitorSays(server, visitor, 'Oi?');
    await server.jobs.idle();
    // The job running again, or another node's, finds the message already sent.
    expect(await sendOffHoursMessage(server.store, conversationId, Date.now())).toBe(false);
    const sent = await outbound(conversationId);
    expect(sent.map((m) => m.text)).toEqual([CLOSED_ALWAYS.offHoursMessage]);
    expect(sent[0]?.authorId).toBeNull();
    // The website visitor's transcript holds it: it went out like any reply.
    const transcript = await until(
      async () => (await call<{ messages: Array<{ text: string; direction: string }> }>(server, 'GET', '/api/webchat/messages', { token: visitor.token })).body.messages,
      (ms) => ms.some((m) => m.text === CLOSED_ALWAYS.offHoursMessage),
    );
    expect(transcript.filter((m) => m.text === CLOSED_ALWAYS.offHoursMessage)).toHaveLength(1);
  });

  it('R-RT-03 within the hours (or without any) no off-hours message goes out', async () => {
    await setHours(admin, 'team:suporte', OPEN_ALWAYS);
    const { conversationId } = await visitorSays(server, await newVisitor(server), 'Bom dia');
    await server.jobs.idle();
    expect(await outbound(conversationId)).toEqual([]);
  });

  it('R-RT-03 the widget config says offline with the hours and the next opening outside them, online within them', async () => {
    expect(await config()).toMatchObject({ online: true, hours: null, nextOpening: null });
    await setHours(admin, 'team:suporte', CLOSED_ALWAYS);
    expect(await config()).toMatchObject({ online: false, hours: { timeZone: 'America/Sao_Paulo', days: CLOSED_ALWAYS.days }, nextOpening: null });
    // Open every day but today is a holiday: offline until the next local midnight.
    const today = localTimeOf('America/Sao_Paulo', Date.now()).date;
    await setHours(admin, 'team:suporte', { ...OPEN_ALWAYS, holidays: [today] });
    const c = await config();
    expect(c.online).toBe(false);
    expect(localTimeOf('America/Sao_Paulo', c.nextOpening ?? 0).time).toBe('00:00');
    expect(localTimeOf('America/Sao_Paulo', (c.nextOpening ?? 0) - 60_000).date).toBe(today);
    await setHours(admin, 'team:suporte', OPEN_ALWAYS);
    expect((await config()).online).toBe(true);
  });

  it('R-RT-03 the hours screen: supervisors set their own teams, an unknown time zone or overlapping intervals are refused with a sentence', async () => {
    const list = await call<{ teams: TeamHoursView[] }>(server, 'GET', '/api/admin/hours', { token: carla });
    expect(list.body.teams.map((t) => t.teamId).sort()).toEqual(['team:comercial', 'team:suporte']);
    const badZone = await setHours(carla, 'team:suporte', { ...CLOSED_ALWAYS, timeZone: 'Mars/Olympus' });
    expect(badZone.status).toBe(400);
    expect(badZone.body.message).toMatch(/time zone/);
    const overlap = await setHours(carla, 'team:suporte', { ...CLOSED_ALWAYS, days: [[{ from: '08:00', to: '12:00' }, { from: '11:00', to: '13:00' }], [], [], [], [], [], []] });
    expect(overlap.status).toBe(400);
    expect(overlap.body.message).toMatch(/overlap/);
    const saved = await setHours(carla, 'team:suporte', { ...CLOSED_ALWAYS, holidays: ['2026-12-25', '2026-01-01', '2026-12-25'] });
    expect(saved.status).toBe(200);
    expect(saved.body.businessHours?.holidays).toEqual(['2026-01-01', '2026-12-25']);
    // Only the hours were written: the rest of the team is the teams screen's.
    const team = (await server.store.get('team:suporte', { fresh: true })) as unknown as TeamDoc;
    expect(team.name).toBe('Suporte');
    expect((await setHours(ana, 'team:suporte', null)).status).toBe(403);
  });
});

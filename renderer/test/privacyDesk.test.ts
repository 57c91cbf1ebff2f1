import { describe, expect, it } from 'vitest';
import { createI18n } from 'vue-i18n';
import type { ExportStatusResponse, UserDoc } from '@atende/protocol';
import { MESSAGES } from '../src/i18n/messages';
import {
  confirmsErasure, countsShown, eraseProblemOf, exportInProgress, exportViewOf, exportViewOfError, privacyActions, type ExportView,
} from '../src/components/contact/privacy';
import { pollDelay, runExport, type ExportPoll } from '../src/components/contact/privacyPoll';
import { FakeApiError } from './apiErrorFake';

/**
 * Issue 19 on the desk: who is offered a customer's LGPD actions, what an export's status reads as
 * on screen while it is polled, and why an erasure was refused — the rules behind Privacy*.vue.
 */
const SERVER = 'http://10.0.0.5:3000';
const NOW = 1_800_000_000_000;
const user = (role: UserDoc['role']) => ({ role });

describe('issue 19: who sees which privacy action', () => {
  it('R-PRIV-02/03 admins export, erase and hold; supervisors export and hold but do not erase; agents see none', () => {
    expect(privacyActions(user('admin'))).toEqual({ exportData: true, erase: true, legalHold: true });
    expect(privacyActions(user('supervisor'))).toEqual({ exportData: true, erase: false, legalHold: true });
    expect(privacyActions(user('agent'))).toEqual({ exportData: false, erase: false, legalHold: false });
    expect(privacyActions(undefined)).toEqual({ exportData: false, erase: false, legalHold: false });
  });
});

describe('issue 19: an export’s status as shown (R-PRIV-02)', () => {
  const status = (s: ExportStatusResponse) => exportViewOf(s, SERVER, NOW);

  it('R-PRIV-02 queued and running show progress and keep polling', () => {
    expect(status({ status: 'queued' })).toEqual({ kind: 'working', status: 'queued' });
    expect(status({ status: 'running' })).toEqual({ kind: 'working', status: 'running' });
    expect(exportInProgress({ kind: 'working', status: 'running' })).toBe(true);
    expect(exportInProgress({ kind: 'retrying' })).toBe(true);
  });

  it('R-PRIV-02 ready gives the one-time link made absolute against the configured server, its expiry and size', () => {
    const view = status({ status: 'ready', downloadUrl: '/api/privacy/exports/job1/download?token=abcdefghijklmnopq', expiresAt: NOW + 3_600_000, size: 2048 });
    expect(view).toEqual({ kind: 'ready', url: `${SERVER}/api/privacy/exports/job1/download?token=abcdefghijklmnopq`, expiresAt: NOW + 3_600_000, size: 2048 });
    expect(exportInProgress(view)).toBe(false);
    // A server behind a path prefix keeps it.
    expect(exportViewOf({ status: 'ready', downloadUrl: '/api/privacy/exports/j/download?token=x' }, 'https://atende.example/desk/', NOW))
      .toMatchObject({ url: 'https://atende.example/desk/api/privacy/exports/j/download?token=x' });
  });

  it('R-PRIV-02 a ready link already past its expiry is not offered; downloaded, expired and failed end the polling', () => {
    expect(status({ status: 'ready', downloadUrl: '/x', expiresAt: NOW })).toEqual({ kind: 'expired' });
    expect(status({ status: 'downloaded' })).toEqual({ kind: 'downloaded' });
    expect(status({ status: 'expired' })).toEqual({ kind: 'expired' });
    expect(status({ status: 'failed', error: 'disco cheio' })).toEqual({ kind: 'failed', error: 'disco cheio' });
    expect(status({ status: 'ready' })).toEqual({ kind: 'failed', error: '' });
    for (const kind of ['downloaded', 'expired', 'failed'] as const) expect(exportInProgress(status({ status: kind }))).toBe(false);
  });

  it('R-PRIV-02 a 410 means the link was used (or expired); a network error or 5xx retries; another 4xx shows the server’s words', () => {
    expect(exportViewOfError(new FakeApiError(410, 'already_downloaded', 'Este link já foi usado'))).toEqual({ kind: 'downloaded' });
    expect(exportViewOfError(new FakeApiError(410, 'link_expired', 'O link expirou'))).toEqual({ kind: 'expired' });
    expect(exportViewOfError(new FakeApiError(0, 'network', 'Sem conexão'))).toEqual({ kind: 'retrying' });
    expect(exportViewOfError(new FakeApiError(503, 'unavailable', 'x'))).toEqual({ kind: 'retrying' });
    expect(exportViewOfError(new FakeApiError(403, 'forbidden', 'Só supervisores e administradores exportam'))).toEqual({ kind: 'refused', message: 'Só supervisores e administradores exportam' });
  });
});

describe('issue 19: following an export job until it settles (R-PRIV-02)', () => {
  function fakePoll(answers: (ExportStatusResponse | Error)[], start: () => Promise<string> = async () => 'job:1') {
    const waits: number[] = [];
    const asked: string[] = [];
    const poll: ExportPoll = {
      start,
      status: async (jobId) => {
        asked.push(jobId);
        const next = answers.shift();
        if (!next) throw new Error('asked once too often');
        if (next instanceof Error) throw next;
        return next;
      },
      wait: async (ms) => void waits.push(ms),
      server: () => SERVER,
      now: () => NOW,
    };
    return { poll, waits, asked };
  }

  it('R-PRIV-02 starting → queued → running (a dropped request retried) → ready, then stops asking', async () => {
    const { poll, waits, asked } = fakePoll([
      { status: 'queued' },
      { status: 'running' },
      new FakeApiError(0, 'network', 'Sem conexão'),
      { status: 'ready', downloadUrl: '/api/privacy/exports/job:1/download?token=t0123456789abcdef', expiresAt: NOW + 1000 },
    ]);
    const views: ExportView[] = [];
    await runExport('contact:maria', poll, (view) => views.push(view));
    expect(views.map((v) => (v.kind === 'working' ? v.status : v.kind))).toEqual(['starting', 'queued', 'running', 'retrying', 'ready']);
    expect(asked).toEqual(['job:1', 'job:1', 'job:1', 'job:1']);
    expect(waits).toEqual([pollDelay(0), pollDelay(1), pollDelay(2)]);
  });

  it('R-PRIV-02 a job that fails shows the failure and is not asked about again', async () => {
    const { poll, asked } = fakePoll([{ status: 'running' }, { status: 'failed', error: 'arquivo ausente' }]);
    const views: ExportView[] = [];
    await runExport('contact:maria', poll, (view) => views.push(view));
    expect(views.at(-1)).toEqual({ kind: 'failed', error: 'arquivo ausente' });
    expect(asked).toHaveLength(2);
  });

  it('R-PRIV-02 an agent’s 403 on start is shown as refused; an unreachable server on start is not retried (it could start twice)', async () => {
    const refused = fakePoll([], async () => { throw new FakeApiError(403, 'forbidden', 'Sem permissão'); });
    const views: ExportView[] = [];
    await runExport('contact:maria', refused.poll, (view) => views.push(view));
    expect(views).toEqual([{ kind: 'starting' }, { kind: 'refused', message: 'Sem permissão' }]);
    expect(refused.asked).toEqual([]);

    const offline = fakePoll([], async () => { throw new FakeApiError(0, 'network', 'Sem conexão'); });
    const offlineViews: ExportView[] = [];
    await runExport('contact:maria', offline.poll, (view) => offlineViews.push(view));
    expect(offlineViews.at(-1)).toEqual({ kind: 'notStarted' });
  });

  it('R-PRIV-02 a replaced or abandoned export stops polling without showing its answer', async () => {
    const { poll, asked } = fakePoll([{ status: 'queued' }, { status: 'running' }, { status: 'running' }]);
    const views: ExportView[] = [];
    let stop = false;
    await runExport('contact:maria', { ...poll, wait: async () => { stop = true; } }, (view) => views.push(view), () => stop);
    expect(views.map((v) => v.kind)).toEqual(['starting', 'working']);
    expect(asked).toHaveLength(1);
  });

  it('R-PRIV-02 polling starts quick and backs off to at most 4 s', () => {
    expect([0, 1, 2, 3, 4, 10].map(pollDelay)).toEqual([500, 1000, 2000, 4000, 4000, 4000]);
  });
});

describe('issue 19: an erasure refused, confirmed, done (R-PRIV-03)', () => {
  const i18n = createI18n({ legacy: false, locale: 'pt-BR', messages: MESSAGES });
  const text = (locale: 'pt-BR' | 'en' | 'es', error: unknown) => {
    i18n.global.locale.value = locale;
    const { problem, message } = eraseProblemOf(error);
    return i18n.global.t(`privacy.erase.refused.${problem}`, { message });
  };

  it('R-PRIV-03 409 conversation_open says there is an open conversation; legal_hold says the hold; in the three languages', () => {
    const open = new FakeApiError(409, 'conversation_open', 'Há uma conversa aberta deste contato');
    const hold = new FakeApiError(409, 'legal_hold', 'Em retenção legal');
    expect(eraseProblemOf(open).problem).toBe('conversation_open');
    expect(eraseProblemOf(hold).problem).toBe('legal_hold');
    expect(text('pt-BR', open)).toMatch(/há uma conversa aberta/);
    expect(text('en', open)).toMatch(/conversation of this customer is open/);
    expect(text('es', open)).toMatch(/conversación abierta/);
    expect(text('pt-BR', hold)).toMatch(/retenção legal/);
    expect(text('en', hold)).toMatch(/legal hold/);
  });

  it('R-PRIV-03 404 unknown contact, 403 not an admin, offline, and any other refusal with the server’s words', () => {
    expect(eraseProblemOf(new FakeApiError(404, 'not_found', 'Contato não encontrado')).problem).toBe('not_found');
    expect(eraseProblemOf(new FakeApiError(403, 'forbidden', 'Só administradores')).problem).toBe('forbidden');
    expect(eraseProblemOf(new FakeApiError(0, 'network', 'Sem conexão')).problem).toBe('offline');
    expect(text('pt-BR', new FakeApiError(400, 'bad_request', 'Identificador inválido'))).toBe('Nada foi excluído: Identificador inválido');
    // A 409 with a code the desk does not know is still shown, not mistaken for an open conversation.
    expect(eraseProblemOf(new FakeApiError(409, 'conflict', 'Outra exclusão em andamento'))).toEqual({ problem: 'other', message: 'Outra exclusão em andamento' });
  });

  it('R-PRIV-03 confirmed only by the contact’s name or the word, whatever the case and spacing; never by an empty answer', () => {
    expect(confirmsErasure('EXCLUIR', 'Maria Oliveira', 'EXCLUIR')).toBe(true);
    expect(confirmsErasure('  excluir ', 'Maria Oliveira', 'EXCLUIR')).toBe(true);
    expect(confirmsErasure('maria  oliveira', 'Maria Oliveira', 'EXCLUIR')).toBe(true);
    expect(confirmsErasure('Lúcia Ferreira', 'Lu\u0301cia Ferreira', 'EXCLUIR')).toBe(true);
    expect(confirmsErasure('Maria', 'Maria Oliveira', 'EXCLUIR')).toBe(false);
    expect(confirmsErasure('EXCLUI', 'Maria Oliveira', 'EXCLUIR')).toBe(false);
    expect(confirmsErasure('', '', 'EXCLUIR')).toBe(false);
    expect(confirmsErasure('   ', 'Maria Oliveira', 'EXCLUIR')).toBe(false);
  });

  it('R-PRIV-03 the counts shown after an erasure: in a fixed order, zeroes left out', () => {
    expect(countsShown({ contacts: 1, conversations: 2, messages: 14, notes: 0, media: 1, other: 3 })).toEqual([
      { kind: 'contacts', count: 1 }, { kind: 'conversations', count: 2 }, { kind: 'messages', count: 14 }, { kind: 'media', count: 1 }, { kind: 'other', count: 3 },
    ]);
  });
});

import { afterEach, describe, expect, it } from 'vitest';
import {
  API, collectionOfType, keyOf, pathOf, RA_REPUTATION_PERIODS, RA_REPUTATION_REFRESH, viewerOf, visibilityOf, type RaReputationResponse,
} from '@atende/protocol';
import { ReclameAquiReputation, reputationIdOf, type ReputationDoc } from '../src/channels/reclameaqui/reputation.js';
import { reputationPeriodsOf } from '../src/channels/reclameaqui/reputationAnswer.js';
import { RECLAME_AQUI_REPUTATION_JOB, scheduleReputations } from '../src/channels/reclameaqui/reputationJob.js';
import { jobId } from '../src/jobs/types.js';
import { SERVER_ERROR, type Reputation } from '../src/channels/reclameaqui/simulator/fakeHugMe.js';
import { updateDoc } from '../src/store/index.js';
import { addUser, call, login } from './helpers.js';
import { complaint, CREDENTIALS, startReclameAquiRig, type ReclameAquiRig } from './reclameaquiSetup.js';
import { until } from './until.js';

/** The reputation panel's server side (R-CH-08): HugMe's figures cached per account, refreshed on a schedule and on request. */
let rig: ReclameAquiRig | undefined;
afterEach(async () => {
  await rig?.close();
  rig = undefined;
});

const SIX_MONTHS: Reputation = {
  responseIndex: 98.5, solutionsPercentage: 87.2, finalGrade: 8.3, avgGrade: 7.9, complaintsCount: 200, answeredCount: 197,
  unansweredCount: 3, notEvaluatedCount: 40, backDoingBusinessPercentage: 80.1, reputation: { code: 'GREAT', name: 'Ótimo' },
};

const reputationCalls = (r: ReclameAquiRig) => r.hugme.calls.filter((c) => c.path.endsWith('/reputation'));

async function refresh(r: ReclameAquiRig, token: string, accountId = r.accountId) {
  return call<RaReputationResponse & { message?: string }>(r.server, 'POST', pathOf(API.raRefreshReputation.path, { accountId }), { token });
}

/** Moves the last attempt back in time, as if `minMinutes` had passed. */
async function ageCache(r: ReclameAquiRig): Promise<void> {
  await updateDoc<ReputationDoc>(r.server.store, reputationIdOf(r.accountId), (d) => d && { ...d, attemptedAt: d.attemptedAt - 10 * 60_000 });
}

describe('R-CH-08 Reclame Aqui reputation', () => {
  it('R-CH-08 reads the fake HugMe periods into the panel’s four, loosely, and caches them with fetchedAt', async () => {
    const r = (rig = await startReclameAquiRig());
    r.hugme.fileComplaint(complaint(1));
    r.hugme.setReputation('six_months', SIX_MONTHS);
    const before = await call<RaReputationResponse>(r.server, 'GET', API.raReputation.path, { token: r.admin });
    expect(before.status).toBe(200);
    expect(before.body.accounts).toEqual([{ accountId: r.accountId, name: 'Reclame Aqui Loja', description: 'Reclame Aqui Loja', fetchedAt: null, error: null, periods: {} }]);

    const started = Date.now();
    const answer = await refresh(r, r.admin);
    expect(answer.status).toBe(200);
    expect(API.raRefreshReputation.response.safeParse(answer.body).success).toBe(true);
    const [account] = answer.body.accounts;
    expect(account?.fetchedAt).toBeGreaterThanOrEqual(started);
    expect(account?.error).toBeNull();
    expect(Object.keys(account?.periods ?? {})).toEqual([...RA_REPUTATION_PERIODS]);
    expect(account?.periods.six_months).toEqual(SIX_MONTHS);
    expect(account?.periods.overall).toMatchObject({ complaintsCount: 1, unansweredCount: 1, reputation: { code: 'NO_INDEX', name: 'Sem índice' } });
    expect(reputationCalls(r).map((c) => c.path)).toEqual([`/companies/v1/companies/${CREDENTIALS.companyId}/reputation`]);

    // The cache answers the panel: no new call to HugMe.
    const cached = await call<RaReputationResponse>(r.server, 'GET', API.raReputation.path, { token: r.admin });
    expect(cached.body.accounts).toEqual(answer.body.accounts);
    expect(reputationCalls(r)).toHaveLength(1);
  });

  it('R-CH-08 a field HugMe leaves out (or sends as text) is read as null or a number, not a failure', () => {
    const periods = reputationPeriodsOf({
      periods: { six_months: { finalGrade: '7.5', responseIndex: 'n/a', answeredCount: 3.5 }, two_years_ago: SIX_MONTHS, overall: null },
    });
    expect(periods).toEqual({
      six_months: {
        reputation: { code: '', name: '' }, finalGrade: 7.5, responseIndex: null, solutionsPercentage: null, backDoingBusinessPercentage: null,
        avgGrade: null, complaintsCount: null, answeredCount: null, unansweredCount: null, notEvaluatedCount: null,
      },
    });
    expect(reputationPeriodsOf({ companyId: '4242' })).toBeUndefined();
  });

  it('R-CH-08 "Atualizar" waits the minimum between refreshes, and a failed fetch keeps the older figures with a pt-BR error', async () => {
    const r = (rig = await startReclameAquiRig());
    r.hugme.setReputation('six_months', SIX_MONTHS);
    const first = await refresh(r, r.admin);
    expect(first.status).toBe(200);

    const tooSoon = await refresh(r, r.admin);
    expect(tooSoon.status).toBe(429);
    expect(tooSoon.body.message).toMatch(/Aguarde/);
    expect(reputationCalls(r)).toHaveLength(1);

    await ageCache(r);
    r.hugme.failNext(SERVER_ERROR);
    const failed = await refresh(r, r.admin);
    expect(failed.status).toBe(200);
    const [account] = failed.body.accounts;
    expect(account?.periods).toEqual(first.body.accounts[0]?.periods);
    expect(account?.fetchedAt).toBe(first.body.accounts[0]?.fetchedAt);
    expect(account?.error).toMatch(/Reclame Aqui/);
    expect(account?.error).not.toContain(r.hugme.baseUrl);
    expect(account?.error).not.toContain(CREDENTIALS.clientSecret);

    await ageCache(r);
    r.hugme.setReputation('six_months', { ...SIX_MONTHS, finalGrade: 9.1 });
    const again = await refresh(r, r.admin);
    expect(again.body.accounts[0]).toMatchObject({ error: null, periods: { six_months: { finalGrade: 9.1 } } });
    expect(again.body.accounts[0]?.fetchedAt).toBeGreaterThan(first.body.accounts[0]?.fetchedAt ?? Infinity);
  });

  it('R-CH-08 the panel shows the accounts the caller’s teams serve; only their supervisors and admins refresh', async () => {
    const r = (rig = await startReclameAquiRig());
    const ana = (await login(r.server, 'ana@demo.local')).accessToken; // agent of team:suporte
    const carla = (await login(r.server, 'carla@demo.local')).accessToken; // supervisor of team:suporte
    await addUser(r.server, { key: 'davi', name: 'Davi', email: 'davi@demo.local', role: 'agent', teamIds: ['team:comercial'] });
    await addUser(r.server, { key: 'eva', name: 'Eva', email: 'eva@demo.local', role: 'supervisor', teamIds: ['team:comercial'] });
    const davi = (await login(r.server, 'davi@demo.local')).accessToken;
    const eva = (await login(r.server, 'eva@demo.local')).accessToken;

    const seen = async (token: string) => (await call<RaReputationResponse>(r.server, 'GET', API.raReputation.path, { token })).body.accounts.map((a) => a.accountId);
    expect(await seen(ana)).toEqual([r.accountId]);
    expect(await seen(carla)).toEqual([r.accountId]);
    expect(await seen(davi)).toEqual([]);
    expect(await seen(eva)).toEqual([]);

    expect((await refresh(r, ana)).status).toBe(403);
    expect((await refresh(r, eva)).status).toBe(404);
    expect((await refresh(r, carla, 'channel:desconhecido')).status).toBe(404);
    const webchat = (await r.server.accounts.list()).find((a) => a.kind === 'webchat');
    expect((await refresh(r, r.admin, webchat?._id ?? 'channel:x')).status).toBe(404);
    expect(reputationCalls(r)).toHaveLength(0);
    const byCarla = await refresh(r, carla);
    expect(byCarla.status).toBe(200);
    expect(byCarla.body.accounts[0]?.fetchedAt).not.toBeNull();
    // The cache is server-only: no collection holds its type, and no viewer sees it.
    const cache = await r.server.store.get(reputationIdOf(r.accountId));
    expect(cache?.type).toBe('rareputation');
    expect(collectionOfType(String(cache?.type))).toBeUndefined();
    expect(visibilityOf(viewerOf({ id: 'user:admin', role: 'admin', teamIds: ['team:suporte'] }), cache ?? {})).toBe('hidden');
  });

  it('R-CH-08 two "Atualizar" at once: exactly one asks HugMe, the other is told to wait', async () => {
    const r = (rig = await startReclameAquiRig());
    const carla = (await login(r.server, 'carla@demo.local')).accessToken; // supervisor of team:suporte
    const answers = await Promise.all([refresh(r, r.admin), refresh(r, carla), refresh(r, r.admin)]);
    expect(answers.map((a) => a.status).sort()).toEqual([200, 429, 429]);
    expect(reputationCalls(r)).toHaveLength(1);
  });

  it('R-CH-08 "Atualizar" with an accountId that is no account id is a 400 naming it', async () => {
    const r = (rig = await startReclameAquiRig());
    const answer = await refresh(r, r.admin, 'não é um id');
    expect(answer.status).toBe(400);
    expect(answer.body.message).toMatch(/accountId/);
    expect(reputationCalls(r)).toHaveLength(0);
  });

  it('R-CH-08 the scheduled fetch runs without any request, once per period across nodes', async () => {
    const r = (rig = await startReclameAquiRig());
    r.hugme.setReputation('overall', SIX_MONTHS);
    const reputation = new ReclameAquiReputation({ store: r.server.store, accounts: r.server.accounts, registry: r.server.registry });
    // One instant for the whole test, so an hour turning meanwhile does not move the period.
    const every = RA_REPUTATION_REFRESH.everyMinutes * 60_000;
    const startedAt = Date.now();
    const slot = Math.floor(startedAt / every);
    const deps = { store: r.server.store, accounts: r.server.accounts, reputation, log: () => {}, now: () => startedAt };
    // Two nodes' watchdogs write the same slot: it runs once.
    await Promise.all([scheduleReputations(deps), scheduleReputations(deps)]);
    const doc = await until(() => reputation.cached(r.accountId), (d) => d?.fetchedAt != null, 15_000);
    expect(doc?.periods.overall).toEqual(SIX_MONTHS);
    await r.server.jobs.idle();
    await scheduleReputations(deps);
    await r.server.jobs.idle();
    expect(reputationCalls(r)).toHaveLength(1);

    // The next period fetches again, and the settled job of the one before is dropped.
    const firstJob = jobId(RECLAME_AQUI_REPUTATION_JOB, `${keyOf(r.accountId)}.${slot}`);
    expect(await r.server.store.get(firstJob)).toMatchObject({ state: 'done' });
    await scheduleReputations({ ...deps, now: () => (slot + 1) * every });
    await until(() => reputationCalls(r).length, (n) => n === 2, 15_000);
    await until(() => r.server.store.get(firstJob), (j) => j === undefined || j._deleted === true, 15_000);
    expect(reputationCalls(r)).toHaveLength(2);
    const gone = await r.server.store.get(firstJob);
    expect(gone === undefined || gone._deleted === true).toBe(true);
  });
});

import { parse as parseQueryString } from 'node:querystring';
import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API, COLLECTIONS, PUSHED_COLLECTIONS, PushBody, type EndpointName } from '@atende/protocol';
import type { ZodType } from 'zod';
import { toWire } from '../src/store/wire.js';
import { hostileId, hostileLeavesOf, mutationsOf, overTheWire, queryMutationsOf, type Query } from './fuzz/arbitraries.js';
import { encodedParams, PLANS } from './fuzz/plan.js';
import { expectRefusedUnchanged as refusedUnchanged } from './fuzz/refusals.js';
import { checkpoint, healthy, isRefusal, renewSpare, send, startWorld, writtenSince, type Sent, type World } from './fuzz/world.js';

/**
 * Issue 14 point 3: property-based fuzzing of every REST endpoint of the contract over real
 * HTTP. A request its schema refuses is answered 400 `{ error, message }` and writes nothing; a
 * request the schema accepts (hostile strings and numbers inside a valid shape) is answered
 * without a 5xx, and when refused writes nothing either; hostile path parameters, non-JSON
 * bodies, wrong content types and oversized bodies are refusals too. The server answers
 * /api/health after each endpoint. FUZZ_SEED=<n> replays a run (fast-check prints the seed of a failure).
 */
/**
 * Cases per endpoint and kind, sized so the suite keeps within CI's time as endpoints are added; every
 * run draws new cases (a fresh seed), so coverage grows across runs. FUZZ_SCALE=<n> multiplies them for a deeper run.
 */
const SCALE = Math.max(1, Number(process.env.FUZZ_SCALE) || 1);
const RUNS = { body: 25 * SCALE, query: 15 * SCALE, pathParam: 6 * SCALE, push: 10 * SCALE };
/** Endpoints whose accepted cases hash a password (~50 ms each, R-AUTH-04) or sign in again: fewer runs keep the suite in CI's time. */
const HASHING: ReadonlySet<EndpointName> = new Set(['login', 'logout', 'changePassword']);
const seed = process.env.FUZZ_SEED ? { seed: Number(process.env.FUZZ_SEED) } : {};
/**
 * On a machine busy with other suites a property stops after this long with the cases it ran
 * (counted in the closing line) instead of timing out; a counterexample still fails it.
 */
const BUDGET = { interruptAfterTimeLimit: 20_000 };
/** Per test: the property's budget plus its setup and the closing checks. */
const TEST_TIMEOUT = 60_000;

const NAMES = Object.keys(API) as EndpointName[];
const bodySchema = (name: EndpointName) => (API[name] as { body?: ZodType }).body;
const querySchema = (name: EndpointName) => (API[name] as { query?: ZodType }).query;

let world: World;
const tally = { endpoints: new Set<EndpointName>(), cases: 0, refusedBySchema: 0, acceptedBySchema: 0, ok: 0, refused: 0, fiveXX: 0 };

function counted(name: EndpointName, sent: Sent): Sent {
  tally.endpoints.add(name);
  tally.cases += 1;
  if (sent.status >= 500) tally.fiveXX += 1;
  else if (sent.status >= 400) tally.refused += 1;
  else tally.ok += 1;
  return sent;
}

beforeAll(async () => {
  world = await startWorld();
}, 60_000);

afterAll(async () => {
  console.log(
    `fuzz-rest: ${tally.endpoints.size} endpoints, ${tally.cases.toLocaleString('en')} cases ` +
      `(schema refused ${tally.refusedBySchema}, schema accepted ${tally.acceptedBySchema}; answers 2xx ${tally.ok}, 4xx ${tally.refused}), ` +
      `${tally.fiveXX} 5xx`,
  );
  await world?.server.close();
});

const expectRefusedUnchanged = (sent: Sent, since: string, options?: { status?: number[]; attempts?: boolean }) =>
  refusedUnchanged(world, sent, since, options);

describe('issue 14 fuzz: the harness sees success and writes at all', { timeout: TEST_TIMEOUT }, () => {
  it('R-CH-02 R-WS-02 R-WS-04 R-CT-01 R-WS-09 valid requests from the plans answer 2xx, and the change witness sees their writes', async () => {
    for (const name of NAMES) {
      const plan = PLANS[name];
      const body = bodySchema(name);
      const query = querySchema(name);
      if (body) expect(body.safeParse(plan.body?.(world.fx)).success, `${name}: its plan's body is valid`).toBe(true);
      if (query) expect(query.safeParse(plan.query?.(world.fx)).success, `${name}: its plan's query is valid`).toBe(true);
    }
    const writers: EndpointName[] = ['claim', 'sendMessage', 'createContact', 'createPauseType', 'updateProfile', 'createVisitor', 'visitorSend', 'login'];
    const readers: EndpointName[] = ['searchContacts', 'pull', 'contactMedia', 'conversationMessages', 'webchatConfig', 'visitorMessages'];
    let since = await checkpoint(world);
    for (const name of [...writers, ...readers]) {
      const plan = PLANS[name];
      since = await checkpoint(world, since);
      const sent = counted(name, await send(world, {
        name, token: plan.token, params: encodedParams(plan, world.fx), json: plan.body?.(world.fx), query: plan.query?.(world.fx),
      }));
      expect(sent.status, sent.label).toBeGreaterThanOrEqual(200);
      expect(sent.status, sent.label).toBeLessThan(300);
      await world.server.jobs.idle();
      const written = await writtenSince(world, since);
      if (writers.includes(name)) expect(written.length, `${sent.label}: a write is visible`).toBeGreaterThan(0);
      else expect(written, sent.label).toEqual([]);
    }
  });
});

describe('issue 14 fuzz: request bodies', { timeout: TEST_TIMEOUT }, () => {
  for (const name of NAMES.filter((n) => bodySchema(n))) {
    const plan = PLANS[name];
    const { method, path } = API[name];
    it(`${plan.req} ${name} (${method} ${path}): a body its schema refuses is a 400 that writes nothing; none is a 5xx`, async () => {
      const schema = bodySchema(name) as ZodType;
      const sample = plan.body?.(world.fx);
      let since = await checkpoint(world);
      await fc.assert(
        fc.asyncProperty(fc.oneof(mutationsOf(sample), hostileLeavesOf(sample)), async (body) => {
          // Each case starts from a fresh checkpoint, so a shrunk counterexample is judged on its own writes.
          since = await checkpoint(world, since);
          const sent = counted(name, await send(world, { name, token: plan.token, params: encodedParams(plan, world.fx), json: body }));
          expect(sent.status, sent.label).toBeLessThan(500);
          if (!schema.safeParse(overTheWire(body)).success) {
            tally.refusedBySchema += 1;
            return expectRefusedUnchanged(sent, since, { status: plan.limited ? [400, 429] : [400] });
          }
          tally.acceptedBySchema += 1;
          if (sent.status >= 400) await expectRefusedUnchanged(sent, since, { attempts: true });
          else if (name === 'logout') await renewSpare(world);
        }),
        { numRuns: HASHING.has(name) ? Math.ceil(RUNS.body / 3) : RUNS.body, ...seed, ...BUDGET },
      );
      expect(await healthy(world)).toBe(true);
    });
  }
});

describe('issue 14 fuzz: replication push, document by document', { timeout: TEST_TIMEOUT }, () => {
  for (const collection of PUSHED_COLLECTIONS) {
    it(`R-OPS-06 push to ${collection}: a stored document with one field made hostile is answered without a 5xx; a refusal writes nothing`, async () => {
      // A real document of the collection (or a bare one) is the sample: hostile values then reach the per-collection rules.
      const [stored] = await world.server.store.find({ selector: { type: COLLECTIONS[collection] }, limit: 1 });
      const master = stored ? toWire<Record<string, unknown>>(stored) : { id: `${COLLECTIONS[collection]}:fuzz-${collection}`, type: COLLECTIONS[collection] };
      const row = fc.record({
        newDocumentState: fc.oneof(mutationsOf(master), hostileLeavesOf(master)),
        assumedMasterState: fc.constantFrom(null, master),
      });
      let since = await checkpoint(world);
      await fc.assert(
        fc.asyncProperty(fc.array(row, { minLength: 1, maxLength: 3 }), async (rows) => {
          since = await checkpoint(world, since);
          const sent = counted('push', await send(world, { name: 'push', token: 'admin', params: { collection }, json: rows }));
          expect(sent.status, sent.label).toBeLessThan(500);
          if (!PushBody.safeParse(overTheWire(rows)).success) {
            tally.refusedBySchema += 1;
            return expectRefusedUnchanged(sent, since, { status: [400] });
          }
          tally.acceptedBySchema += 1;
          if (sent.status >= 400) await expectRefusedUnchanged(sent, since);
        }),
        { numRuns: RUNS.push, ...seed, ...BUDGET },
      );
      expect(await healthy(world)).toBe(true);
    });
  }
});

/** What Express's 'simple' query parser hands the route for this query. */
function serverQuery(query: Query): Record<string, unknown> {
  const search = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) for (const one of Array.isArray(v) ? v : [v]) search.append(k, one);
  return { ...parseQueryString(search.toString()) };
}

describe('issue 14 fuzz: query strings', { timeout: TEST_TIMEOUT }, () => {
  for (const name of NAMES.filter((n) => querySchema(n))) {
    const plan = PLANS[name];
    const { method, path } = API[name];
    it(`${plan.req} ${name} (${method} ${path}): a query its schema refuses is a 400; no query is a 5xx or writes`, async () => {
      const schema = querySchema(name) as ZodType;
      let since = await checkpoint(world);
      await fc.assert(
        fc.asyncProperty(queryMutationsOf(plan.query?.(world.fx) ?? {}), async (query) => {
          since = await checkpoint(world, since);
          const sent = counted(name, await send(world, { name, token: plan.token, params: encodedParams(plan, world.fx), query }));
          expect(sent.status, sent.label).toBeLessThan(500);
          // Every endpoint with a query is a read: whatever the answer, nothing is written.
          expect((await writtenSince(world, since)).map((r) => r.id), sent.label).toEqual([]);
          // Node's HTTP parser answers 431 (no body) to a URL over its 16 KiB header limit, before Express sees it.
          if (sent.status === 431) return;
          if (schema.safeParse(serverQuery(query)).success) {
            tally.acceptedBySchema += 1;
            if (sent.status >= 400) expect(isRefusal(sent), sent.label).toBe(true);
          } else {
            tally.refusedBySchema += 1;
            await expectRefusedUnchanged(sent, since, { status: [400] });
          }
        }),
        { numRuns: RUNS.query, ...seed, ...BUDGET },
      );
      expect(await healthy(world)).toBe(true);
    });
  }
});

describe('issue 14 fuzz: path parameters', { timeout: TEST_TIMEOUT }, () => {
  for (const name of NAMES.filter((n) => API[n].path.includes(':'))) {
    const plan = PLANS[name];
    const { method, path } = API[name];
    it(`${plan.req} ${name} (${method} ${path}): an id no resource has is a 4xx that writes nothing`, async () => {
      const keys = Object.keys(plan.params?.(world.fx) ?? {});
      let since = await checkpoint(world);
      await fc.assert(
        fc.asyncProperty(fc.constantFrom(...keys), hostileId, async (key, id) => {
          since = await checkpoint(world, since);
          const params = { ...encodedParams(plan, world.fx), [key]: id };
          const sent = counted(name, await send(world, {
            name, token: plan.token, params, json: plan.body?.(world.fx), query: plan.query?.(world.fx),
          }));
          expect(sent.status, sent.label).toBeLessThan(500);
          await expectRefusedUnchanged(sent, since);
        }),
        { numRuns: RUNS.pathParam, ...seed, ...BUDGET },
      );
      expect(await healthy(world)).toBe(true);
    });
  }
});

describe('issue 14 fuzz: bodies that are not JSON, not declared as JSON, or too large', { timeout: TEST_TIMEOUT }, () => {
  const bodyNames = NAMES.filter((n) => bodySchema(n));
  /** Every body endpoint with its valid sample, sent in some broken way. */
  async function eachRefused(
    variant: (name: EndpointName) => { raw: string | Buffer; headers: Record<string, string> },
    status: number[],
    error?: string,
  ) {
    let since = await checkpoint(world);
    for (const name of bodyNames) {
      const plan = PLANS[name];
      since = await checkpoint(world, since);
      const sent = counted(name, await send(world, { name, token: plan.token, params: encodedParams(plan, world.fx), ...variant(name) }));
      await expectRefusedUnchanged(sent, since, { status: plan.limited ? [...status, 429] : status });
      if (error && sent.status !== 429) expect((sent.body as { error: string }).error, sent.label).toBe(error);
    }
    expect(await healthy(world)).toBe(true);
  }
  const sampleText = (name: EndpointName) => JSON.stringify(PLANS[name].body?.(world.fx));

  it('R-CH-02 malformed JSON, as application/json or as text/plain (the widget sends text/plain), is a 400 malformed_json', async () => {
    for (const raw of ['{"id":', "{'a': 1}", '{"a":1}}', '{"a":"\\u12"}']) {
      await eachRefused(() => ({ raw, headers: { 'content-type': 'application/json' } }), [400], 'malformed_json');
      await eachRefused(() => ({ raw, headers: { 'content-type': 'text/plain' } }), [400], 'malformed_json');
    }
  });

  it('R-CH-02 a valid body under another content type is a 415: never read as an empty body and acted on', async () => {
    for (const type of ['application/x-www-form-urlencoded', 'application/xml', 'multipart/form-data; boundary=x', 'application/octet-stream', 'image/png']) {
      await eachRefused((name) => ({ raw: sampleText(name), headers: { 'content-type': type } }), [415]);
    }
  });

  it('R-OPS-03 a body over the 1 MiB limit is a 413 payload_too_large', async () => {
    const huge = JSON.stringify({ id: 'x'.repeat(1_100_000) });
    await eachRefused(() => ({ raw: huge, headers: { 'content-type': 'application/json' } }), [413], 'payload_too_large');
  });

  it('R-OPS-03 JSON nested 2,000 and 100,000 deep is refused, and the server keeps its stack', async () => {
    // One parser for all: an array body (push), objects of commands, the public login and the visitor's message.
    const shapes: EndpointName[] = ['push', 'createContact', 'finish', 'login', 'visitorSend'];
    let since = await checkpoint(world);
    for (const depth of [2_000, 100_000]) {
      for (const raw of ['['.repeat(depth) + ']'.repeat(depth), '{"a":'.repeat(depth) + '1' + '}'.repeat(depth)]) {
        for (const name of shapes) {
          const plan = PLANS[name];
          since = await checkpoint(world, since);
          const sent = counted(name, await send(world, {
            name, token: plan.token, params: encodedParams(plan, world.fx), raw, headers: { 'content-type': 'application/json' },
          }));
          await expectRefusedUnchanged(sent, since, { status: [400] });
        }
      }
    }
    expect(await healthy(world)).toBe(true);
  });

  it('R-CH-02 bytes that are not UTF-8, unknown charsets and broken encodings are refusals', async () => {
    const variants: Array<(name: EndpointName) => { raw: string | Buffer; headers: Record<string, string> }> = [
      () => ({ raw: Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x7d]), headers: { 'content-type': 'application/json' } }),
      (name) => ({ raw: sampleText(name), headers: { 'content-type': 'application/json; charset=klingon' } }),
      (name) => ({ raw: sampleText(name), headers: { 'content-type': 'application/json', 'content-encoding': 'br-nope' } }),
      () => ({ raw: Buffer.from([0x1f, 0x8b, 0x08, 0, 1, 2, 3]), headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' } }),
      () => ({ raw: gzipSync(Buffer.from('{"id":')), headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' } }),
    ];
    for (const variant of variants) await eachRefused(variant, [400, 415]);
  });
});

describe('issue 14 fuzz: the profile photo, sent as raw bytes', { timeout: TEST_TIMEOUT }, () => {
  it('R-WS-11 bytes that are not an image (or claim another type) are a 4xx that writes nothing, never a 5xx', async () => {
    const png = Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex'); // a PNG signature and a header with nothing after it
    const bytes = fc.oneof(
      fc.uint8Array({ minLength: 0, maxLength: 4_000 }).map((b) => Buffer.from(b)),
      fc.uint8Array({ maxLength: 200 }).map((b) => Buffer.concat([png, Buffer.from(b)])),
      fc.constantFrom(Buffer.from('<svg onload="alert(1)"/>'), Buffer.from('GIF89a'), Buffer.alloc(0), Buffer.from('{}'), Buffer.from('[]')),
    );
    const type = fc.constantFrom('image/png', 'image/jpeg', 'image/webp', 'image/gif', 'image/svg+xml', 'application/json', 'text/plain', 'application/octet-stream');
    let since = await checkpoint(world);
    await fc.assert(
      fc.asyncProperty(bytes, type, async (raw, contentType) => {
        since = await checkpoint(world, since);
        const sent = counted('setProfilePhoto', await send(world, { name: 'setProfilePhoto', token: 'agent', raw, headers: { 'content-type': contentType } }));
        expect(sent.status, sent.label).toBeLessThan(500);
        // Random bytes are never a decodable image; a 2xx here would be a photo made of noise.
        await expectRefusedUnchanged(sent, since);
      }),
      { numRuns: RUNS.query, ...seed, ...BUDGET },
    );
    expect(await healthy(world)).toBe(true);
  });
});

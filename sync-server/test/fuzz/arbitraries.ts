import fc from 'fast-check';

/**
 * Hostile input for the fuzz suites (issue 14 point 3): values of the wrong type, strings that
 * have broken parsers and stores elsewhere, keys that pollute prototypes or mean something to
 * CouchDB/Mango, and mutations of a valid request that break exactly one thing.
 */

/** Keys with a meaning somewhere below the routes: prototypes, Mango operators, CouchDB's reserved fields. */
export const HOSTILE_KEYS = [
  '__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', '$gt', '$regex', '$where', '$or',
  '_id', '_rev', '_deleted', '_attachments', '_conflicts', 'type', '',
] as const;

const LONG = 'a'.repeat(70_000);

export const hostileString: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(
    '', ' ', '\u0000', 'a\u0000b', '\u202e\u202d', '\u200b\u200b\u200b', '\ud800', '\udfff x \ud83d', '\ufeff', '\r\n\r\n',
    '💥'.repeat(2_500), '../../../etc/passwd', '_design/atende-sync', '_local/identity', '_all_docs', '%00', '%E0%A4%A',
    '${7*7}{{7*7}}', '<script>alert(1)</script>', "' OR 1=1 --", 'null', 'undefined', 'NaN', '-0', '1e999',
    LONG, '\n'.repeat(5_000), 'conversation:' + 'x'.repeat(120), 'user:admin\u0000',
  ),
  fc.string({ unit: 'binary', maxLength: 200 }),
  fc.string({ unit: 'grapheme', minLength: 1, maxLength: 80 }),
);

/** Numbers JSON can carry that code rarely expects (NaN and Infinity are sent as null by JSON). */
export const hostileNumber: fc.Arbitrary<number> = fc.oneof(
  fc.constantFrom(0, -1, 1e308, -1e308, 5e-324, Number.MAX_SAFE_INTEGER + 2, -(2 ** 63), 2 ** 64, 0.5, 1e21),
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
);

/**
 * An array or object nested this deep: recursion in a handler (clone, merge, walk) shows up here.
 * Capped so the test's own JSON.stringify/structuredClone keep within a worker's stack; deeper
 * nesting is sent as raw text (fuzz-rest.test.ts).
 */
export const deeplyNested: fc.Arbitrary<unknown> = fc
  .tuple(fc.integer({ min: 30, max: 1_000 }), fc.boolean())
  .map(([depth, asArray]) => {
    let value: unknown = 'deep';
    for (let i = 0; i < depth; i++) value = asArray ? [value] : { a: value };
    return value;
  });

/** A value of the wrong kind for almost any field. */
export const wrongValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.constant(null),
  fc.boolean(),
  hostileNumber,
  hostileString,
  fc.array(fc.jsonValue({ maxDepth: 2 }), { maxLength: 5 }),
  fc.array(hostileString, { minLength: 1, maxLength: 3 }),
  fc.dictionary(fc.constantFrom(...HOSTILE_KEYS), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 3 }),
  fc.constantFrom(Array.from({ length: 2_000 }, (_, i) => `tag:${i}`), Array.from({ length: 600 }, () => ({ newDocumentState: {} }))),
  deeplyNested,
);

type Path = Array<string | number>;

/** Every path into a JSON value (the root too), each a key or index from the top. */
export function pathsOf(value: unknown, prefix: Path = []): Path[] {
  const out: Path[] = [prefix];
  if (Array.isArray(value)) value.forEach((v, i) => out.push(...pathsOf(v, [...prefix, i])));
  else if (value && typeof value === 'object') for (const [k, v] of Object.entries(value)) out.push(...pathsOf(v, [...prefix, k]));
  return out;
}

/** Defines an own, enumerable property: `__proto__` becomes a key as JSON.parse makes it, never a prototype. */
function define(target: object, key: string | number, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, configurable: true, writable: true });
}

/** A copy of `root` with the value at `path` replaced (`remove`: deleted). */
export function changedAt(root: unknown, path: Path, change: { value: unknown } | { remove: true }): unknown {
  if (path.length === 0) return 'value' in change ? change.value : undefined;
  const copy: unknown = structuredClone(root);
  let node = copy as Record<string | number, unknown>;
  for (const step of path.slice(0, -1)) node = node[step] as Record<string | number, unknown>;
  const last = path[path.length - 1] as string | number;
  if ('value' in change) define(node, last, change.value);
  else if (Array.isArray(node)) node.splice(Number(last), 1);
  else delete node[last];
  return copy;
}

/** A copy of `root` with one more key (hostile names included) in the object at `path`. */
function withExtraKey(root: unknown, path: Path, key: string, value: unknown): unknown {
  const copy: unknown = structuredClone(root);
  let node = copy as Record<string | number, unknown>;
  for (const step of path) node = node[step] as Record<string | number, unknown>;
  define(node, key, value);
  return copy;
}

/** What the server parses from this value sent as JSON (undefined dropped, -0 as 0, NaN as null…). */
export function overTheWire(value: unknown): unknown {
  const text = JSON.stringify(value);
  return text === undefined ? undefined : JSON.parse(text);
}

/**
 * Requests that differ from the valid `sample` in one way: one field of a wrong kind or hostile,
 * one field missing, one unknown (possibly polluting) key, or something else entirely.
 */
export function mutationsOf(sample: unknown): fc.Arbitrary<unknown> {
  const paths = pathsOf(sample);
  const objectPaths = paths.filter((p) => {
    let node: unknown = sample;
    for (const step of p) node = (node as Record<string | number, unknown>)[step];
    return node !== null && typeof node === 'object' && !Array.isArray(node);
  });
  const inner = paths.filter((p) => p.length > 0);
  const options: Array<fc.Arbitrary<unknown>> = [
    fc.tuple(fc.constantFrom(...paths), wrongValue).map(([p, v]) => changedAt(sample, p, { value: v })),
    fc.jsonValue({ maxDepth: 4 }),
    deeplyNested,
  ];
  if (inner.length > 0) options.push(fc.constantFrom(...inner).map((p) => changedAt(sample, p, { remove: true })));
  if (objectPaths.length > 0) {
    options.push(
      fc.tuple(fc.constantFrom(...objectPaths), fc.oneof(fc.constantFrom(...HOSTILE_KEYS), fc.string({ maxLength: 20 })), fc.jsonValue({ maxDepth: 2 }))
        .map(([p, k, v]) => withExtraKey(sample, p, k, v)),
    );
  }
  return fc.oneof(...options);
}

/** A query string as the client sends it: each key once, or repeated (an array), or absent. */
export type Query = Record<string, string | string[]>;

/** Query strings that differ from a valid one: a value hostile, repeated, missing, or keys made up. */
export function queryMutationsOf(sample: Query): fc.Arbitrary<Query> {
  const keys = Object.keys(sample);
  const text = fc.oneof(hostileString, hostileNumber.map(String), fc.constantFrom('0', '-5', '1001', '1.5', 'abc', '{}', '[]', '{"id":'));
  const options: Array<fc.Arbitrary<Query>> = [
    fc.dictionary(fc.oneof(fc.constantFrom(...keys, ...HOSTILE_KEYS), fc.string({ maxLength: 10 })), fc.oneof(text, fc.array(text, { minLength: 2, maxLength: 3 })), { maxKeys: 4 }),
  ];
  if (keys.length > 0) {
    options.push(
      fc.tuple(fc.constantFrom(...keys), text).map(([k, v]) => ({ ...sample, [k]: v })),
      fc.tuple(fc.constantFrom(...keys), fc.array(text, { minLength: 2, maxLength: 3 })).map(([k, v]) => ({ ...sample, [k]: v })),
      fc.constantFrom(...keys).map((k) => Object.fromEntries(Object.entries(sample).filter(([key]) => key !== k))),
    );
  }
  return fc.oneof(...options);
}

/** Path parameters no resource has: traversal, CouchDB internals, encodings, lengths, unicode. */
export const hostileId: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(
    '_design/atende-sync', '_design%2Fatende-sync', '_all_docs', '_changes', '_local/identity', '__proto__', 'constructor',
    'prototype', '...', '%00', '%E0%A4%A', '%', 'secret:tokens', 'credential:user:admin', 'x'.repeat(5_000),
    '%2F', '%3Fx%3D1', '%23frag', 'a%2Fb%2Fc', '%2e%2e%2f%2e%2e%2fapi', 'null', 'undefined',
  ).map((raw) => ({ raw })),
  // Text that cannot be URI-encoded (a lone surrogate) never reaches a server: clients refuse it.
  hostileString.filter((s) => s.length > 0 && s.length < 3_000 && s.isWellFormed()).map((text) => ({ text })),
  fc.stringMatching(/^[a-z]{1,10}:[A-Za-z0-9_.@-]{1,40}$/).map((text) => ({ text })),
).map((id) => ('raw' in id ? id.raw : encodeURIComponent(id.text)));

function valueAt(root: unknown, path: Path): unknown {
  let node = root;
  for (const step of path) node = (node as Record<string | number, unknown>)[step];
  return node;
}

/**
 * Ids the schemas accept (`kind:key`) that name nothing, or name a document of another kind or
 * one no client may touch: a lookup must check the kind and the rights, not only existence.
 */
export const foreignId: fc.Arbitrary<string> = fc.oneof(
  fc.stringMatching(/^[a-z]{1,12}:[A-Za-z0-9_.@-]{1,60}$/),
  fc.constantFrom(
    'secret:tokens', 'credential:ana', 'credential:admin', 'user:admin', 'user:ana', 'team:comercial', 'contact:joao',
    'channel:demo-site', 'tag:x', 'chat:team.comercial', 'conversation:x', 'message:x', 'pausetype:x', 'login-attempts:x',
  ),
);

/**
 * The valid `sample` with one string or number replaced by a hostile one of the same kind (or
 * a schema-valid id of the wrong thing): often still accepted by the schema, so these reach
 * the domain code behind it.
 */
export function hostileLeavesOf(sample: unknown): fc.Arbitrary<unknown> {
  const leaves = pathsOf(sample).filter((p) => ['string', 'number'].includes(typeof valueAt(sample, p)));
  if (leaves.length === 0) return mutationsOf(sample);
  return fc.constantFrom(...leaves).chain((p) =>
    (typeof valueAt(sample, p) === 'string' ? fc.oneof(hostileString, foreignId) : hostileNumber).map((v) => changedAt(sample, p, { value: v })),
  );
}

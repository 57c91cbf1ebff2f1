import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API, openApiPath, type Endpoint } from '@atende/protocol';
import { startTestServer, type TestServer } from './helpers.js';

/**
 * R-RT-05 (issue 15 point 1): `GET /api/openapi.json` describes every endpoint of the protocol's
 * REST contract — method, path with its parameters, request and response schemas, who may call
 * it — generated from the same declarations the server parses with.
 */
type Operation = {
  operationId: string;
  summary: string;
  parameters?: Array<{ name: string; in: string; required: boolean }>;
  requestBody?: { content: { 'application/json': { schema: Record<string, unknown> } } };
  responses: Record<string, { content?: { 'application/json': { schema: Record<string, unknown> } } }>;
  security: Array<Record<string, string[]>>;
};
type Document = {
  openapi: string;
  paths: Record<string, Record<string, Operation>>;
  components: { securitySchemes: Record<string, { type: string; scheme: string }> };
};

let server: TestServer;
let doc: Document;
let headers: Headers;

beforeAll(async () => {
  server = await startTestServer();
  const res = await fetch(`${server.url}/api/openapi.json`);
  expect(res.status).toBe(200);
  headers = res.headers;
  doc = JSON.parse(await res.text()) as Document;
});
afterAll(async () => {
  await server.close();
});

const entries = Object.entries(API) as Array<[string, Endpoint]>;
const operationOf = (e: Endpoint) => doc.paths[openApiPath(e.path).path]?.[e.method.toLowerCase()];

describe('R-RT-05 OpenAPI document generated from the protocol', () => {
  it('R-RT-05 is public JSON of OpenAPI 3.1, cacheable', () => {
    expect(doc.openapi).toBe('3.1.0');
    expect(headers.get('content-type')).toContain('application/json');
    expect(headers.get('cache-control')).toContain('max-age');
  });

  it('R-RT-05 every endpoint of the contract appears with its method, path and path parameters', () => {
    for (const [name, e] of entries) {
      const operation = operationOf(e);
      expect(operation, `${name}: ${e.method} ${e.path}`).toBeDefined();
      expect(operation!.operationId).toBe(name);
      expect(operation!.summary.length).toBeGreaterThan(0);
      const pathParams = (operation!.parameters ?? []).filter((p) => p.in === 'path').map((p) => p.name);
      expect(pathParams, name).toEqual(openApiPath(e.path).params);
    }
    const count = Object.values(doc.paths).reduce((n, ops) => n + Object.keys(ops).length, 0);
    expect(count).toBe(entries.length);
  });

  it('R-RT-05 request bodies, queries and responses carry their JSON schemas', () => {
    for (const [name, e] of entries) {
      const operation = operationOf(e)!;
      if (e.body) expect(operation.requestBody?.content['application/json'].schema, name).toBeTypeOf('object');
      else expect(operation.requestBody, name).toBeUndefined();
      if (e.query) expect((operation.parameters ?? []).some((p) => p.in === 'query'), name).toBe(true);
      if (e.response === null) expect(operation.responses['204'], name).toBeDefined();
      else expect(Object.values(operation.responses).some((r) => r.content?.['application/json'].schema), name).toBe(true);
    }
    // A concrete one: the public send names its fields and the error body is described.
    const send = operationOf(API.publicSendMessage)!;
    const schema = send.requestBody!.content['application/json'].schema as { properties: Record<string, unknown>; required: string[] };
    expect(Object.keys(schema.properties)).toEqual(expect.arrayContaining(['id', 'text']));
    expect(schema.required).toEqual(expect.arrayContaining(['id', 'text']));
    expect(send.responses.default?.content?.['application/json'].schema).toMatchObject({ properties: { error: {}, message: {} } });
    const list = operationOf(API.publicListConversations)!;
    expect(list.parameters?.map((p) => p.name)).toEqual(expect.arrayContaining(['status', 'teamId', 'updatedSince', 'limit', 'cursor']));
  });

  it('R-RT-05 security: user bearer tokens vs API tokens with their scopes; public routes need none', () => {
    expect(Object.keys(doc.components.securitySchemes)).toEqual(expect.arrayContaining(['userToken', 'apiToken', 'visitorToken']));
    for (const [name, e] of entries) {
      const security = operationOf(e)!.security;
      if (e.auth === 'none') expect(security, name).toEqual([]);
      else if (e.auth === 'token') expect(security, name).toEqual([{ apiToken: [...(e.scopes ?? [])] }]);
      else expect(security, name).toEqual([{ [e.auth === 'user' ? 'userToken' : 'visitorToken']: [] }]);
    }
    expect(operationOf(API.publicSendMessage)!.security).toEqual([{ apiToken: ['messages:write'] }]);
  });
});

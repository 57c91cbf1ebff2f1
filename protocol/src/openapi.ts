import { z, type ZodType } from 'zod';
import { API_SCOPES } from './apiTokens.js';
import type { Endpoint } from './endpoint.js';
import { ErrorBody } from './rest.js';

/**
 * The OpenAPI 3.1 document of the REST contract (R-RT-05, issue 15 point 1), generated from the
 * same endpoint declarations and zod schemas the server parses with and the renderer calls with,
 * so the documentation cannot drift from what is served (`GET /api/openapi.json`).
 */

type JsonSchema = Record<string, unknown>;
type Io = 'input' | 'output';

/** JSON Schema 2020-12 (OpenAPI 3.1's dialect); what JSON cannot express (a transform's function) reads as "anything". */
function schemaOf(schema: ZodType, io: Io): JsonSchema {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: 'any', target: 'draft-2020-12' }) as JsonSchema;
  return rest;
}

/** `/api/conversations/:id` → `/api/conversations/{id}` and its parameter names. */
export function openApiPath(path: string): { path: string; params: string[] } {
  const params: string[] = [];
  const converted = path.replace(/:([A-Za-z]+)/g, (_, name: string) => {
    params.push(name);
    return `{${name}}`;
  });
  return { path: converted, params };
}

const SECURITY_OF: Record<Endpoint['auth'], string | undefined> = {
  user: 'userToken',
  visitor: 'visitorToken',
  token: 'apiToken',
  none: undefined,
};

function queryParameters(query: ZodType): JsonSchema[] {
  const schema = schemaOf(query, 'input');
  const properties = (schema.properties ?? {}) as Record<string, JsonSchema>;
  const required = new Set((schema.required ?? []) as string[]);
  return Object.entries(properties).map(([name, property]) => ({
    name, in: 'query', required: required.has(name), schema: property,
    ...(typeof property.description === 'string' ? { description: property.description } : {}),
  }));
}

function operationOf(name: string, e: Endpoint): JsonSchema {
  const { params } = openApiPath(e.path);
  const parameters = [
    ...params.map((p) => ({ name: p, in: 'path', required: true, schema: { type: 'string' } })),
    ...(e.query ? queryParameters(e.query) : []),
  ];
  const error = { description: 'Refused: `error` is a stable code, `message` a sentence', content: { 'application/json': { schema: schemaOf(ErrorBody, 'output') } } };
  const responses: JsonSchema = e.response === null
    ? { 204: { description: 'Done, no body' } }
    : { [e.method === 'POST' ? '2XX' : '200']: {
        description: e.method === 'POST' ? 'Done: 201 when it created something, 200 for a repeat of the same command' : 'OK',
        content: { 'application/json': { schema: schemaOf(e.response, 'output') } },
      } };
  const security = SECURITY_OF[e.auth];
  return {
    operationId: name,
    summary: e.summary ?? `${e.method} ${e.path}`,
    tags: [tagOf(e.path)],
    ...(parameters.length > 0 ? { parameters } : {}),
    ...(e.body ? { requestBody: { required: true, content: { 'application/json': { schema: schemaOf(e.body, 'input') } } } } : {}),
    responses: { ...responses, default: error },
    security: security ? [{ [security]: e.auth === 'token' ? [...(e.scopes ?? [])] : [] }] : [],
    ...(e.scopes ? { 'x-scopes': [...e.scopes] } : {}),
  };
}

/** Groups operations by the path's first segment after the API prefix (`conversations`, `admin`, `v1`). */
function tagOf(path: string): string {
  const [, , first, second] = path.split('/');
  if (first === 'v1' || first === 'admin') return `${first}${second ? ` ${second}` : ''}`;
  return first ?? 'api';
}

export interface OpenApiInfo {
  title: string;
  version: string;
  serverUrl?: string;
}

/** The whole document for a set of endpoints (the server passes `API`). */
export function openApiDocument(api: Readonly<Record<string, Endpoint>>, info: OpenApiInfo): JsonSchema {
  const paths: Record<string, Record<string, JsonSchema>> = {};
  for (const [name, e] of Object.entries(api)) {
    const { path } = openApiPath(e.path);
    (paths[path] ??= {})[e.method.toLowerCase()] = operationOf(name, e);
  }
  return {
    openapi: '3.1.0',
    info: {
      title: info.title,
      version: info.version,
      description:
        'Atende REST API. Agents and the app use a signed-in user\'s access token (POST /api/auth/login). ' +
        'Bots and integrations use an API token created by an admin (Administração › Tokens de API) on the ' +
        `routes under /api/v1, each needing the scopes it lists: ${API_SCOPES.join(', ')}.`,
    },
    ...(info.serverUrl ? { servers: [{ url: info.serverUrl }] } : {}),
    paths,
    components: {
      securitySchemes: {
        userToken: { type: 'http', scheme: 'bearer', description: "A signed-in user's access token (POST /api/auth/login)" },
        visitorToken: { type: 'http', scheme: 'bearer', description: "A website visitor's token (POST /api/webchat/{accountId}/visitors)" },
        apiToken: {
          type: 'http', scheme: 'bearer', bearerFormat: 'atk_…',
          description: `An API token (atk_…); an operation lists the scopes it needs in its security requirement. Scopes: ${API_SCOPES.join(', ')}`,
        },
      },
    },
  };
}

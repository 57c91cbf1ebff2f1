import type { RxJsonSchema } from 'rxdb';
import { z } from 'zod';

/**
 * RxDB schemas generated from the protocol's zod documents (issue 8 point 7), so a field added
 * to a document reaches the local replica without being written twice. What RxDB needs beyond
 * the JSON Schema zod produces is added here: the primary key, the indexes, bounds on indexed
 * numbers (RxDB builds index strings from `minimum`/`maximum`/`multipleOf`), and indexed fields
 * marked required.
 */
type JsonSchema = Record<string, unknown> & { properties?: Record<string, Record<string, unknown>>; required?: string[] };

/** Server timestamps (ms): bounded for RxDB's index strings. */
const TIME_BOUNDS = { minimum: 0, maximum: 1e15, multipleOf: 1 } as const;

const ALWAYS_REQUIRED = ['id', 'type', 'createdAt', 'updatedAt'];

export interface RxSchemaOptions {
  title: string;
  version?: number;
  indexes?: string[][];
}

export function rxSchemaOf<T>(document: z.ZodObject, options: RxSchemaOptions): RxJsonSchema<T> {
  const json = z.toJSONSchema(document, { io: 'output', unrepresentable: 'any' }) as JsonSchema;
  const properties: Record<string, Record<string, unknown>> = {};
  for (const [name, property] of Object.entries(json.properties ?? {})) {
    properties[name] = normalise(property);
  }
  const indexes = options.indexes ?? [];
  for (const field of new Set(indexes.flat())) {
    const property = properties[field];
    if (!property) throw new Error(`${options.title}: index on unknown field ${field}`);
    if (property.type === 'integer' || property.type === 'number') Object.assign(property, { type: 'number', ...TIME_BOUNDS });
    // An enum is as long as its longest value.
    if (property.type === 'string' && Array.isArray(property.enum)) {
      property.maxLength ??= Math.max(...property.enum.map((v: unknown) => String(v).length));
    }
    if (property.type === 'string' && typeof property.maxLength !== 'number') {
      throw new Error(`${options.title}: indexed string ${field} needs a maximum length in the protocol`);
    }
  }
  // Not every field zod requires: a tombstone from the server keeps only identity, type, times and
  // what the replica indexes (protocol `tombstoneOf`), and it must still fit.
  const required = [...new Set([...ALWAYS_REQUIRED.filter((f) => f in properties), ...indexes.flat()])];
  return {
    title: options.title,
    version: options.version ?? 0,
    primaryKey: 'id',
    type: 'object',
    properties,
    required,
    indexes,
  } as unknown as RxJsonSchema<T>;
}

/**
 * JSON Schema keywords RxDB does not take, or that only slow down writes: `$schema`, `pattern`
 * (ids are validated by the server), nested `additionalProperties: false` (a newer server may
 * add fields an older replica must still store), and defaults below the top level.
 */
function normalise(schema: Record<string, unknown>, topLevel = true): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(schema)) {
    if (key === '$schema' || key === 'pattern' || key === 'propertyNames') continue;
    if (key === 'additionalProperties' && value === false) continue;
    if (key === 'default' && !topLevel) continue;
    if (key === 'properties' && isRecord(value)) {
      out.properties = Object.fromEntries(Object.entries(value).map(([k, v]) => [k, isRecord(v) ? normalise(v, false) : v]));
    } else if ((key === 'items' || key === 'additionalProperties') && isRecord(value)) {
      out[key] = normalise(value, false);
    } else if (key === 'anyOf' && Array.isArray(value)) {
      const nullable = nullableOf(value);
      if (nullable) Object.assign(out, normalise(nullable, false), { type: [nullable.type, 'null'] });
      else out.anyOf = value.map((v: unknown) => (isRecord(v) ? normalise(v, false) : v));
    } else {
      out[key] = value;
    }
  }
  return out;
}

/** `T | null` as zod describes it (`anyOf: [T, {type: 'null'}]`): RxDB reads `type: [T, 'null']`. */
function nullableOf(options: unknown[]): (Record<string, unknown> & { type: string }) | undefined {
  if (options.length !== 2 || !options.every(isRecord)) return undefined;
  const [a, b] = options as Array<Record<string, unknown>>;
  const other = a?.type === 'null' ? b : b?.type === 'null' ? a : undefined;
  return other && typeof other.type === 'string' ? (other as Record<string, unknown> & { type: string }) : undefined;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

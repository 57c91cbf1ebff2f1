import { MachineConfigFile } from '@atende/protocol';
import type { z } from 'zod';
import { readJson } from '../jsonFile';
import { emptyLayer, type PolicyLayer } from './policyValues';

/**
 * The JSON files: IT's machine-wide file (a layer whose own `lockedKeys` lock its keys) and the
 * user's hand-edited one. A file that cannot be read or does not match its schema is ignored as a
 * whole and named in `problems`: the app still starts (R-DT-05).
 */
export interface FileRead<T> {
  values: T;
  problem?: string;
}

function describeIssues(error: z.ZodError): string {
  return error.issues.map((issue) => (issue.path.length ? `${issue.path.join('.')}: ${issue.message}` : issue.message)).join('; ');
}

export async function readConfigFile<S extends z.ZodType<object>>(file: string, schema: S): Promise<FileRead<z.infer<S> | Record<string, never>>> {
  const read = await readJson(file);
  if (read.kind === 'missing') return { values: {} };
  if (read.kind === 'invalid') return { values: {}, problem: `${file}: ${read.reason}` };
  const parsed = schema.safeParse(read.value);
  if (!parsed.success) return { values: {}, problem: `${file}: ${describeIssues(parsed.error)}` };
  return { values: parsed.data };
}

export async function readMachineFile(file: string): Promise<PolicyLayer> {
  const read = await readConfigFile(file, MachineConfigFile);
  const { lockedKeys = [], ...values } = read.values as MachineConfigFile;
  return { ...emptyLayer(file, read.problem === undefined ? [] : [read.problem]), values, locked: lockedKeys };
}

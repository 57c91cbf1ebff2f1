import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

/** The layering rule (eslint/layers.js) that keeps folder dependencies one-way (ARCHITECTURE §1). */
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const eslint = new ESLint({ cwd: root });

async function layerErrors(file: string, source: string): Promise<string[]> {
  const [result] = await eslint.lintText(source, { filePath: path.join(root, file) });
  return (result?.messages ?? []).filter((m) => m.ruleId === 'atende/layers').map((m) => m.message);
}

describe('one-way layers between server folders', () => {
  it('R-OPS-01 the domain may import the store, never an edge', async () => {
    expect(await layerErrors('sync-server/src/conversations/example.ts', "export { updateDoc } from '../store/index.js';\n")).toEqual([]);
    const upward = await layerErrors('sync-server/src/conversations/example.ts', "export { webhookRoutes } from '../channels/webhooks.js';\n");
    expect(upward).toHaveLength(1);
    expect(upward[0]).toMatch(/conversations .* may not import channels/);
  });

  it('R-OPS-01 two folders of one layer may not import each other (no cycles), and routes.ts files are edges', async () => {
    expect(await layerErrors('sync-server/src/store/example.ts', "export type { Bus } from '../bus/types.js';\n")).toHaveLength(1);
    expect(await layerErrors('sync-server/src/media/routes.ts', "export { parse } from '../http/errors.js';\n")).toEqual([]);
    expect(await layerErrors('sync-server/src/media/agentRoutes.ts', "export { parse } from '../http/errors.js';\n")).toEqual([]);
    expect(await layerErrors('sync-server/src/media/service2.ts', "export { parse } from '../http/errors.js';\n")).toHaveLength(1);
  });

  it('R-OPS-01 a new folder must be given a layer', async () => {
    const unknown = await layerErrors('sync-server/src/unplaced/example.ts', "export { updateDoc } from '../store/index.js';\n");
    expect(unknown[0]).toMatch(/no layer/);
  });
});
